"""Documents: the printed summary, the invitation letter, the calendar file, attachments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from krat.audit import log_download
from krat.http import AuthenticatedHttpRequest, disposition
from krat.pdf import pdf_response, render_pdf
from meetings import selectors, services
from meetings.access import attachment_for_user, meeting_for_user, minutes_version_for_user
from meetings.forms import AttachmentForm
from meetings.models import MinutesVersion
from meetings.views.common import detail_url, document_language


@require_safe
@login_required
def invitation_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk)
    language = document_language(request)
    with translation.override(language):
        pdf = render_pdf("pdf/meeting_invitation.html", {"summary": selectors.meeting_summary(meeting)})
    log_download(
        request, county=meeting.county, what=_("Invitation letter, %(meeting)s") % {"meeting": meeting}
    )
    return pdf_response(pdf, f"ftesa-{meeting.date:%Y-%m-%d}-{language}.pdf")


@require_safe
@login_required
def meeting_ics(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk)
    response = HttpResponse(selectors.meeting_calendar(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = disposition(f"takimi-{meeting.date:%Y-%m-%d}.ics")
    return response


@require_safe
@login_required
def summary_print(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The summary to print. For approved minutes it is the approved version's data, as
    stored; otherwise the summary as the records stand."""
    meeting = meeting_for_user(request.user, pk)
    version = selectors.current_minutes(meeting)
    summary = selectors.frozen_summary(version) if version else selectors.meeting_summary(meeting)
    language = document_language(request)
    with translation.override(language):
        return render(
            request,
            "meetings/meeting_summary.html",
            {"summary": summary, "version": version, "document_language": language},
        )


@require_safe
@login_required
def summary_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The summary as a PDF: for approved minutes, the stored version's document."""
    meeting = meeting_for_user(request.user, pk)
    version = selectors.current_minutes(meeting)
    if version is not None:
        return _version_pdf(request, version)
    language = document_language(request)
    with translation.override(language):
        pdf = render_pdf("pdf/meeting_summary.html", {"summary": selectors.meeting_summary(meeting)})
    log_download(
        request, county=meeting.county, what=_("Meeting summary, %(meeting)s") % {"meeting": meeting}
    )
    return pdf_response(pdf, f"permbledhja-{meeting.date:%Y-%m-%d}-{language}.pdf")


@require_safe
@login_required
def minutes_version_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One approved version of the minutes, current or reopened since."""
    return _version_pdf(request, minutes_version_for_user(request.user, pk))


def _version_pdf(request: AuthenticatedHttpRequest, version: MinutesVersion) -> HttpResponse:
    """The stored PDF in its own language, byte for byte once its checksum is verified;
    in another language, printed from the version's stored data."""
    meeting = version.meeting
    language = document_language(request)
    if language == version.language:
        pdf = bytes(version.pdf)
        if version.checksum(pdf) != version.sha256:
            return HttpResponseServerError(
                _(
                    "The stored minutes no longer match their checksum; they were not sent. Tell the administrator."
                )
            )
    else:
        with translation.override(language):
            pdf = render_pdf("pdf/meeting_summary.html", {"summary": selectors.frozen_summary(version)})
    log_download(
        request,
        county=meeting.county,
        what=_("Approved minutes, version %(number)d, %(meeting)s")
        % {"number": version.number, "meeting": meeting},
    )
    return pdf_response(pdf, f"permbledhja-{meeting.date:%Y-%m-%d}-v{version.number}-{language}.pdf")


@require_http_methods(["GET", "POST"])
@login_required
def attachment_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk, manage=True)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attachment_add(
                meeting=meeting,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("The document was attached."))
            return redirect(detail_url(meeting))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "meetings/attachment_form.html",
        {"county": meeting.county, "meeting": meeting, "form": form},
        status=status,
    )


@require_safe
@login_required
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    attachment = attachment_for_user(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    log_download(
        request,
        county=attachment.meeting.county,
        what=_("Meeting document “%(title)s”") % {"title": attachment.title},
    )
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
@login_required
def attachment_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attachment = attachment_for_user(request.user, pk, manage=True)
    meeting = attachment.meeting
    services.attachment_delete(attachment=attachment)
    messages.success(request, _("The document was removed."))
    return redirect(detail_url(meeting))
