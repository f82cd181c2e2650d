"""Strings that libraries show our users but do not translate into Albanian.

Listing them here puts them in our catalogue, which takes precedence over theirs.
"""

from django.utils.translation import gettext_noop

SIMPLE_HISTORY = [gettext_noop("Created"), gettext_noop("Changed"), gettext_noop("Deleted")]
