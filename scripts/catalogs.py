"""Extract every translatable string, update the catalogs, and list what lacks Chinese.

    .venv/bin/python scripts/catalogs.py        (also run by ``make catalogs``)

The English catalog translates each string as itself; the Chinese one keeps its
translations, and the strings still untranslated are printed (fill their msgstr in
talentfin/translations/zh/LC_MESSAGES/messages.po, then ``make translations``). Catalogs
are written sorted and unwrapped, so a change shows as the lines it really changed.
"""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "talentfin" / "translations"
BIN = Path(sys.executable).parent


def _write(path: Path, catalog) -> None:
    with open(path, "wb") as handle:
        write_po(handle, catalog, ignore_obsolete=True, omit_header=False, sort_output=True,
                 width=0)


def main() -> int:
    """Extract, update, fill the English catalog, report the Chinese gaps."""
    template = FOLDER / "messages.pot"
    subprocess.run([BIN / "pybabel", "-q", "extract", "-F", "babel.cfg", "-k", "_l", "-k",
                    "lazy_gettext", "-k", "_", "-k", "NO", "-k", "ngettext:1,2", "-o", template,
                    "--no-location", "--project", "talentfin", "."], cwd=ROOT, check=True)
    for locale in ("en", "zh"):
        subprocess.run([BIN / "pybabel", "-q", "update", "-i", template, "-d", FOLDER, "-l",
                        locale, "--no-fuzzy-matching", "--ignore-obsolete"], check=True)
    with open(template, "rb") as handle:
        _write(template, read_po(handle))
    missing = []
    for locale in ("en", "zh"):
        path = FOLDER / locale / "LC_MESSAGES" / "messages.po"
        with open(path, "rb") as handle:
            catalog = read_po(handle, locale=locale)
        for message in catalog:
            if not message.id:
                continue
            empty = not all(message.string) if isinstance(message.id, tuple) \
                else not message.string
            if empty and locale == "en":
                message.string = message.id
            elif empty:
                missing.append(message.id)
        _write(path, catalog)
    for message_id in missing:
        print(f"untranslated (zh): {message_id!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
