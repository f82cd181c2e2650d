"""Reference data that several reads of one page need, read once per model instance.

The period report calls six selectors, and each needs the county's age groups, its
period data settings or the periods around the reported one. A request's model
instances live as long as the request, so `remembered(county, "age_groups", read)` keeps
what `read()` returned on the instance itself, as Django keeps prefetched objects
there; another request, with its own instances, reads afresh. A service that changes
such data calls `forget(instance, key)` so the same instance does not serve the old.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_ATTRIBUTE = "_krat_remembered"


def remembered(instance: object, key: str, read: Callable[[], T]) -> T:
    """`read()` the first time `key` is asked of `instance`, the same value afterwards."""
    store = instance.__dict__.setdefault(_ATTRIBUTE, {})
    if key not in store:
        store[key] = read()
    return store[key]


def forget(instance: object, key: str) -> None:
    instance.__dict__.get(_ATTRIBUTE, {}).pop(key, None)


def is_remembered(instance: object, key: str) -> bool:
    return key in instance.__dict__.get(_ATTRIBUTE, {})
