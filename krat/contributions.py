"""What each app adds to the core: one declared registry, filled at start-up.

The core (`krat/`) imports no app. An app declares once, in its `AppConfig.ready`, what it
contributes, and the core reads it here (as submission parts do, `krat.submissions.parts`):

    register(AppContribution(
        app="meetings",
        order=10,                                   # its place among the apps, see below
        report_sections=(ReportSection(             # the period report's sections it writes
            key="meetings",
            order=30,
            title=lambda: _("Meetings held in the period"),
            build=meetings_section,                 # (ReportContext) -> its data
            template="meetings/report_section_meetings.html",  # writes its data
        ),),
        national_figures=NationalFigures(...),      # its headline figures in the national report
        api_routes=meetings.api.register,           # (router) -> None: its /api/v1/ viewsets
        dashboard_panel=dashboard_panel,            # (*, user, county, period) -> DashboardPanel | None
        desk_items=desk_items,                      # (*, user, county, today) -> list[krat.desk.DeskItem]
        demo_loader=demo.load,                      # (*, county) -> None, `manage.py load_demo`
        bench_pages={"meeting_detail": resolve},    # label -> () -> (path, username), krat.benchmarks
        bench_pdfs={"meeting_summary": resolve},    # likewise, the PDFs the benchmark renders
        bench_writes=bench_writes,                  # (county, periods) -> list[krat.benchmarks.Write]
    ))

Order is deterministic and does not depend on start-up: apps are listed by `order` (the
dashboard's cards, the API routes), demo loaders by `order` after the
apps named in `demo_after`, report sections and national figures by their own `order`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import Model

    from krat.disclosure import Figures
    from krat.models import County, ReportingPeriod
    from krat.spreadsheets import Sheet
    from krat.suppression import Cell

#: One county period's headline figures, by the keys its app's `NationalFigures.labels()`
#: names: a count of the table's own work (never hidden) or a cell (small numbers hidden
#: with the county's threshold). Keyed by figure, not a fixed shape: each app names its own.
PeriodFigures = Mapping[str, "Cell | int"]


@dataclass(frozen=True)
class ReportContext:
    """What every section builder of one period report gets: the county, the period, whether
    small numbers are hidden (`shared`), whether the period's case figures are published to
    the reader (`published`, `krat.access.figures_published`: a section of them says so
    instead of giving them when not), the report's day, and what is read once for all
    sections (`periods`: the county's periods by start date; `once` for an app's own)."""

    county: County
    period: ReportingPeriod
    shared: bool
    today: datetime.date
    periods: tuple[ReportingPeriod, ...]
    published: bool = True
    _reads: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def once(self, key: str, read: Callable[[], Any]) -> Any:
        """`read()` the first time `key` is asked for in this report, its result after: what
        several sections of one app share (the same query is not run twice)."""
        if key not in self._reads:
            self._reads[key] = read()
        return self._reads[key]

    @property
    def following(self) -> ReportingPeriod | None:
        """The county's first period after this one, if there is one."""
        return next((p for p in self.periods if p.start_date > self.period.end_date), None)


@dataclass(frozen=True)
class ReportSection:
    """One numbered section of the period report.

    `key` is its anchor and its name in the report's data (`report.data[key]`), `order` its
    place (the core's summary is 10, institutions 20, the annex 90), `title()` its heading
    in the active language, `build(context)` its data (a frozen dataclass with `has_data`),
    `sheets(data)` its tables in the report's workbook (none when it has no tables).

    `template` writes the section's body, in the preview and the PDF alike
    (`templates/<app>/report_section_<key>.html`): `templates/krat/report_body.html` writes
    each section's element and numbered heading, then includes it with only `data` (what
    `build` returned) and `pdf` (true in the PDF, where a chart is an `<img>` of its
    `data_uri`). Its first line, `{% load %}` and a comment, ends the heading's line; its
    other lines are the section's, indented by two spaces. `new_page`: the PDF starts the
    section on a new page.

    `models`, when given, are every model `build` reads besides the county and its
    periods: the report preview then keeps its data in Django's cache under their
    generations in the county (`krat.generations.kept`; what is printed or signed is
    built afresh). `tests/krat/test_generations.py` checks that `build` queries no
    other table."""

    key: str
    order: int
    title: Callable[[], str]
    build: Callable[[ReportContext], Any]
    template: str
    sheets: Callable[[Any], list[Sheet]] | None = None
    models: tuple[type[Model], ...] = ()
    new_page: bool = False


@dataclass(frozen=True)
class Breakdown:
    """One breakdown of a headline figure in one county's period (victims by sex, say):
    `figure` is the headline's key, `total` its key in the set's figures, `parts` each
    category as (label, key in the set's figures). Counties are matched by label (each
    county has its own age groups)."""

    key: str
    title: str
    figure: str
    total: Hashable
    parts: tuple[tuple[str, Hashable], ...]


