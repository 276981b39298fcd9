"""Text as people typed it, without what no field means: NUL and other control characters
(a NUL is refused by PostgreSQL in text; an ESC or DEL in a file name breaks its download
header) and the bidirectional embedding, override and isolate marks, which reorder a name
on every page and dossier it is shown on (a company "‮ABC" reads "CBA"). Line breaks
and tabs stay; the rest is normalised to NFC, so that one name has one spelling."""

import re
import unicodedata

# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; the bidi
# embeddings and overrides (U+202A-U+202E) and isolates (U+2066-U+2069).
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(value: str) -> str:
    """The text in NFC without control characters (but tab and line breaks) or bidi
    controls."""
    if value.isascii() and value.isprintable():
        return value  # the common case, unchanged and fast
    return _UNWANTED.sub("", unicodedata.normalize("NFC", value))


def clean_file_name(name: str, extension: str, fallback: str = "document") -> str:
    """A stored file's name for its download: the last path part only, in NFC, without any
    control or format character (no line break either), ending in ``extension`` (the type
    its content was found to be, whatever the name claimed), at most 255 characters."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name)
                   if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")).strip()
    stem, dot, given = name.rpartition(".")
    if not dot:
        stem, given = name, ""
    if given.lower() == extension or (extension == "jpg" and given.lower() == "jpeg"):
        extension = given
    elif given.lower() in ("pdf", "jpg", "jpeg", "png"):
        pass  # the wrong one of ours: replaced
    elif given:
        stem = f"{stem}.{given}"  # a dot inside the name ("v1.2"), or a foreign extension
    stem = stem.strip(" .") or fallback
    return f"{stem[:255 - len(extension) - 1]}.{extension}"


MAX_ROW_ID = 2**31 - 1  # the largest id a 32-bit INTEGER column holds
MAX_BIGINT = 2**63 - 1  # the largest amount a BIGINT column holds


def whole_number(raw: str | None, maximum: int = MAX_ROW_ID) -> int | None:
    """A number given in a query string or a form as ASCII digits, at most ``maximum``; None
    for anything else ("²" and "٣" pass ``str.isdigit`` but not ``int``; a twenty-digit
    id overflows the database's integer)."""
    raw = (raw or "").strip()
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > len(str(maximum)):
        return None
    value = int(raw)
    return value if value <= maximum else None


def mask_id_number(value: str | None) -> str:
    """A resident ID number as pages show it: the region and the last four characters
    ("370212********0012"); the whole number only to those who decide, on request."""
    value = value or ""
    return value[:6] + "*" * max(len(value) - 10, 0) + value[-4:] if len(value) > 10 else "****"
