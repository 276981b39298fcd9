"""A Chinese font subset for the dossiers, built once from the system's Noto Sans CJK.

The full Noto Sans CJK collection is 19 MB; WeasyPrint loads and subsets it on every
render. A subset with the 6,763 characters of GB 2312 (plus ASCII, Latin-1, CJK and
full-width punctuation) is about 3 MB: renders take half the time, the PDF is less than
half the size and the process needs half the memory. Characters outside the subset (a
rare character in a name) still print: the stylesheet falls back to the full font.
Noto CJK is under the SIL Open Font License, which allows subsetting and embedding; the
subset is renamed, as the license asks of modified versions.
"""

import os
import tempfile
from pathlib import Path

from flask import current_app
from fontTools import subset
from fontTools.ttLib import TTCollection
from fontTools.ttLib import TTFont

FAMILY = "Talentfin CJK SC"
FILE_NAME = "talentfin-cjk-sc.otf"
SYSTEM_COLLECTIONS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc",
)
SOURCE_FAMILY = "Noto Sans CJK SC"


def subset_characters() -> set[int]:
    """Code points kept: ASCII, Latin-1, GB 2312, CJK and full-width punctuation."""
    chars = set(range(0x20, 0x7F)) | set(range(0xA0, 0x100))
    for first in range(0xA1, 0xF8):
        for second in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([first, second]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    chars |= set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0))
    chars |= {0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x2022}
    return chars


def find_source() -> tuple[str, int] | None:
    """The system's Noto Sans CJK collection and the index of its Simplified Chinese face."""
    for path in SYSTEM_COLLECTIONS:
        if not os.path.exists(path):
            continue
        collection = TTCollection(path, lazy=True)
        for index, font in enumerate(collection.fonts):
            if font["name"].getDebugName(1) == SOURCE_FAMILY:
                return path, index
    return None


def build_subset(target: Path) -> Path | None:
    """Write the subset to ``target`` (atomically) unless it exists; None without a source."""
    if target.exists():
        return target
    source = find_source()
    if source is None:
        return None
    font = TTFont(source[0], fontNumber=source[1])
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset_characters())
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID == 4:
            record.string = f"{FAMILY} Regular"
        elif record.nameID == 6:
            record.string = FAMILY.replace(" ", "") + "-Regular"
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, suffix=".otf")
    os.close(handle)
    try:
        font.save(temp)
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return target


def font_path() -> Path:
    """Where the app's CJK subset lives (``flask fonts`` makes it)."""
    return Path(current_app.instance_path) / "fonts" / FILE_NAME
