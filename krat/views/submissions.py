"""Period submissions: the representative's to-do page, the report form, the review
and the secretariat's completeness board. Thin: the rules live in krat.submissions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateformat import time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from krat import access
from krat.concurrency import posted_version
from krat.forms import add_errors
from krat.http import AuthenticatedHttpRequest, json_login_required
from krat.middleware import IdleSessionMiddleware
from krat.models import Institution, PeriodSubmission, ReportingPeriod, User
from krat.periods import current_period
from krat.submissions import reminders, selectors, services
from krat.submissions.forms import RemindForm, ReopenForm, ReturnForm, SubmissionForm
from krat.submissions.rules import can_edit_submission, can_read_submission, can_review


def submission_for_user(user: User, pk: int, *, write: bool = False) -> PeriodSubmission:
    """The submission with its period, county and institution: 404 for another county,
    403 for a representative of another institution or, with `write`, a reader."""
    submission = get_object_or_404(
        PeriodSubmission.objects.select_related(
            "period__county", "institution__county", "reviewed_by", "submitted_by"
        ),
        pk=pk,
    )
    access.require_readable(user, submission.period.county)
    access.require(can_read_submission(user, submission.institution))
    if write:
        access.require(can_edit_submission(user, submission.institution))
    return submission


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


@require_safe
@login_required
def submission_todo(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug)
    rows = selectors.submission_todo(user=request.user) if request.user.county_id == county.pk else []
    return render(
        request,
        "krat/submission_todo.html",
        {
            "county": county,
            "rows": rows,
            "institution": request.user.institution if rows else None,
            "reads_board": access.can_read_whole_county(request.user, county),
        },
    )


@require_safe
@login_required
def submission_board_current(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug)
    access.require(access.can_read_whole_county(request.user, county))
    period = current_period(county)
    if period is None:
        messages.info(request, _("No reporting period has been set up."))
        return redirect("krat:period_list", county.slug)
    return redirect("krat:submission_board", period.pk)


def _period_for_reader(request: AuthenticatedHttpRequest, pk: int) -> ReportingPeriod:
    period = get_object_or_404(ReportingPeriod.objects.select_related("county"), pk=pk)
    access.require_readable(request.user, period.county)
    access.require(access.can_read_whole_county(request.user, period.county))
    return period


@require_safe
@login_required
def submission_board(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = _period_for_reader(request, pk)
    county = period.county
    return render(
        request,
        "krat/submission_board.html",
        {
            "county": county,
            "period": period,
            "board": selectors.submission_board(
                period=period, hide_case_parts=not access.figures_published(request.user, period)
            ),
            "periods": list(county.periods.order_by("-start_date")),
            "can_review": can_review(request.user, county),
        },
    )


@require_POST
@login_required
def submission_remind(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = _period_for_reader(request, pk)
    access.require(can_review(request.user, period.county))
    # Only an institution of the period's county: another county's id, or anything that is
    # not an id ("²", 24 digits), is refused like an unknown one (Django's own choice field).
    choice = RemindForm(request.POST, county=period.county)
    if not choice.is_valid():
        messages.error(request, _("That institution is not one of this county's."))
        return redirect("krat:submission_board", period.pk)
    institution = choice.cleaned_data["institution"]
    try:
        run = reminders.reminders_send(period=period, institution=institution)
    except ValidationError as error:
        messages.error(request, _message(error))
    else:
        if run.nothing_new:
            messages.info(
                request,
                _(
                    "Nothing new was sent: everyone to remind was reminded today already, or has no e-mail address."
                ),
            )
        else:
            messages.success(
                request,
                ngettext(
                    "A reminder was sent to %(count)s person.",
                    "Reminders were sent to %(count)s people.",
                    run.emails,
                )
                % {"count": run.emails},
            )
    return redirect("krat:submission_board", period.pk)


@require_http_methods(["GET", "POST"])
@login_required
def submission_open(request: AuthenticatedHttpRequest, pk: int, institution_pk: int) -> HttpResponse:
    """An institution's report for a period: shown if it exists; "not started" otherwise,
    with a button (POST) that creates it for those who write for the institution."""
    period = get_object_or_404(ReportingPeriod.objects.select_related("county"), pk=pk)
    access.require_readable(request.user, period.county)
    institution = get_object_or_404(
        Institution.objects.select_related("county"), pk=institution_pk, county=period.county
    )
    access.require(can_read_submission(request.user, institution))
    existing = PeriodSubmission.objects.filter(period=period, institution=institution).first()
    if request.method == "POST":
        access.require(can_edit_submission(request.user, institution))
        try:
            existing = services.submission_open(period=period, institution=institution)
        except ValidationError as error:
            messages.error(request, _message(error))
            return redirect("krat:submission_open", period.pk, institution.pk)
        return redirect("krat:submission_edit", existing.pk)
    if existing is not None:
        return redirect("krat:submission_detail", existing.pk)
    return render(
        request,
        "krat/submission_detail.html",
        {
            "county": period.county,
            "submission": PeriodSubmission(period=period, institution=institution),
            "row": selectors.submission_board_row(
                period=period,
                institution=institution,
                hide_case_parts=not access.figures_published(request.user, period, institution),
            ),
            "can_start": can_edit_submission(request.user, institution) and not period.is_closed,
        },
    )


@require_safe
@login_required
def submission_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    submission = submission_for_user(request.user, pk)
    county = submission.period.county
    reviewer = can_review(request.user, county)
    return render(
        request,
        "krat/submission_detail.html",
        {
            "county": county,
            "submission": submission,
            "row": selectors.submission_board_row(
                period=submission.period,
                institution=submission.institution,
                hide_case_parts=not access.figures_published(
                    request.user, submission.period, submission.institution
                ),
            ),
            "can_edit": can_edit_submission(request.user, submission.institution)
            and services.submission_edit_refusal(submission=submission, user=request.user) is None,
            "can_review": reviewer,
            "can_read_history": access.can_read_history(request.user, county),
            "return_form": ReturnForm(),
            "reopen_form": ReopenForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def submission_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    submission = submission_for_user(request.user, pk, write=True)
    refusal = services.submission_edit_refusal(submission=submission, user=request.user)
    if refusal is not None and request.method != "POST":
        messages.error(request, _message(refusal))
        return redirect("krat:submission_detail", submission.pk)
    row = selectors.submission_board_row(period=submission.period, institution=submission.institution)
    form = SubmissionForm(request.POST or None, instance=submission, parts=row.parts)
    if request.method == "POST" and form.is_valid():
        submitting = request.POST.get("action") == "submit"
        service = services.submission_submit if submitting else services.submission_save_draft
        try:
            service(
                submission=form.save(commit=False),
                user=request.user,
                expected_version=form.cleaned_data["version"],
                nothing_to_report_parts=form.nothing_to_report_parts(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if submitting:
                messages.success(request, _("The report was submitted to the secretariat."))
                return redirect("krat:submission_detail", submission.pk)
            messages.success(request, _("The draft was saved."))
            return redirect("krat:submission_edit", submission.pk)
    return render(
        request,
        "krat/submission_form.html",
        {"county": submission.period.county, "submission": submission, "row": row, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@json_login_required
def submission_autosave(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    """The form's text saved as a draft while it is typed (static/js/autosave.js), under
    the same rules as "Save draft": the version the page holds must still be the stored
    one (a colleague's save meanwhile refuses it, 409), and the answer gives the new
    version, which the page keeps for its next save. The parts' "nothing to report" boxes
    are left as stored: they are saved with the buttons."""
    submission = submission_for_user(request.user, pk, write=True)
    form = SubmissionForm(request.POST, instance=submission)
    if form.is_valid():
        try:
            saved = services.submission_save_draft(
                submission=form.save(commit=False),
                user=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return JsonResponse(
                {
                    "saved_at": time_format(timezone.localtime(), "H:i"),
                    "version": saved.version,
                    "seconds_left": IdleSessionMiddleware.seconds_left(request),
                }
            )
    refusals = [error for errors in form.errors.as_data().values() for error in errors]
    return JsonResponse(
        {"detail": " ".join(message for error in refusals for message in error.messages)},
        status=409 if any(error.code == "stale_edit" for error in refusals) else 400,
    )


def _review(request: AuthenticatedHttpRequest, pk: int, action) -> HttpResponse:
    submission = submission_for_user(request.user, pk)
    access.require(can_review(request.user, submission.period.county))
    try:
        message = action(submission)
    except ValidationError as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, message)
    return redirect("krat:submission_detail", submission.pk)


@require_POST
@login_required
def submission_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def action(submission):
        services.submission_return(
            submission=submission,
            user=request.user,
            comment=request.POST.get("comment", ""),
            expected_version=posted_version(request.POST),
        )
        return _("The report was returned to the institution, which was told by e-mail.")

    return _review(request, pk, action)


@require_POST
@login_required
def submission_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def action(submission):
        services.submission_approve(
            submission=submission, user=request.user, expected_version=posted_version(request.POST)
        )
        return _("The report was approved and is now locked.")

    return _review(request, pk, action)


@require_POST
@login_required
def submission_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def action(submission):
        services.submission_reopen(
            submission=submission, user=request.user, reason=request.POST.get("reason", "")
        )
        return _("The report was reopened and returned to the institution.")

    return _review(request, pk, action)
