"""The import flow every grid shares: a spreadsheet in, everything saved or every problem
listed on the page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cases.forms import UploadForm
from cases.views.common import page_context
from krat import spreadsheets as xl


def upload_page(request, period, handle, back: str, **extra) -> HttpResponse:
    """The shared import flow: a file in, everything saved or every problem listed."""
    form = UploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST":
        if period.is_closed:
            raise PermissionDenied
        if form.is_valid():
            try:
                count = handle(form.cleaned_data["file"].read())
            except xl.SpreadsheetError as error:
                problems = error.messages
            except ValidationError as error:
                problems = error.messages
            else:
                messages.success(
                    request, _("The spreadsheet was imported (%(count)d rows).") % {"count": count}
                )
                return redirect(back)
    return render(
        request,
        "cases/import.html",
        page_context(request, period, extra.pop("section"), form=form, problems=problems, back=back, **extra),
        status=400 if request.method == "POST" else 200,
    )
