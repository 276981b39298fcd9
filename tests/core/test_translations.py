"""Every user-facing string in the code and templates has a Chinese translation, and the
catalogs compile (make runs the compilation on every install)."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ROOT / "talentfin" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalog(path: Path, locale: str):
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _msgid(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def test_every_extracted_string_is_translated_into_chinese(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-k", "_", "-k", "NO", "-k", "ngettext:1,2",
         "-o", str(pot),
         "--no-location", "--project", "talentfin", "."],
        cwd=ROOT, check=True, capture_output=True)
    extracted = {_msgid(m) for m in _catalog(pot, "zh") if m.id}
    assert "Review queue" in extracted and "Change password" in extracted  # it really read
    # The authorization map's refusals (``policy.NO``) are shown on 403 pages too.
    assert "Only the administrator manages accounts." in extracted
    zh = {_msgid(m): m for m in _catalog(CATALOGS / "zh/LC_MESSAGES/messages.po", "zh") if m.id}
    missing = sorted(extracted - zh.keys())
    assert not missing, f"not in the Chinese catalog (run pybabel update): {missing[:10]}"
    empty = sorted(key for key in extracted
                   if zh[key].fuzzy or not all(zh[key].string if isinstance(zh[key].string, tuple)
                                               else (zh[key].string,)))
    assert not empty, f"untranslated or fuzzy: {empty[:10]}"


def test_translations_keep_every_placeholder():
    for locale in ("zh", "en"):
        for message in _catalog(CATALOGS / f"{locale}/LC_MESSAGES/messages.po", locale):
            if not message.id:
                continue
            wanted = set(PLACEHOLDER.findall(_msgid(message)))
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for text in strings:
                assert set(PLACEHOLDER.findall(text)) == wanted, (locale, _msgid(message))


def test_the_catalogs_compile_without_errors(tmp_path):
    for locale in ("zh", "en"):
        result = subprocess.run(
            [sys.executable, "-m", "babel.messages.frontend", "compile", "-i",
             str(CATALOGS / f"{locale}/LC_MESSAGES/messages.po"), "-o",
             str(tmp_path / f"{locale}.mo"), "-l", locale],
            cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
