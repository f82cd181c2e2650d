"""The settings `make bench` serves and counts with: the application's own, with Django's
cache framework replaced by the dummy cache, so that nothing one request builds can be
kept for the next and every figure is cold. (KRAT keeps nothing in that cache today;
this keeps a later use from warming the figures unnoticed.)"""

from krat.settings import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
