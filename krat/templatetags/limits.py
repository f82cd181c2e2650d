"""`{% upload_limit_bytes %}` and `{% upload_limit_mb %}`: the most text a form may send
(`DATA_UPLOAD_MAX_MEMORY_SIZE`), for the page's own check before a form leaves it."""

from __future__ import annotations

from django import template
from django.conf import settings

from krat.views.errors import upload_limit_mb as limit_mb

register = template.Library()


@register.simple_tag
def upload_limit_bytes() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


@register.simple_tag
def upload_limit_mb() -> int:
    return limit_mb()
