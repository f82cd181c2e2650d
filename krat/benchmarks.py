"""What `make bench` measures: the main pages and PDFs, each found in generated data.

Each page is (label, resolver) where the resolver returns (path, username) for the
first county of the generated data; every PDF likewise. See bench/run.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from krat.models import County, ReportingPeriod
from krat.periods import current_period


@dataclass(frozen=True)
class Target:
    label: str
    resolve: Callable[[], tuple[str, str]]


def first_county() -> County:
    return County.objects.filter(institutions__isnull=False).order_by("name").first()


def _secretariat_page(name: str) -> Callable[[], tuple[str, str]]:
    def resolve() -> tuple[str, str]:
        county = first_county()
        return reverse(name, args=[county.slug]), f"bench.{county.slug}.secretariat"

    return resolve


def _secretariat(county: County) -> str:
    return f"bench.{county.slug}.secretariat"


def _busiest_period(county: County) -> ReportingPeriod:
    """The latest period that has ended: its figures are complete (the current one fills up)."""
    period = current_period(county)
    earlier = county.periods.filter(end_date__lt=period.start_date).order_by("-start_date").first()
    return earlier or period


def _period_page(name: str) -> Callable[[], tuple[str, str]]:
    def resolve() -> tuple[str, str]:
        county = first_county()
        return reverse(name, args=[_busiest_period(county).pk]), _secretariat(county)

    return resolve


def _held_meeting_page(name: str) -> Callable[[], tuple[str, str]]:
    """The latest meeting held (full minutes: agenda, attendance, decisions)."""

    def resolve() -> tuple[str, str]:
        from meetings.choices import MeetingStatus
        from meetings.models import Meeting

        county = first_county()
        meeting = (
            Meeting.objects.filter(county=county, status=MeetingStatus.HELD).order_by("-starts_at").first()
        )
        return reverse(name, args=[meeting.pk]), _secretariat(county)

    return resolve


def _plan_overview() -> tuple[str, str]:
    county = first_county()
    plan = county.action_plans.order_by("-year").first()
    return reverse("actionplan:plan_overview", args=[plan.pk]), _secretariat(county)


def _calendar_month() -> tuple[str, str]:
    """A month of the tourist season, when the calendar is fullest."""
    county = first_county()
    plan = county.action_plans.order_by("-year").first()
    month = f"{plan.year}-{county.tourist_season_start:02d}"
    return f"{reverse('actionplan:event_month', args=[county.slug])}?muaji={month}", _secretariat(county)


FLOOR = Target("floor", lambda: (reverse("health"), f"bench.{first_county().slug}.secretariat"))

PAGES: list[Target] = [
    Target("dashboard", _secretariat_page("krat:dashboard")),
    Target("institutions", _secretariat_page("krat:institution_list")),
    Target("periods", _secretariat_page("krat:period_list")),
    Target("people", _secretariat_page("krat:person_list")),
    Target("meeting_list", _secretariat_page("meetings:list")),
    Target("meeting_detail", _held_meeting_page("meetings:detail")),
    Target("plan_overview", _plan_overview),
    Target("calendar_month", _calendar_month),
    Target("victims_grid", _period_page("cases:victims")),
    Target("street_children", _period_page("cases:street")),
    Target("employment_funnel", _period_page("cases:employment")),
    Target("completeness_board", _period_page("krat:submission_board")),
    Target("report_preview", _period_page("krat:report_preview")),
]


def _national_report() -> tuple[str, str]:
    period = _busiest_period(first_county())
    return reverse("krat:national_report_pdf", args=[period.start_date.isoformat()]), "bench.national"


# --- PDFs (bench/run.py renders each one) ---
PDFS: list[Target] = [
    Target("meeting_summary", _held_meeting_page("meetings:summary_pdf")),
    Target("county_report", _period_page("krat:report_pdf")),
    Target("national_report", _national_report),
]
