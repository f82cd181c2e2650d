"""The one create-or-edit flow that every record form of the application shares."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from krat.forms import add_errors

M = TypeVar("M", bound=models.Model)


def record_form_view(
    request: HttpRequest,
    *,
    form: forms.ModelForm[M],
    save: Callable[[M, forms.ModelForm[M]], M],
    template: str,
    success_message: str,
    success_url: Callable[[M], str],
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """Validate `form` on POST and hand its unsaved instance to `save` (a service).

    A ValidationError from the service (a rule across records, a concurrent edit)
    lands on the form, which is shown again with the user's input intact.
    """
    if request.method == "POST" and form.is_valid():
        try:
            # The record and its many-to-many links are one write: all or nothing.
            with transaction.atomic():
                record = save(form.save(commit=False), form)
                form.save_m2m()
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, success_message)
            return redirect(success_url(record))
    status = 400 if request.method == "POST" else 200
    return render(request, template, {**(context or {}), "form": form}, status=status)
