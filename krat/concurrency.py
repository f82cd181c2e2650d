"""Optimistic locking: a save based on an old version of a record is refused.

Two people may open the same form; the second to save is told what the first
changed instead of overwriting it. See `krat.models.base.Versioned`.

Every form that changes a stored record carries the version its page showed (a
`VersionField`); a save without one is refused like a stale one, never let through
unchecked: a page that does not say what it started from could overwrite anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.forms.utils import ErrorList
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from krat.inputs import bound_numbers
from krat.models.base import field_label

if TYPE_CHECKING:
    from krat.models.base import Versioned

_V = TypeVar("_V", bound="Versioned")

MISSING_VERSION_MESSAGE = gettext_lazy(
    "This page does not say which version of the record it was opened on (it was opened "
    "before an update of the application, or it is incomplete), so nothing was saved; your "
    "input is still in the form. Copy what you typed, reload the page and save again."
)


class StaleEditError(ValidationError):
    """Raised when the stored record moved on since the editor loaded it."""

    def __init__(self, changed_fields: list[str]):
        self.changed_fields = changed_fields
        super().__init__(
            _(
                "Someone else saved this record while you were editing it, so nothing "
                "of yours was saved; your input is still in the form. Fields where the "
                "saved record now differs from your input: %(fields)s."
            ),
            code="stale_edit",
            params={"fields": ", ".join(changed_fields) or "—"},
        )


class ChangedSinceReadError(StaleEditError):
    """Raised when a decision about a record (approving, returning it) was taken on a
    version that someone changed since: the decider must read what they decide on."""

    def __init__(self):
        self.changed_fields = []
        ValidationError.__init__(
            self,
            _(
                "This changed after you opened the page (someone saved it meanwhile), so "
                "nothing was done. Read it again, then decide."
            ),
            code="stale_edit",
        )


class MissingVersionError(ValidationError):
    """Raised when a change of a stored record does not say which version it started from."""

    def __init__(self):
        super().__init__(MISSING_VERSION_MESSAGE, code="missing_version")


def require_version(expected_version: int | None) -> int:
    """The version a change started from; a change that gives none is refused."""
    if expected_version is None:
        raise MissingVersionError
    return expected_version


def save_versioned(instance: _V, *, expected_version: int | None, fields: list[str] | None = None) -> _V:
    """Validate and save `instance` if the stored version is still `expected_version`.

    A new record (no primary key yet) is simply validated and created. A stored one
    needs `expected_version` (None is refused: `MissingVersionError`).
    The stored row is locked for the check, so two concurrent saves cannot both pass.
    """
    model = type(instance)
    if instance.pk is None:
        instance.full_clean()
        instance.save()
        return instance
    expected_version = require_version(expected_version)
    with transaction.atomic():
        stored = model._default_manager.select_for_update().get(pk=instance.pk)
        if stored.version != expected_version:
            names = fields or [f.name for f in model._meta.concrete_fields]
            changed = [
                str(field_label(model, name))
                for name in names
                if name != "version" and getattr(stored, name) != getattr(instance, name)
            ]
            raise StaleEditError(changed)
        instance.version = expected_version + 1
        instance.full_clean()
        instance.save()
    return instance


class VersionField(forms.IntegerField):
    """The hidden version (or stamp) of what a page shows, sent back with the save.

    0 stands for "nothing was stored when the page was opened". Whatever is wrong with it
    (missing, not a number, negative) is the one message of `MISSING_VERSION_MESSAGE`,
    shown above the form by `StampedFormMixin` (a hidden field's own errors are not drawn).
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("label", gettext_lazy("version"))
        messages = dict.fromkeys(("required", "invalid", "min_value", "max_value"), MISSING_VERSION_MESSAGE)
        kwargs["error_messages"] = {**messages, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)


def posted_version(data) -> int | None:
    """The version a button's form sent (`version`), or None when it is missing or broken:
    the service then refuses the action (`MissingVersionError`)."""
    try:
        return VersionField(min_value=1).clean(data.get("version"))
    except ValidationError:
        return None


class StampedFormMixin:
    """A form with `VersionField`s: their errors are the form's, shown once above it."""

    def add_error(self, field, error):
        if field is not None and isinstance(self.fields.get(field), VersionField):
            said = self._errors.get(NON_FIELD_ERRORS, ErrorList()).as_data()
            if any(e.code == "missing_version" for e in said):
                return  # said once, however many versions the form carries
            field, error = None, MissingVersionError()
        super().add_error(field, error)


class VersionedFormMixin(StampedFormMixin, forms.Form):
    """Carries the version the editor started from through the round trip.

    A form for a stored record needs it back (a save without it is refused, see
    `VersionField`); a form for a new record sends 0, so that a record created by someone
    else meanwhile (a period's progress, a report's summary) refuses this save as stale.

    Also: a model rule about a field the form does not show (a meeting's status when its
    date moves) becomes an error of the whole form instead of Django's ValueError (a 500);
    and the number fields get their model's bounds (`krat.inputs.bound_numbers`).
    """

    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_numbers(self)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            self.fields["version"].initial = instance.version
        else:
            self.fields["version"].initial = 0
            self.fields["version"].required = False

    def add_error(self, field: str | None, error) -> None:
        # A model's error about a field the form does not show becomes an error of the
        # whole form (Django's add_error refuses a field the form lacks with ValueError).
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            moved: dict[str, list] = {}
            for name, messages in error.error_dict.items():
                moved.setdefault(name if name in self.fields else NON_FIELD_ERRORS, []).extend(messages)
            error = ValidationError(moved)
        super().add_error(field, error)
