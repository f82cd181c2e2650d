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


def upload_page(
    request, period, handle, back: str, stamps: dict[str, int] | None = None, **extra
) -> HttpResponse:
    """The shared import flow: a file in, everything saved or every problem listed.

    `stamps` are the versions of the grid the file replaces, as the page shows them; the
    form sends them back and `handle(data, stamps)` gives them to the service, so that a
    file does not replace a save made since the page was opened.
    """
    form = UploadForm(request.POST or None, request.FILES or None, stamps=stamps)
    problems = []
    if request.method == "POST":
        if period.is_closed:
            raise PermissionDenied
        if form.is_valid():
            try:
                count = handle(form.cleaned_data["file"].read(), form.stamps())
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