@dataclass(frozen=True)
class NationalSet:
    """One county period's figures as its pages publish them for sharing: the key of each
    headline figure it holds (`totals`: headline key → key in the set), its breakdowns and
    the `cells` the national tables print of them; `read()` gives the whole set
    (`krat.disclosure.Figures`, what ties them) and all its published cells, against which
    the national report protects its totals (`krat.suppression.protect_margins`).

    `fingerprint`, when the app gives one, is a digest of everything the set depends on:
    the national margins over sets that all have one are kept in Django's cache under
    their fingerprints, and `read()` is called only to build them."""

    totals: Mapping[str, Hashable]
    read: Callable[[], tuple[Figures, Mapping[Hashable, Cell]]]
    cells: Mapping[Hashable, Cell] = field(default_factory=dict)
    breakdowns: tuple[Breakdown, ...] = ()
    fingerprint: str = ""


@dataclass(frozen=True)
class NationalFigures:
    """An app's headline figures in the national report, each county's for its period.

    `labels()` maps each figure's key to its name (the same everywhere, locale/GLOSSARY.md);
    `read(periods, today)` gives, for each period's pk, its figures by key (`PeriodFigures`: a
    count or a `krat.suppression.Cell`, small numbers hidden with the county's threshold). A
    fixed number of queries, whatever the number of periods (and a county may have several).
    `read_sets(periods, today)`, when given, is read instead: the same figures and, for
    each published period, its `NationalSet`s (the sets its figures come from).

    `models`, when given, are every model `read` reads (the periods' own fields and
    their county's threshold aside): its result is then kept in Django's cache under
    their generations (`krat.generations.kept`), so that a write to any of them in one of
    the periods' counties is read by the next report. `tests/krat/test_generations.py`
    checks that `read` queries no other table."""

    order: int
    labels: Callable[[], dict[str, str]]
    read: Callable[[list[ReportingPeriod], datetime.date], Mapping[int, PeriodFigures]]
    read_sets: (
        Callable[
            [list[ReportingPeriod], datetime.date],
            tuple[Mapping[int, PeriodFigures], Mapping[int, tuple[NationalSet, ...]]],
        ]
        | None
    ) = None
    models: tuple[type[Model], ...] = ()


@dataclass(frozen=True)
class AppContribution:
    app: str
    order: int
    report_sections: tuple[ReportSection, ...] = ()
    national_figures: NationalFigures | None = None
    api_routes: Callable[[Any], None] | None = None
    dashboard_panel: Callable[..., Any] | None = None
    desk_items: Callable[..., list[Any]] | None = None
    demo_loader: Callable[..., None] | None = None
    demo_after: tuple[str, ...] = ()
    # The pages and PDFs `make bench` measures (`krat.benchmarks.pages` and `pdfs`), by label:
    # each resolves to (path, username) in the generated data.
    bench_pages: Mapping[str, Callable[[], tuple[str, str]]] = field(default_factory=dict)
    bench_pdfs: Mapping[str, Callable[[], tuple[str, str]]] = field(default_factory=dict)
    # The saves through the app's forms bench/load.py mixes into the load, in the county's
    # open measured periods (`krat.benchmarks.writes`).
    bench_writes: Callable[[County, list[ReportingPeriod]], list[Any]] | None = None


_registry: dict[str, AppContribution] = {}


def register(contribution: AppContribution) -> AppContribution:
    """Add (or replace, by app) an app's contribution; returns it."""
    _registry[contribution.app] = contribution
    return contribution


def unregister(app: str) -> None:
    _registry.pop(app, None)


def contributions() -> list[AppContribution]:
    """Every registered contribution, by `order` (then app label)."""
    return sorted(_registry.values(), key=lambda c: (c.order, c.app))


def report_sections(core: tuple[ReportSection, ...] = ()) -> list[ReportSection]:
    """The core's sections and the apps', by `order`."""
    found = [*core, *(s for c in contributions() for s in c.report_sections)]
    return sorted(found, key=lambda s: s.order)


def national_figures() -> list[NationalFigures]:
    found = [c.national_figures for c in contributions() if c.national_figures is not None]
    return sorted(found, key=lambda f: f.order)


def demo_loaders() -> list[Callable[..., None]]:
    """The apps' demo loaders by `order`, each after the apps it names in `demo_after`."""
    pending = contributions()
    done: set[str] = set()
    loaders: list[Callable[..., None]] = []
    installed = {c.app for c in pending}
    while pending:
        ready = next((c for c in pending if set(c.demo_after) & installed <= done), None)
        if ready is None:  # a cycle: keep the order
            ready = pending[0]
        pending.remove(ready)
        done.add(ready.app)
        if ready.demo_loader is not None:
            loaders.append(ready.demo_loader)
    return loaders
