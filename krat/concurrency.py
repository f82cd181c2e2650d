"""Optimistic locking: a save based on an old version of a record is refused.

Two people may open the same form; the second to save is told what the first
changed instead of overwriting it. See `krat.models.base.Versioned`.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


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


def save_versioned(
    instance: models.Model, *, expected_version: int | None, fields: list[str] | None = None
) -> models.Model:
    """Validate and save `instance` if the stored version is still `expected_version`.

    A new record (no primary key yet) is simply validated and created.
    The stored row is locked for the check, so two concurrent saves cannot both pass.
    """
    model = type(instance)
    if instance.pk is None:
        instance.full_clean()
        instance.save()
        return instance
    with transaction.atomic():
        stored = model.objects.select_for_update().get(pk=instance.pk)
        if stored.version != expected_version:
            names = fields or [f.name for f in model._meta.concrete_fields]
            changed = [
                str(model._meta.get_field(name).verbose_name)
                for name in names
                if name != "version" and getattr(stored, name) != getattr(instance, name)
            ]
            raise StaleEditError(changed)
        instance.version = expected_version + 1
        instance.full_clean()
        instance.save()
    return instance


class VersionedFormMixin(forms.Form):
    """Carries the version the editor started from through the round trip.

    Also: a model rule about a field the form does not show (a meeting's status when its
    date moves) becomes an error of the whole form instead of Django's ValueError (a 500).
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, label=gettext_lazy("version"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            self.fields["version"].initial = instance.version
        else:
            self.fields["version"].required = False

    def _update_errors(self, errors: ValidationError) -> None:
        if hasattr(errors, "error_dict"):
            moved: dict[str, list] = {}
            for field, messages in errors.error_dict.items():
                moved.setdefault(field if field in self.fields else NON_FIELD_ERRORS, []).extend(messages)
            errors = ValidationError(moved)
        super()._update_errors(errors)
