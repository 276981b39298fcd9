"""What of PDF/A-3b can be checked without veraPDF (the reference validator, which cannot be
installed here): pikepdf reads the objects. Checked: the XMP identification (pdfaid part 3,
conformance B), the info dictionary mirrored in XMP, one sRGB output intent (GTS_PDFA1, an
ICC profile), every font embedded, no encryption, no JavaScript nor open or additional
actions, the document ID; and the associated file: its MIME subtype, AFRelationship Data,
its place in the catalog's /AF, its checksum and size, its JSON.
"""

import hashlib
import io
import json

import pikepdf

# Info dictionary keys and the XMP properties that must say the same (ISO 19005-3, 6.6.2.3).
INFO_IN_XMP = {"/Title": "dc:title", "/Producer": "pdf:Producer", "/Author": "dc:creator",
               "/Subject": "dc:description", "/Keywords": "pdf:Keywords",
               "/Creator": "xmp:CreatorTool"}


def _fonts(document: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    return [obj for obj in document.objects
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font"]


def _has_font_file(font: pikepdf.Dictionary) -> bool:
    if font.Subtype == "/Type3":  # glyphs drawn by the PDF's own content streams
        return True
    if font.Subtype == "/Type0":
        font = font.DescendantFonts[0]
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _javascript(document: pikepdf.Pdf) -> list:
    names = document.Root.get("/Names", {})
    found = ["/JavaScript name tree"] if "/JavaScript" in names else []
    for obj in document.objects:
        if isinstance(obj, pikepdf.Dictionary) and (
                "/JS" in obj or obj.get("/S") == "/JavaScript"):
            found.append(obj)
    return found


def assert_pdfa_3b(content: bytes) -> None:
    """What of PDF/A-3b can be checked without veraPDF."""
    assert content.startswith(b"%PDF-1.7")
    with pikepdf.open(io.BytesIO(content)) as document:
        meta = document.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "B"
        for key, prop in INFO_IN_XMP.items():
            if key in document.docinfo:
                assert str(document.docinfo[key]) in str(meta.get(prop)), key

        intents = document.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1"
        profile = intents[0].DestOutputProfile
        assert profile.N == 3 and profile.read_bytes()[36:40] == b"acsp"  # an ICC profile

        fonts = _fonts(document)
        assert fonts and all(_has_font_file(font) for font in fonts)
        assert not document.is_encrypted and "/Encrypt" not in document.trailer
        assert not _javascript(document) and "/OpenAction" not in document.Root
        assert "/AA" not in document.Root
        assert len(document.trailer.ID) == 2


def assert_carries(content: bytes, name: str, value, description: str) -> None:
    """The PDF's one associated file is ``name``: ``value`` as JSON data (sorted keys, UTF-8)."""
    with pikepdf.open(io.BytesIO(content)) as document:
        specs = document.attachments
        assert list(specs) == [name]
        spec = specs[name].obj
        assert spec.AFRelationship == "/Data" and str(spec.UF) == name
        assert str(spec.Desc) == description
        assert spec.objgen in {item.objgen for item in document.Root.AF}
        stream = spec.EF.F
        assert stream.Subtype == "/application/json"
        data = stream.read_bytes()
        assert int(stream.Params.Size) == len(data)
        assert bytes(stream.Params.CheckSum) == hashlib.md5(data).digest()  # noqa: S324
        assert json.loads(data.decode("utf-8")) == value
        assert data.decode() == json.dumps(value, ensure_ascii=False, sort_keys=True)
