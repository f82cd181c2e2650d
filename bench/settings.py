"""The settings `make bench` serves and counts with: the application's own, with the cache
chosen by BENCH_CACHE:

- `none` (cold): Django's dummy cache, so that nothing one request computes is kept for the
  next and every page is built and every figure protected from the database;
- `app` (warm): the application's own cache (Redis when REDIS_URL is set, shared by the
  workers; else each worker's memory), under a key prefix of its own for each run
  (BENCH_RUN), so no run reads what another kept. What KRAT keeps there is keyed by what
  it was computed from (`krat.suppression.remembered`,
  `cases.selectors.figures.published_headlines`), so the writes of the load never leave a
  stale figure behind."""

import os

from krat.settings import *  # noqa: F403
from krat.settings import CACHES

if os.environ.get("BENCH_CACHE", "none") == "none":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
else:
    CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": f"krat-bench-{os.environ.get('BENCH_RUN', '')}"}}
