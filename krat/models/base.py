"""Abstract bases shared by domain models."""

import hashlib
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from krat.inputs import NeutralisesBidi

if TYPE_CHECKING:
    # The stubs' name for what gettext_lazy returns; at run time it is a Promise.
    from django.utils.functional import _StrPromise as Promise
else:
    from django.utils.functional import Promise

#: A label: a string, or a lazy translation of one.
StrOrPromise = str | Promise


class Versioned(NeutralisesBidi, models.Model):
    """A record that people edit in forms: `version` detects a concurrent edit.

    Saves go through `krat.concurrency.save_versioned`, which refuses a save whose
    starting version is no longer the stored one, so nobody overwrites an edit unseen.
    Its text loses bidirectional controls when validated (`krat.inputs.NeutralisesBidi`).
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class StoredPdf(models.Model):
    """A signed document kept exactly as it was made: the PDF's bytes and their SHA-256.

    The bytes live in the database (not under MEDIA_ROOT): they can only leave through a
    permission-checked download view, they are backed up and rolled back with the rest
    of the data, and a few hundred kilobytes per version is small. `sha256` is checked
    on every download (`krat.pdf.stored_pdf_response`). Used by finalised period reports
    and approved minutes.
    """

    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    pdf = models.BinaryField(_("PDF"))

    class Meta:
        abstract = True

    @staticmethod
    def checksum(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    def store(self, data: bytes) -> None:
        """Set the bytes with their checksum and size."""
        self.pdf, self.sha256, self.size = data, self.checksum(data), len(data)

    @property
    def is_intact(self) -> bool:
        """The stored bytes still match the checksum taken when they were stored."""
        return self.checksum(bytes(self.pdf)) == self.sha256


def model_field(model: type[models.Model], name: str) -> models.Field:
    """`model`'s own field `name` (not a relation's reverse side).

    Raises FieldDoesNotExist for an unknown name and TypeError for a reverse side."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a field of its own")
    return field


def field_label(model: type[models.Model], name: str) -> StrOrPromise:
    """The verbose name of `model`'s field `name`, lazy as the model declares it
    (errors as `model_field`)."""
    return model_field(model, name).verbose_name
