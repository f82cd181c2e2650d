"""Pages of the meetings app: thin function views over `services` and `selectors`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from krat import access
from krat.forms import add_errors
from krat.pdf import pdf_response, render_pdf
from krat.views.common import record_form_view
from meetings import selectors, services
from meetings.access import (
    attachment_for_user,
    can_update_decision_status,
    decision_for_user,
    meeting_for_user,
)
from meetings.export import decisions_workbook
from meetings.forms import (
    AgendaItemForm,
    AttachmentForm,
    AttendanceForm,
    DecisionForm,
    DecisionStatusForm,
    MeetingFilterForm,
    MeetingForm,
    MinutesForm,
    ReopenForm,
)
from meetings.models import AgendaItem, Decision, Meeting


def _detail_url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


def _error_messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _filters(request: HttpRequest, county):
    form = MeetingFilterForm(
        request.GET or None,
        years=selectors.meeting_years(county),
        institutions=list(county.institutions.order_by("name")),
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.MeetingFilters(
            q=data["q"].strip(), year=data["year"], body=data["body"], institution=data["institution"]
        )
    else:
        filters = selectors.MeetingFilters()
    return form, filters


@login_required
def meeting_list(request: HttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug)
    form, filters = _filters(request, county)
    page = Paginator(selectors.meeting_list(county, filters), selectors.MAX_LIST).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "county": county,
            "filter_form": form,
            "page": page,
            "meetings": list(page.object_list),
            "query": request.GET.urlencode(),
            "can_manage": access.can_manage_county(request.user, county),
        },
    )


@login_required
def decisions_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug)
    _form, filters = _filters(request, county)
    content = decisions_workbook(selectors.decisions_for_export(county, filters))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition_header(True, f"vendimet-{county.slug}.xlsx")
    return response


def _save_meeting(meeting, form):
    return services.meeting_save(meeting=meeting, expected_version=form.cleaned_data["version"])


@login_required
def meeting_create(request: HttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug, manage=True)
    form = MeetingForm(request.POST or None, county=county)
    if not form.is_bound:
        form.initial.update({"title": _("Meeting of the Technical Table (KRAT)")})
    return record_form_view(
        request,
        form=form,
        save=_save_meeting,
        template="meetings/meeting_form.html",
        success_message=_("The meeting was saved."),
        success_url=_detail_url,
        context={"county": county},
    )


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk, manage=True)
    return record_form_view(
        request,
        form=MeetingForm(request.POST or None, instance=meeting, county=meeting.county),
        save=_save_meeting,
        template="meetings/meeting_form.html",
        success_message=_("The meeting was saved."),
        success_url=_detail_url,
        context={"county": meeting.county, "meeting": meeting},
    )


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk)
    user, county = request.user, meeting.county
    decisions = selectors.decisions_for_meeting(meeting)
    pending = selectors.pending_decisions(meeting)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "county": county,
            "meeting": meeting,
            "summary": selectors.meeting_summary(meeting),
            "agenda": selectors.agenda_for_meeting(meeting),
            "decisions": [(d, can_update_decision_status(user, d)) for d in decisions],
            "pending": [(d, can_update_decision_status(user, d)) for d in pending],
            "attachments": list(meeting.attachments.all()),
            "can_manage": access.can_manage_county(user, county),
            "can_chair": access.can_chair(user, county),
            "can_read_history": access.can_read_history(user, county),
        },
    )


@login_required
@require_POST
def meeting_status(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk, manage=True)
    try:
        services.meeting_set_status(meeting=meeting, status=request.POST.get("status", ""))
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(
            request, _("The meeting is now: %(status)s.") % {"status": meeting.get_status_display()}
        )
    return redirect(_detail_url(meeting))


def _save_item(item, form):
    return services.agenda_item_save(item=item, expected_version=form.cleaned_data["version"])


@login_required
def agenda_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk, manage=True)
    return record_form_view(
        request,
        form=AgendaItemForm(request.POST or None, meeting=meeting),
        save=_save_item,
        template="meetings/agendaitem_form.html",
        success_message=_("The agenda item was saved."),
        success_url=lambda item: _detail_url(item.meeting),
        context={"county": meeting.county, "meeting": meeting},
    )


def _item_for_user(request: HttpRequest, pk: int) -> AgendaItem:
    from django.shortcuts import get_object_or_404

    item = get_object_or_404(AgendaItem.objects.select_related("meeting__county"), pk=pk)
    access.require_readable(request.user, item.meeting.county)
    access.require(access.can_manage_county(request.user, item.meeting.county))
    return item


@login_required
def agenda_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_for_user(request, pk)
    meeting = item.meeting
    return record_form_view(
        request,
        form=AgendaItemForm(request.POST or None, instance=item, meeting=meeting),
        save=_save_item,
        template="meetings/agendaitem_form.html",
        success_message=_("The agenda item was saved."),
        success_url=lambda item: _detail_url(item.meeting),
        context={"county": meeting.county, "meeting": meeting, "item": item},
    )


@login_required
@require_POST
def agenda_item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_for_user(request, pk)
    try:
        services.agenda_item_delete(item=item)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The agenda item was removed."))
    return redirect(_detail_url(item.meeting))


@login_required
def attendance_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk, manage=True)
    rows = selectors.attendance_rows(meeting)
    form = AttendanceForm(request.POST or None, rows=rows, guests=meeting.guests)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.attendance_record(
                    meeting=meeting,
                    rows=[
                        services.AttendanceRow(
                            institution=institution,
                            status=data[f"status_{institution.pk}"],
                            attendee=data[f"attendee_{institution.pk}"],
                        )
                        for institution, _record in rows
                    ],
                    guests=data["guests"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The attendance was saved."))
                return redirect(_detail_url(meeting))
        status = 400
    return render(
        request,
        "meetings/attendance_form.html",
        {"county": meeting.county, "meeting": meeting, "form": form},
        status=status,
    )


@login_required
def minutes_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk, manage=True)
    return record_form_view(
        request,
        form=MinutesForm(request.POST or None, instance=meeting),
        save=lambda m, form: services.minutes_save(meeting=m, expected_version=form.cleaned_data["version"]),
        template="meetings/minutes_form.html",
        success_message=_("The minutes were saved."),
        success_url=_detail_url,
        context={"county": meeting.county, "meeting": meeting},
    )


def _save_decision(decision, form):
    return services.decision_save(decision=decision, expected_version=form.cleaned_data["version"])


@login_required
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk, manage=True)
    return record_form_view(
        request,
        form=DecisionForm(request.POST or None, meeting=meeting),
        save=_save_decision,
        template="meetings/decision_form.html",
        success_message=_("The decision was saved."),
        success_url=lambda d: _detail_url(d.meeting),
        context={"county": meeting.county, "meeting": meeting},
    )


@login_required
def decision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    decision = decision_for_user(request.user, pk, manage=True)
    meeting = decision.meeting
    return record_form_view(
        request,
        form=DecisionForm(request.POST or None, instance=decision, meeting=meeting),
        save=_save_decision,
        template="meetings/decision_form.html",
        success_message=_("The decision was saved."),
        success_url=lambda d: _detail_url(d.meeting),
        context={"county": meeting.county, "meeting": meeting, "decision": decision},
    )


@login_required
def decision_status(request: HttpRequest, pk: int) -> HttpResponse:
    decision: Decision = decision_for_user(request.user, pk, follow_up=True)
    meeting = decision.meeting
    return record_form_view(
        request,
        form=DecisionStatusForm(request.POST or None, instance=decision),
        save=lambda d, form: services.decision_update_status(
            decision=d, expected_version=form.cleaned_data["version"]
        ),
        template="meetings/decision_status_form.html",
        success_message=_("The decision's status was saved."),
        success_url=lambda d: _detail_url(d.meeting),
        context={"county": meeting.county, "meeting": meeting, "decision": decision},
    )


@login_required
@require_POST
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk, chair=True)
    try:
        services.minutes_approve(meeting=meeting, user=request.user)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The minutes are approved and locked."))
    return redirect(_detail_url(meeting))


@login_required
def minutes_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk, chair=True)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_reopen(meeting=meeting, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The minutes are open for changes again."))
            return redirect(_detail_url(meeting))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "meetings/minutes_reopen.html",
        {"county": meeting.county, "meeting": meeting, "form": form},
        status=status,
    )


@login_required
@require_POST
def invitations_send(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk, manage=True)
    try:
        sent = services.invitations_send(meeting=meeting)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("The invitation was sent to %(count)s addresses.") % {"count": sent})
    return redirect(_detail_url(meeting))


def _document_language(request: HttpRequest) -> str:
    """Printed documents are Albanian unless English is asked for with ?lang=en."""
    return "en" if request.GET.get("lang") == "en" else "sq"


@login_required
def invitation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk)
    with translation.override(_document_language(request)):
        pdf = render_pdf("pdf/meeting_invitation.html", {"summary": selectors.meeting_summary(meeting)})
    return pdf_response(pdf, f"ftesa-{meeting.date:%Y-%m-%d}.pdf")


@login_required
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk)
    response = HttpResponse(selectors.meeting_calendar(meeting), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"takimi-{meeting.date:%Y-%m-%d}.ics")
    return response


@login_required
def summary_print(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk)
    language = _document_language(request)
    with translation.override(language):
        return render(
            request,
            "meetings/meeting_summary.html",
            {"summary": selectors.meeting_summary(meeting), "document_language": language},
        )


@login_required
def summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk)
    with translation.override(_document_language(request)):
        pdf = render_pdf("pdf/meeting_summary.html", {"summary": selectors.meeting_summary(meeting)})
    return pdf_response(pdf, f"permbledhja-{meeting.date:%Y-%m-%d}.pdf")


@login_required
def attachment_create(request: HttpRequest, pk: int) -> HttpResponse:
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
            return redirect(_detail_url(meeting))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "meetings/attachment_form.html",
        {"county": meeting.county, "meeting": meeting, "form": form},
        status=status,
    )


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = attachment_for_user(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = attachment_for_user(request.user, pk, manage=True)
    meeting = attachment.meeting
    services.attachment_delete(attachment=attachment)
    messages.success(request, _("The document was removed."))
    return redirect(_detail_url(meeting))
