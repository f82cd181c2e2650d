"""What people type, made safe to keep and to print: numbers bounded by what they can mean,
and text without the invisible controls that reorder it.

Bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) are
invisible characters that make the text after them run right to left: "U+202E" turns
"approved" into "devorppa" in a printed summary, a spreadsheet or an e-mail, and can make a
figure or a name read as something else. Albanian and English text never needs them, so
they are removed where text comes in (`NeutralisesBidi`, on the models: every writer —
form, API, import — validates a record before it saves it) and again where text goes out
to a PDF, a spreadsheet or an e-mail (`strip_bidi`), for what was stored before.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def strip_bidi(value: Any) -> Any:
    """`value` without bidirectional controls, if it is text; anything else as it is."""
    return BIDI_CONTROLS.sub("", value) if isinstance(value, str) else value


class NeutralisesBidi:
    """A model whose text fields lose their bidirectional controls when it is validated.

    `full_clean()` runs before every save (services, model forms, the API, imports), so
    this is the one place where typed text is cleaned, whatever brought it in.
    """

    def clean_fields(self, exclude=None):
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and not field.choices:
                setattr(self, field.attname, strip_bidi(getattr(self, field.attname)))
        super().clean_fields(exclude=exclude)


def bound_numbers(form: forms.BaseForm) -> None:
    """Give a model form's number fields the bounds of their model fields' validators, so
    that the browser offers them (`min`, `max`) and the form refuses what is outside them
    field by field, before the model does."""
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is None:
        return
    for name, field in form.fields.items():
        if not isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
            continue
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a form field of its own, not the model's
            continue
        # The validators the model declares (not the database's integer range, which differs
        # between SQLite and PostgreSQL).
        for validator in getattr(model_field, "_validators", ()):
            if isinstance(validator, MaxValueValidator) and field.max_value is None:
                field.max_value = validator.limit_value
                field.validators.append(validator)
                field.widget.attrs.setdefault("max", validator.limit_value)
            elif isinstance(validator, MinValueValidator) and field.min_value is None:
                field.min_value = validator.limit_value
                field.validators.append(validator)
                field.widget.attrs.setdefault("min", validator.limit_value)
