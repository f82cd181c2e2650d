"""Recording pages: agenda, attendance, minutes, decisions, approval and reopening."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from krat.concurrency import posted_version
from krat.forms import add_errors
from krat.http import AuthenticatedHttpRequest
from krat.views.common import record_form_view
from meetings import selectors, services
from meetings.access import agenda_item_for_user, decision_for_user, meeting_for_user
from meetings.choices import AttendanceStatus
from meetings.forms import (
    AgendaItemForm,
    AttendanceForm,
    DecisionForm,
    DecisionStatusForm,
    MinutesForm,
    ReopenForm,
)
from meetings.models import Decision
from meetings.views.common import detail_url, error_messages


def _save_item(item, form):
    return services.agenda_item_save(item=item, expected_version=form.cleaned_data["version"])


def _agenda_item_form(request: HttpRequest, meeting, item=None) -> HttpResponse:
    """The agenda item page: a new item of `meeting`, or `item` to edit."""
    return record_form_view(
        request,
        form=AgendaItemForm(request.POST or None, instance=item, meeting=meeting),
        save=_save_item,
        template="meetings/agendaitem_form.html",
        success_message=_("The agenda item was saved."),
        success_url=lambda saved: detail_url(saved.meeting),
        context={"county": meeting.county, "meeting": meeting, "item": item},
    )


@require_http_methods(["GET", "POST"])
@login_required
def agenda_item_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _agenda_item_form(request, meeting_for_user(request.user, pk, manage=True))


@require_http_methods(["GET", "POST"])
@login_required
def agenda_item_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = agenda_item_for_user(request.user, pk, manage=True)
    return _agenda_item_form(request, item.meeting, item)


@require_POST
@login_required
def agenda_item_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The ↑/↓ buttons of the agenda on the meeting's page (no position is typed)."""
    item = agenda_item_for_user(request.user, pk, manage=True)
    try:
        services.agenda_item_move(item=item, up=request.POST.get("direction") != "down")
    except ValidationError as error:
        error_messages(request, error)
    return redirect(detail_url(item.meeting) + "#agenda-heading")


@require_POST
@login_required
def agenda_reorder(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A drag on the agenda (static/js/agenda-drag.js): `order` lists the items' ids."""
    meeting = meeting_for_user(request.user, pk, manage=True)
    try:
        order = [int(value) for value in request.POST.get("order", "").split(",") if value.strip()]
    except ValueError:
        order = []
    try:
        services.agenda_reorder(meeting=meeting, order=order)
    except ValidationError as error:
        error_messages(request, error)
    return redirect(detail_url(meeting) + "#agenda-heading")


@require_POST
@login_required
def agenda_item_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = agenda_item_for_user(request.user, pk, manage=True)
    try:
        services.agenda_item_delete(item=item)
    except ValidationError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("The agenda item was removed."))
    return redirect(detail_url(item.meeting))


@require_http_methods(["GET", "POST"])
@login_required
def attendance_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk, manage=True)
    rows = selectors.attendance_rows(meeting)
    data: QueryDict | None = request.POST or None
    if data is not None and "all_present" in data:
        # One click marks every row present; nothing is saved until the sheet is.
        data = data.copy()
        for row in rows:
            data[f"status_{row.institution.pk}"] = AttendanceStatus.PRESENT
        messages.info(request, _("Every institution is marked present. Change the exceptions, then save."))
    form = AttendanceForm(data, rows=rows, guests=meeting.guests, version=meeting.version)
    status = 200
    if request.method == "POST" and "all_present" not in request.POST:
        if form.is_valid():
            cleaned = form.cleaned_data
            try:
                services.attendance_record(
                    meeting=meeting,
                    rows=[
                        services.AttendanceRow(
                            institution=row.institution,
                            status=cleaned[f"status_{row.institution.pk}"],
                            attendee=cleaned[f"attendee_{row.institution.pk}"],
                        )
                        for row in rows
                    ],
                    guests=cleaned["guests"],
                    expected_version=cleaned["version"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The attendance was saved."))
                return redirect(detail_url(meeting))
        status = 400
    return render(
        request,
        "meetings/attendance_form.html",
        {"county": meeting.county, "meeting": meeting, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def minutes_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk, manage=True)
    return record_form_view(
        request,
        form=MinutesForm(request.POST or None, instance=meeting),
        save=lambda m, form: services.minutes_save(meeting=m, expected_version=form.cleaned_data["version"]),
        template="meetings/minutes_form.html",
        success_message=_("The minutes were saved."),
        success_url=detail_url,
        context={"county": meeting.county, "meeting": meeting},
    )


def _save_decision(decision, form):
    return services.decision_save(decision=decision, expected_version=form.cleaned_data["version"])


def _decision_form(request: HttpRequest, meeting, decision=None) -> HttpResponse:
    """The decision page: a new decision of `meeting`, or `decision` to edit."""
    return record_form_view(
        request,
        form=DecisionForm(request.POST or None, instance=decision, meeting=meeting),
        save=_save_decision,
        template="meetings/decision_form.html",
        success_message=_("The decision was saved."),
        success_url=lambda saved: _after_decision(request, saved),
        context={
            "county": meeting.county,
            "meeting": meeting,
            "decision": decision,
            # Decisions are entered one after another: the next form is one click away.
            "another_label": _("Save and add another") if decision is None else "",
        },
    )


def _after_decision(request: HttpRequest, decision: Decision) -> str:
    if "add_another" in request.POST:
        return reverse("meetings:decision_add", args=[decision.meeting_id])
    return detail_url(decision.meeting)


@require_http_methods(["GET", "POST"])
@login_required
def decision_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _decision_form(request, meeting_for_user(request.user, pk, manage=True))


@require_http_methods(["GET", "POST"])
@login_required
def decision_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    decision = decision_for_user(request.user, pk, manage=True)
    return _decision_form(request, decision.meeting, decision)


@require_http_methods(["GET", "POST"])
@login_required
def decision_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
        success_url=lambda d: detail_url(d.meeting),
        context={"county": meeting.county, "meeting": meeting, "decision": decision},
    )


@require_http_methods(["GET", "POST"])
@login_required
def minutes_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The chair approves the minutes after reading what they do not say yet (GET: the
    confirmation, with the gaps; POST: the approval, with the version the page was read at,
    so that minutes changed meanwhile are not approved unread)."""
    meeting = meeting_for_user(request.user, pk, chair=True)
    if request.method == "POST":
        try:
            services.minutes_approve(
                meeting=meeting, user=request.user, expected_version=posted_version(request.POST)
            )
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The minutes are approved and locked."))
        return redirect(detail_url(meeting))
    if meeting.is_locked:
        messages.info(request, _("The minutes are already approved."))
        return redirect(detail_url(meeting))
    return render(
        request,
        "meetings/minutes_approve.html",
        {"county": meeting.county, "meeting": meeting, "gaps": selectors.approval_gaps(meeting)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def minutes_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_user(request.user, pk, chair=True)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_reopen(meeting=meeting, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The minutes are open for changes again."))
            return redirect(detail_url(meeting))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "meetings/minutes_reopen.html",
        {"county": meeting.county, "meeting": meeting, "form": form},
        status=status,
    )
