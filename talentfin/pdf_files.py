"""Reading back the files a PDF carries, such as the data a dossier embeds (``talentfin.pdf``).

Apart from the renderer, so the worker that renders never loads pikepdf (about 6 MB).
"""

import io

import pikepdf


def embedded_files(content: bytes) -> dict[str, tuple[str, bytes]]:
    """The files a PDF carries: name -> (MIME type, content); ValueError if it is no PDF."""
    try:
        with pikepdf.open(io.BytesIO(content)) as document:
            return {name: (spec.get_file().mime_type, spec.get_file().read_bytes())
                    for name, spec in document.attachments.items()}
    except pikepdf.PdfError as exc:
        raise ValueError("not a readable PDF") from exc
