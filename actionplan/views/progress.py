"""Progress of one activity: its page, the lead's report per period, partners' comments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from actionplan import selectors, services
from actionplan.access import activity_for_user, can_comment, can_record_progress
from actionplan.forms import CommentForm, ProgressForm
from actionplan.models import ActivityProgress
from krat import access
from krat.http import AuthenticatedHttpRequest, return_path
from krat.models import ReportingPeriod
from krat.views.common import record_form_view


@require_safe
@login_required
def activity_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = activity_for_user(request.user, pk)
    detail = selectors.activity_detail(activity, today=timezone.localdate())
    partner_ids = {p.pk for p in detail.partners}
    return render(
        request,
        "actionplan/activity_detail.html",
        {
            "county": activity.plan.county,
            "plan": activity.plan,
            "activity": activity,
            "detail": detail,
            "can_record": can_record_progress(request.user, activity),
            "can_comment": can_comment(request.user, activity, partner_ids),
            "can_manage": access.can_manage_county(request.user, activity.plan.county),
            "can_read_history": access.can_read_history(request.user, activity.plan.county),
            "comment_form": CommentForm(),
        },
    )


def _period_of(activity, period_pk: int) -> ReportingPeriod:
    """The period of the plan's county and year: any other does not take this activity's
    progress, so its page does not exist (it opened, then refused every save)."""
    period = get_object_or_404(ReportingPeriod, pk=period_pk)
    year = activity.plan.year
    if period.county_id != activity.plan.county_id or not (
        period.start_date.year <= year <= period.end_date.year
    ):
        raise Http404
    return period


@require_http_methods(["GET", "POST"])
@login_required
def progress_edit(request: AuthenticatedHttpRequest, pk: int, period_pk: int) -> HttpResponse:
    """The lead institution records (or corrects) the activity's progress for one period."""
    activity = activity_for_user(request.user, pk)
    if not can_record_progress(request.user, activity):
        raise PermissionDenied
    period = _period_of(activity, period_pk)
    progress = ActivityProgress.objects.filter(activity=activity, period=period).first()
    if progress is None:
        progress = ActivityProgress(activity=activity, period=period)
    detail_url = reverse("actionplan:activity_detail", args=[activity.pk])
    if period.is_closed:
        messages.error(
            request,
            _("The period “%(period)s” is closed and accepts no more progress.") % {"period": period.label},
        )
        return redirect(detail_url)
    return record_form_view(
        request,
        form=ProgressForm(request.POST or None, instance=progress),
        save=lambda progress, form: services.progress_save(
            progress=progress, expected_version=form.cleaned_data["version"], user=request.user
        ),
        template="actionplan/progress_form.html",
        success_message=_("The progress was saved."),
        # Opened from the representative's report (through the plans), it goes back there.
        success_url=lambda progress: return_path(request, detail_url),
        context={
            "county": activity.plan.county,
            "plan": activity.plan,
            "activity": activity,
            "period": period,
        },
    )


@require_POST
@login_required
def comment_add(request: AuthenticatedHttpRequest, pk: int, period_pk: int) -> HttpResponse:
    activity = activity_for_user(request.user, pk)
    partner_ids = set(activity.partners.values_list("pk", flat=True))
    if not can_comment(request.user, activity, partner_ids):
        raise PermissionDenied
    period = _period_of(activity, period_pk)
    form = CommentForm(request.POST)
    detail_url = reverse("actionplan:activity_detail", args=[activity.pk])
    if form.is_valid():
        try:
            services.comment_add(
                activity=activity, period=period, user=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Your comment was added."))
    else:
        messages.error(request, _("Write a comment of at most 2000 characters."))
    return redirect(detail_url)
