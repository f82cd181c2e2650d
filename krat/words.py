"""How the application's words are written (locale/GLOSSARY.md): month names inside
running text are lower case in Albanian, capitalised only where a label starts.

A reporting period's label is written as a label, "Shtator – Dhjetor 2026"; inside a
sentence it reads "Afati për shtator – dhjetor 2026 ishte …" (`in_text`).
"""

from __future__ import annotations

import re

from django.utils.translation import get_language

ALBANIAN_MONTHS = (
    "Janar",
    "Shkurt",
    "Mars",
    "Prill",
    "Maj",
    "Qershor",
    "Korrik",
    "Gusht",
    "Shtator",
    "Tetor",
    "Nëntor",
    "Dhjetor",
)
_MONTH = re.compile(r"\b(" + "|".join(ALBANIAN_MONTHS) + r")(?=\b|[it]\b)")


def in_text(label: str) -> str:
    """`label` as it reads inside an Albanian sentence: its month names lower case. Other
    languages, and labels without a month, are left as they are."""
    if not label or not (get_language() or "").startswith("sq"):
        return label
    return _MONTH.sub(lambda match: match.group(1).lower(), str(label))
