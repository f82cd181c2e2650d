"""The benchmark's pages of the action plan (`krat.benchmarks`, declared as `bench_pages` in
`ActionplanConfig.ready`: () -> (path, username)); the benchmark's data is made in
bench/data/actionplan.py."""

from __future__ import annotations

from django.urls import reverse

from actionplan.models import ActionPlan
from krat.benchmarks import first_county, found, secretariat
from krat.models import County


def _latest_plan(county: County) -> ActionPlan:
    return found(ActionPlan.objects.filter(county=county).order_by("-year").first(), "action plan")


def plan_overview_page() -> tuple[str, str]:
    """The first county's latest plan."""
    county = first_county()
    return reverse("actionplan:plan_overview", args=[_latest_plan(county).pk]), secretariat(county)


def calendar_month_page() -> tuple[str, str]:
    """A month of the tourist season of the latest plan's year, when the calendar is fullest."""
    county = first_county()
    month = f"{_latest_plan(county).year}-{county.tourist_season_start:02d}"
    return f"{reverse('actionplan:event_month', args=[county.slug])}?muaji={month}", secretariat(county)
