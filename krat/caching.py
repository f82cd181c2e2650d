"""Django's cache as KRAT reads and writes it: what it keeps can always be computed again
(`krat.suppression.remembered`, `cases.selectors.figures.published_headlines`), so a cache
that is down or refuses a value costs the computing, never the page. Django's Redis cache
raises on a lost connection; these log it and carry on, as django-redis's
IGNORE_EXCEPTIONS does."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.core.cache import cache

logger = logging.getLogger(__name__)


def source_digest(*paths: str | Path) -> str:
    """A short digest of the source files `paths`: part of the key of whatever they compute,
    so that a deployment that changes the rules never reads what the old ones kept."""
    return hashlib.sha256(b"".join(Path(path).read_bytes() for path in paths)).hexdigest()[:16]


def get_many(keys: Iterable[str]) -> dict[str, Any]:
    """The values kept under `keys` (those found); {} when the cache cannot be read."""
    try:
        return cache.get_many(list(keys))
    except Exception:
        logger.warning("the cache could not be read; computing again", exc_info=True)
        return {}


def set_many(values: Mapping[str, Any], timeout: int | None) -> None:
    """Keep `values` for `timeout` seconds (None: until evicted); nothing (but a warning)
    when the cache cannot be written."""
    try:
        cache.set_many(dict(values), timeout)
    except Exception:
        logger.warning("the cache could not be written", exc_info=True)
