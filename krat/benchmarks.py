"""What `make bench` measures: the main pages and PDFs, each found in generated data, the
floor they are compared with, and the writes mixed into the load.

Each page is (label, resolver) where the resolver returns (path, username) for the
first county of the generated data; every PDF likewise. The core lists its own; the apps
declare theirs (`AppContribution.bench_pages`, `bench_pdfs`). See bench/run.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from django.apps import apps
from django.db import models
from django.urls import reverse

from krat.choices import Role
from krat.contributions import AppContribution, contributions
from krat.models import County, PeriodSubmission, ReportingPeriod, SubmissionState, User
from krat.periods import current_period

T = TypeVar("T")


def found(row: T | None, what: str) -> T:
    """A row the benchmarks read: the generated data always has one."""
    if row is None:
        raise LookupError(f"No {what}: generate the data first (bench/run.py does).")
    return row


@dataclass(frozen=True)
class Target:
    """A page or PDF `make bench` measures. `kept`: the page needs what KRAT keeps in
    Django's cache under generations to meet its latency target (issue 17, point 5): it is
    judged warm, and its cold figures are reported beside, not judged. Every other page is
    judged cold too, so none can lean on the cache unseen."""

    label: str
    resolve: Callable[[], tuple[str, str]]
    kept: bool = False


def first_county() -> County:
    return found(County.objects.filter(institutions__isnull=False).order_by("name").first(), "county")


def secretariat_page(name: str) -> Callable[[], tuple[str, str]]:
    """The page `name` of the first county, read by its secretariat."""

    def resolve() -> tuple[str, str]:
        county = first_county()
        return reverse(name, args=[county.slug]), f"bench.{county.slug}.secretariat"

    return resolve


def secretariat(county: County) -> str:
    """The username of the county's generated secretariat."""
    return f"bench.{county.slug}.secretariat"


def _busiest_period(county: County) -> ReportingPeriod:
    """The latest period that has ended: its figures are complete (the current one fills up)."""
    period = found(current_period(county), "current period")
    earlier = county.periods.filter(end_date__lt=period.start_date).order_by("-start_date").first()
    return earlier or period


def period_page(name: str) -> Callable[[], tuple[str, str]]:
    """The page `name` of the first county's busiest period, read by its secretariat."""

    def resolve() -> tuple[str, str]:
        county = first_county()
        return reverse(name, args=[_busiest_period(county).pk]), secretariat(county)

    return resolve


# The floor: the cheapest signed-in page, the person's own Security page (the session, the
# person, the layout and its menu; no data of its own). Pages are judged as a ratio to it,
# measured under the same load on the same machine, so the ratio does not depend on the
# machine. (The health page is cheaper but public: it does not read the session.)
FLOOR = Target("floor", lambda: (reverse("security"), secretariat(first_county())))

# The core's pages: its lists, before the apps' pages, and its period's pages after them.
_LISTS: list[Target] = [
    Target("dashboard", secretariat_page("krat:dashboard")),
    Target("institutions", secretariat_page("krat:institution_list")),
    Target("periods", secretariat_page("krat:period_list")),
    Target("people", secretariat_page("krat:person_list")),
]
_PERIOD_PAGES: list[Target] = [
    Target("completeness_board", period_page("krat:submission_board")),
    # Kept (see Target): built from scratch, the preview takes 80 ms at scale 10 (the floor
    # 9 ms) and the national pages 0.8 and 2.4 s, most of it the disclosure checks.
    Target("report_preview", period_page("krat:report_preview"), kept=True),
    # Issue 21: the national readers' home (the twelve counties at a glance) and page.
    Target("national_home", lambda: (reverse("krat:home"), "bench.national"), kept=True),
    Target("national_page", lambda: _national("krat:national_report"), kept=True),
]


def _declared(
    targets: Callable[[AppContribution], Mapping[str, Callable[[], tuple[str, str]]]],
) -> list[Target]:
    """The targets the apps declare (`targets(contribution)`: label -> resolver), in the
    apps' order and each app's own."""
    return [Target(label, resolve) for c in contributions() for label, resolve in targets(c).items()]


def pages() -> list[Target]:
    """Every page `make bench` measures, in the order of its results: the core's lists, each
    app's pages in the apps' order (`AppContribution.bench_pages`, as the app lists them),
    then the core's period pages."""
    return [*_LISTS, *_declared(lambda c: c.bench_pages), *_PERIOD_PAGES]


