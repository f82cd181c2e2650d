"""`{{ period.label|in_text }}`: a label inside running text, month names lower case in
Albanian ("për shtator – dhjetor 2026"; krat/words.py)."""

from __future__ import annotations

from django import template

from krat import words

register = template.Library()


@register.filter
def in_text(label):
    return words.in_text(label)
