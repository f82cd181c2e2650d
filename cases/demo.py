"""Demo records of the cases app, loaded by `manage.py load_demo` (safe to run again)."""

from __future__ import annotations

from krat.models import County


def load(*, county: County) -> None:
    """Nothing to load yet."""
