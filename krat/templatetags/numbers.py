"""`{{ value|number }}` and `{{ value|percent }}`: numbers as the reader's language writes
them, 1.680 and 12,5 in Albanian (1,680 and 12.5 in English), and 15% in both.

Django groups thousands only when USE_THOUSAND_SEPARATOR is on, and then groups every
number a template prints, years and ids in addresses included ("2.018"): KRAT leaves it off
and groups the counts and amounts it prints with these filters.
"""

from __future__ import annotations

from django import template

from krat.numbers import format_number, format_percent

register = template.Library()


@register.filter
def number(value):
    """A count or an amount, its thousands grouped; text (a hidden count's mark) as it is."""
    return format_number(value)


@register.filter
def percent(value):
    return format_percent(value)
