"""Fill empty Albanian entries of locale/sq from a Python file of translations.

Usage: .venv/bin/python scripts/po_fill.py TRANSLATIONS.py
The file defines T = {msgid: msgstr} and optionally PLURALS = {msgid: [one, many]}.
Existing translations are kept unless the file gives a new one; the English catalogue
is left empty on purpose (msgids are English). Prints what is still missing.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "sq" / "LC_MESSAGES" / "django.po"
HEADER = {
    "Language": "sq",
    "Plural-Forms": "nplurals=2; plural=(n != 1);",
    "Content-Type": "text/plain; charset=UTF-8",
}


def main(path: str) -> int:
    source = runpy.run_path(path)
    singular, plural = source.get("T", {}), source.get("PLURALS", {})
    po = polib.pofile(str(PO))
    po.metadata.update(HEADER)
    for entry in po:
        given = plural.get(entry.msgid) if entry.msgid_plural else singular.get(entry.msgid)
        if given is None:
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = dict(enumerate(given))
        else:
            entry.msgstr = given
        if "fuzzy" in entry.flags:  # a translation given here replaces makemessages' guess
            entry.flags.remove("fuzzy")
    po.save()
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    for msgid in missing:
        print("missing:", repr(msgid))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
