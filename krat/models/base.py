"""Abstract bases shared by domain models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Versioned(models.Model):
    """A record that people edit in forms: `version` detects a concurrent edit.

    Saves go through `krat.concurrency.save_versioned`, which refuses a save whose
    starting version is no longer the stored one, so nobody overwrites an edit unseen.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True
