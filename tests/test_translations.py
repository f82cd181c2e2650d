"""Albanian is the first language: every string of ours has a finished Albanian translation."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
SQ = ROOT / "locale" / "sq" / "LC_MESSAGES" / "django.po"


def test_no_albanian_entry_is_empty_or_fuzzy():
    po = polib.pofile(str(SQ))
    bad = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert bad == []


def test_placeholders_survive_translation():
    import re

    po = polib.pofile(str(SQ))
    pattern = re.compile(r"%\(\w+\)s")
    for entry in po.translated_entries():
        expected = sorted(pattern.findall(entry.msgid))
        translations = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        for text in translations:
            assert sorted(pattern.findall(text)) == expected or entry.msgid_plural, entry.msgid


def test_the_catalogue_holds_every_string_in_the_code(tmp_path):
    """makemessages, run on a copy of the sources, finds nothing that is not translated."""
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "media", "staticfiles", "tests", "*.sqlite3", "__pycache__"
        ),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "sq", "--no-location", "--ignore=scripts", "-v0"],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "KRAT_TESTING": "1", "DJANGO_SETTINGS_MODULE": "krat.settings"},
    )
    assert result.returncode == 0, result.stderr
    fresh = polib.pofile(str(copy / "locale" / "sq" / "LC_MESSAGES" / "django.po"))
    missing = sorted(e.msgid for e in fresh if not e.obsolete and (not e.translated() or "fuzzy" in e.flags))
    assert missing == [], "run makemessages and translate: " + repr(missing)


@pytest.mark.parametrize(
    ("language", "text"), [("sq", "Periudha raportuese aktuale"), ("en", "Current reporting period")]
)
def test_strings_translate_at_run_time(language, text):
    with translation.override(language):
        assert translation.gettext("Current reporting period") == text
