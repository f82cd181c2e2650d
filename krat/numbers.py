"""Numbers as the reader's language writes them: 1.680 and 12,5 in Albanian, 1,680 and
12.5 in English (krat/formats), percentages as 15% in both (as CLDR writes them).

Used by pages, PDFs and e-mails (the `number` and `percent` template filters), by the
counts a suppression `Cell` prints, and by the charts' labels.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format


def format_number(value):
    """`value` grouped in thousands with the active language's separators; a Decimal or
    float without its trailing zeros (12,50 → 12,5). None and text come back unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, Decimal):
        value = value.normalize() if value != value.to_integral_value() else value.quantize(Decimal(1))
    return number_format(value, use_l10n=True, force_grouping=True)


def format_percent(value):
    """15 → "15%"; None and text come back unchanged."""
    if value is None or value == "":
        return value
    return f"{format_number(value)}%"
