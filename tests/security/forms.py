"""Turn a page's form back into the POST data a browser would send, generically."""

from __future__ import annotations

import datetime

from django import forms


def _format(widget: forms.Widget, value):
    if value is None:
        return None
    if isinstance(widget, forms.CheckboxInput):
        return "on" if value else None
    if isinstance(value, list | tuple) and not isinstance(widget, forms.MultiWidget):
        return [str(v) for v in value]
    if isinstance(value, datetime.date | datetime.time):
        return widget.format_value(value)
    return str(value)


def form_data(form: forms.BaseForm) -> dict:
    """The data of an unbound (or bound) form as the browser posts it."""
    data: dict = {}
    for bound in form:
        value = bound.value()
        widget = bound.field.widget
        if isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, list | tuple) else widget.decompress(value)
            for suffix, sub, part in zip(widget.widgets_names, widget.widgets, parts, strict=False):
                formatted = _format(sub, part)
                if formatted is not None:
                    data[bound.html_name + suffix] = formatted
            continue
        formatted = _format(widget, value)
        if formatted is not None:
            data[bound.html_name] = formatted
    if isinstance(form, forms.BaseFormSet):
        data.update({f"{form.prefix}-{k}": v for k, v in form.management_form.initial.items()})
    return data


def page_form(response):
    """The form (or formset) a page rendered: context "form", else "formset"."""
    context = response.context
    for key in ("form", "formset"):
        if key in context:
            return context[key]
    raise AssertionError(f"no form on {response.request['PATH_INFO']}")


def side_forms(response) -> list[forms.BaseForm]:
    """The forms a page posts beside its main one (the employment grid's stamp)."""
    return [response.context[key] for key in ("stamp_form",) if key in response.context]


def page_data(response) -> dict:
    """What the browser posts from a page: its main form and the forms beside it."""
    data = form_data(page_form(response))
    for form in side_forms(response):
        data.update(form_data(form))
    return data


def text_field(form: forms.BaseForm) -> str | None:
    """A free-text field the editor may change (not a choice, not hidden, not a date, not
    one with a shape of its own); a multi-line one first."""
    candidates = sorted(form, key=lambda b: not isinstance(b.field.widget, forms.Textarea))
    for bound in candidates:
        field = bound.field
        if (
            not hasattr(form, f"clean_{bound.name}")
            and isinstance(field, forms.CharField)
            and not isinstance(field.widget, forms.HiddenInput | forms.PasswordInput)
            and not bound.name.startswith("password")
            and not getattr(field, "choices", None)
            and not bound.name.startswith("attendee_")
            and (field.max_length is None or field.max_length >= 20)
        ):
            return bound.name
    return None


def fill_required(form: forms.BaseForm, data: dict) -> dict:
    """Give each empty required choice its first real option (to create a record)."""
    for bound in form:
        field = bound.field
        if field.required and not data.get(bound.html_name) and getattr(field, "choices", None):
            values = [str(v) for v, _label in field.choices if v not in ("", None)]
            if values:
                data[bound.html_name] = values[0]
    return data