def _national(name: str) -> tuple[str, str]:
    period = _busiest_period(first_county())
    return reverse(name, args=[period.start_date.isoformat()]), "bench.national"


def _national_report() -> tuple[str, str]:
    return _national("krat:national_report_pdf")


# --- PDFs (bench/run.py renders each one) ---
_PDFS: list[Target] = [
    Target("county_report", period_page("krat:report_pdf")),
    Target("national_report", _national_report),
]


def pdfs() -> list[Target]:
    """Every PDF `make bench` renders: the apps' (`AppContribution.bench_pdfs`, in the apps'
    order), then the core's reports."""
    return [*_declared(lambda c: c.bench_pdfs), *_PDFS]


# --- Writes (bench/load.py mixes one per ten reads into every page's load) ---
@dataclass(frozen=True)
class Write:
    """A save through a page's form, as a person makes it: open `form`, write a text in
    `field`, press `button` (name, value). Each can be repeated: the record stays editable.

    `values`, when given, are what `field` takes in turn instead of a text: each save
    writes the one after the value the form shows (bench/htmlform.py `following`), so that
    every save changes it. A figure's write gives two, each valid whatever the other cells."""

    kind: str
    form: str
    user: str
    field: str
    button: tuple[str, str] | None = None
    values: tuple[str, ...] = ()


def _open_periods(county: County) -> list[ReportingPeriod]:
    periods = {found(current_period(county), "current period"), _busiest_period(county)}
    return sorted((p for p in periods if not p.is_closed), key=lambda p: p.start_date)


def representatives(institution_ids: Iterable[int]) -> dict[int, str]:
    """The username of each institution's first generated representative (lowest id), by
    institution id, for those that have one: one query for all of them."""
    found: dict[int, str] = {}
    for institution_id, username in (
        User.objects.filter(
            institution_id__in=set(institution_ids), role=Role.REPRESENTATIVE, username__startswith="bench."
        )
        .order_by("pk")
        .values_list("institution_id", "username")
    ):
        found.setdefault(institution_id, username)
    return found


def writes() -> list[Write]:
    """A representative saving the draft narrative of their institution's period report
    (every draft or returned report of the first county's open periods), the secretariat
    saving the summary of the county's period report, and what the apps add
    (`AppContribution.bench_writes`): representatives saving their institution's figures
    with one changed, so that the load changes the county's figures, not only its texts,
    as representatives do all period long."""
    county = first_county()
    periods = _open_periods(county)
    drafts = list(
        PeriodSubmission.objects.filter(
            period__in=periods, state__in=[SubmissionState.DRAFT, SubmissionState.RETURNED]
        ).order_by("pk")
    )
    names = representatives(s.institution_id for s in drafts)
    found = []
    for submission in drafts:
        username = names.get(submission.institution_id)
        if username is not None:
            found.append(
                Write(
                    "submission_draft",
                    reverse("krat:submission_edit", args=[submission.pk]),
                    username,
                    "situation_assessment",
                    ("action", "draft"),
                )
            )
    found += [
        Write(
            "report_summary",
            reverse("krat:report_summary_edit", args=[p.pk]),
            secretariat(county),
            "summary",
        )
        for p in periods
    ]
    for contribution in contributions():
        if contribution.bench_writes is not None:
            found += contribution.bench_writes(county, periods)
    return found


def national_coverage() -> dict:
    """The national PDF's data: the counties with a period starting when the measured one
    does, and how many of them have rows in every table keyed by period that has rows for
    that start (records, figures, submissions, meetings, plan progress): "full data".
    Read right after the data is generated, before any request writes."""
    start = _busiest_period(first_county()).start_date
    ids = set(ReportingPeriod.objects.filter(start_date=start).values_list("pk", flat=True))
    tables: dict[str, set[int]] = {}
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            continue
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.Field)
                and field.many_to_one
                and field.concrete
                and field.related_model is ReportingPeriod
            ):
                periods = model._default_manager.filter(**{f"{field.name}__in": ids}).values_list(
                    field.attname, flat=True
                )
                if rows := set(periods.distinct()):
                    tables[f"{model._meta.label}.{field.name}"] = rows
    full = [pk for pk in ids if all(pk in rows for rows in tables.values())]
    return {
        "start": start.isoformat(),
        "counties": len(ids),
        "counties_with_full_data": len(full),
        "counties_per_table": {label: len(rows) for label, rows in sorted(tables.items())},
    }
