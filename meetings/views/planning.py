"""Planning pages: the list, a meeting's plan and page, its status and invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from krat import access
from krat.audit import log_download
from krat.http import AuthenticatedHttpRequest, disposition
from krat.views.common import record_form_view
from meetings import selectors, services
from meetings.access import can_update_decision_status, meeting_for_user
from meetings.export import decisions_workbook
from meetings.forms import AgendaItemForm, MeetingForm
from meetings.views.common import detail_url, error_messages, meeting_filters


@require_safe
@login_required
def meeting_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug)
    form, filters = meeting_filters(request, county)
    page = Paginator(selectors.meeting_list(county, filters), selectors.MAX_LIST).get_page(
        request.GET.get("faqja")
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


@require_safe
@login_required
def decisions_xlsx(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug)
    _form, filters = meeting_filters(request, county)
    content = decisions_workbook(selectors.decisions_for_export(county, filters))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = disposition(f"vendimet-{county.slug}.xlsx")
    log_download(request, county=county, what=_("Decisions of the meetings"))
    return response


def _save_meeting(meeting, form):
    return services.meeting_save(meeting=meeting, expected_version=form.cleaned_data["version"])


@require_http_methods(["GET", "POST"])
@login_required
def meeting_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
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
        success_url=detail_url,
        context={"county": county},
    )


@require_http_methods(["GET", "POST"])
@login_required
def meeting_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk, manage=True)
    return record_form_view(
        request,
        form=MeetingForm(request.POST or None, instance=meeting, county=meeting.county),
        save=_save_meeting,
        template="meetings/meeting_form.html",
        success_message=_("The meeting was saved."),
        success_url=detail_url,
        context={"county": meeting.county, "meeting": meeting},
    )


@require_safe
@login_required
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk)
    user, county = request.user, meeting.county
    record = selectors.meeting_record(meeting)
    can_manage = access.can_manage_county(user, county)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "county": county,
            "meeting": meeting,
            "summary": record.summary,
            "agenda": record.agenda,
            "decisions": [(d, can_update_decision_status(user, d)) for d in record.decisions],
            "pending": [(d, can_update_decision_status(user, d)) for d in record.pending],
            "attachments": selectors.attachment_list(meeting),
            "versions": selectors.minutes_versions(meeting),
            "can_manage": can_manage,
            # The agenda is built on this page: a new item is typed under the list.
            "agenda_form": AgendaItemForm(meeting=meeting) if can_manage and not meeting.is_locked else None,
            "can_chair": access.can_chair(user, county),
            "can_read_history": access.can_read_history(user, county),
        },
    )


@require_POST
@login_required
def meeting_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk, manage=True)
    try:
        services.meeting_set_status(meeting=meeting, status=request.POST.get("status", ""))
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(
            request, _("The meeting is now: %(status)s.") % {"status": meeting.get_status_display()}
        )
    return redirect(detail_url(meeting))


@require_POST
@login_required
def invitations_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk, manage=True)
    try:
        sent = services.invitations_send(meeting=meeting)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("The invitation was sent to %(count)s addresses.") % {"count": sent})
    return redirect(detail_url(meeting))
