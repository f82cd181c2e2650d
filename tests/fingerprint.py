"""The state of every county's data in one number-tuple: what a refused write must leave alone."""

from __future__ import annotations

import functools

from django.db import connection

from krat import portability
from krat.models.base import Versioned


@functools.cache
def _fingerprint_sql() -> str:
    """One SELECT of every count (built once: finding the county models walks every model)."""
    qn = connection.ops.quote_name
    parts = []
    for model in portability.county_models():
        table = qn(model._meta.db_table)
        # The table names come from the models, never from input.
        parts.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608
        if issubclass(model, Versioned):
            parts.append(f"(SELECT COALESCE(SUM(version), 0) FROM {table})")  # noqa: S608
        history = getattr(model._meta, "simple_history_manager_attribute", None)
        if history:
            parts.append(f"(SELECT COUNT(*) FROM {qn(getattr(model, history).model._meta.db_table)})")  # noqa: S608
    return "SELECT " + ", ".join(parts)


def fingerprint() -> tuple:
    """Row counts of every county model and of its history, and the sums of versions: one query."""
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql())
        return tuple(cursor.fetchone())
