"""What the cases app contributes to the period report (sections "victims", "street" and
"employment": the period's figures with their comparisons and charts) and to the national
report (its headline figures); registered in `CasesConfig.ready` (`krat.contributions`).

Each section holds its summary as the app's pages read it (`cases.selectors.victims`,
`.street`, `.employment`: frozen dataclasses), with what the report adds (the victims'
chart); a period not yet published to the reader is an `UnpublishedSection` instead.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from django.utils.translation import gettext as _

from cases.choices import Dimension, VictimStatus
from cases.models import (
    AgeGroup,
    CasesSettings,
    EmploymentFunnel,
    StreetChildCount,
    StreetIntervention,
    VictimCount,
    VictimReport,
)
from cases.selectors.comparison import PeriodColumn
from cases.selectors.employment import EmploymentSummary, employment_summary
from cases.selectors.figures import (
    EMPLOYMENT,
    HEADLINES,
    NOT_ENTERED,
    STREET,
    VICTIMS,
    PeriodCells,
    published_headlines,
    published_sets,
)
from cases.selectors.reporting import PeriodReference, report_reference
from cases.selectors.street import StreetSummary, street_children_summary
from cases.selectors.victims import VictimsSummary, victims_summary
from krat import access, charts
from krat.contributions import Breakdown, NationalFigures, NationalSet, ReportContext, ReportSection
from krat.models import County, Municipality, ReportingPeriod
from krat.spreadsheets import Sheet
from krat.suppression import UNPUBLISHED_NOTE, Cell, unpublished


@dataclass(frozen=True)
class UnpublishedSection:
    """A section of the period's case figures when they are not published to the reader
    yet (`krat.access.figures_published`): what it says instead of them, and no figure."""

    kind: str
    note: str
    has_data: bool = False
    unpublished: ClassVar[bool] = True


@dataclass(frozen=True)
class VictimsSection:
    """The victims section: the period's summary (without who reported) and a chart of
    each status's total in the periods compared."""

    unpublished: ClassVar[bool] = False
    summary: VictimsSummary
    chart: charts.Chart

    @property
    def has_data(self) -> bool:
        return self.summary.has_data


@dataclass(frozen=True)
class StreetSection:
    """The section of children in street situations: the period's summary."""

    unpublished: ClassVar[bool] = False
    summary: StreetSummary

    @property
    def has_data(self) -> bool:
        return self.summary.has_data


@dataclass(frozen=True)
class EmploymentSection:
    """The employment section: the period's summary (without who reported)."""

    unpublished: ClassVar[bool] = False
    summary: EmploymentSummary

    @property
    def has_data(self) -> bool:
        return self.summary.has_data


def victims_section(
    county: County, period: ReportingPeriod, *, shared: bool, reference: PeriodReference
) -> VictimsSection:
    summary = victims_summary(county, period, suppressed=shared, reference=reference, reporting=False)
    # Each bar as its table prints it (`charts.Series.of_cells`): no value is not 0.
    series = [
        charts.Series.of_cells(column.label, [s.total[index] for s in summary.statuses])
        for index, column in enumerate(summary.columns)
        if column is not None
    ]
    chart = charts.bar_chart(
        [s.label for s in summary.statuses],
        series,
        title=_("Victims and potential victims, compared"),
        width=560,
        height=220,
    )
    return VictimsSection(summary=summary, chart=chart)


def street_section(
    county: County, period: ReportingPeriod, *, shared: bool, reference: PeriodReference
) -> StreetSection:
    return StreetSection(
        summary=street_children_summary(county, period, suppressed=shared, reference=reference)
    )


def employment_section(
    county: County, period: ReportingPeriod, *, shared: bool, reference: PeriodReference
) -> EmploymentSection:
    return EmploymentSection(
        summary=employment_summary(county, period, suppressed=shared, reference=reference, reporting=False)
    )


def period_data_sections(
    county: County, period: ReportingPeriod, *, shared: bool, reference: PeriodReference
) -> dict[str, VictimsSection | StreetSection | EmploymentSection]:
    """The three sections by key, as the report shows them (the audit reads them too)."""
    return {
        "victims": victims_section(county, period, shared=shared, reference=reference),
        "street": street_section(county, period, shared=shared, reference=reference),
        "employment": employment_section(county, period, shared=shared, reference=reference),
    }


def _reference(context: ReportContext) -> PeriodReference:
    """What the three sections share (the age groups, the periods compared), read once."""
    reference: PeriodReference = context.once(
        "cases.reference", lambda: report_reference(context.county, context.period, context.periods)
    )
    return reference


def _build(
    section: Callable[..., VictimsSection | StreetSection | EmploymentSection], kind: str
) -> Callable[[ReportContext], VictimsSection | StreetSection | EmploymentSection | UnpublishedSection]:
    def build(
        context: ReportContext,
    ) -> VictimsSection | StreetSection | EmploymentSection | UnpublishedSection:
        if not context.published:
            return UnpublishedSection(kind=kind, note=str(UNPUBLISHED_NOTE))
        return section(context.county, context.period, shared=context.shared, reference=_reference(context))

    return build


# --- The workbook's sheets --------------------------------------------------------------------------


def _or_note(sheets: Callable[..., list[Sheet]], title: Callable[[], str]) -> Callable[[object], list[Sheet]]:
    """The section's sheets, or one (`title()`) that says its figures are not published yet."""

    def build(data: object) -> list[Sheet]:
        if isinstance(data, UnpublishedSection):
            return [Sheet(title=title(), headers=[_("Note")], rows=[[data.note]])]
        return sheets(data)

    return build


def _shown(cell: Cell | None) -> int | str | None:
    return "" if cell is None else cell.shown


def _column_heads(columns: list[PeriodColumn | None]) -> list[str]:
    heads = [_("This period"), _("Previous period"), _("A year earlier")]
    return [f"{head} ({c.label})" if c else head for head, c in zip(heads, columns, strict=True)]


def victims_sheets(data: VictimsSection) -> list[Sheet]:
    summary = data.summary
    rows: list[list[object]] = []
    for status in summary.statuses:
        rows.append([status.label, _("Total"), "", *[_shown(c) for c in status.total]])
        rows.append([status.label, _("Referred"), "", *[_shown(c) for c in status.referred]])
        for dimension in status.dimensions:
            for row in dimension.rows:
                rows.append([status.label, dimension.label, row.label, *[_shown(c) for c in row.values]])
    return [
        Sheet(
            title=_("Victims"),
            headers=[_("Status"), _("Breakdown"), _("Category"), *_column_heads(summary.columns)],
            rows=rows,
        )
    ]


def street_sheets(data: StreetSection) -> list[Sheet]:
    summary = data.summary
    # The breakdowns are this period's only (its months, places, origins): they get a sheet
    # of their own, so an empty comparison cell never stands for "not compared".
    totals: list[list[object]] = [[_("Total"), "", *[_shown(c) for c in summary.total]]]
    rows: list[list[object]] = []
    for found, label in (
        (summary.by_month, _("Month")),
        (summary.by_place, _("Place")),
        (summary.by_origin, _("Municipality of origin")),
        (summary.by_activity, _("Activity")),
        (summary.by_action, _("Action taken")),
    ):
        for row in found:
            rows.append([label, row.label + (" *" if row.season else ""), _shown(row.value)])
    return [
        Sheet(
            title=_("Street children"),
            headers=[_("Breakdown"), _("Category"), *_column_heads(summary.columns)],
            rows=totals,
        ),
        Sheet(
            title=_("Street children by category"),
            headers=[_("Breakdown"), _("Category"), *_column_heads(summary.columns)[:1]],
            rows=rows,
        ),
    ]


def employment_sheets(data: EmploymentSection) -> list[Sheet]:
    summary = data.summary
    rows: list[list[object]] = [["", s.label, *[_shown(c) for c in s.values]] for s in summary.stages]
    for breakdown in summary.breakdowns:
        for row in breakdown.rows:
            for stage, cell, earlier in zip(breakdown.stages, row.values, row.earlier, strict=True):
                rows.append(
                    [f"{breakdown.label}: {row.label}", stage, _shown(cell), *[_shown(c) for c in earlier]]
                )
    return [
        Sheet(
            title=_("Employment"),
            headers=[_("Group"), _("Stage"), *_column_heads(summary.columns)],
            rows=rows,
        )
    ]


SECTIONS = (
    ReportSection(
        key="victims",
        order=40,
        title=lambda: _("Victims and potential victims of trafficking"),
        build=_build(victims_section, "victims"),
        template="cases/report_section_victims.html",
        sheets=_or_note(victims_sheets, lambda: _("Victims")),
        models=(VictimReport, VictimCount, AgeGroup, CasesSettings),
        new_page=True,
    ),
    ReportSection(
        key="street",
        order=50,
        title=lambda: _("Children in street situations"),
        build=_build(street_section, "street"),
        template="cases/report_section_street.html",
        sheets=_or_note(street_sheets, lambda: _("Children")),
        models=(StreetIntervention, StreetChildCount, AgeGroup, CasesSettings, Municipality),
    ),
    ReportSection(
        key="employment",
        order=60,
        title=lambda: _("Employment of vulnerable people"),
        build=_build(employment_section, "employment"),
        template="cases/report_section_employment.html",
        sheets=_or_note(employment_sheets, lambda: _("Employment")),
        models=(EmploymentFunnel, AgeGroup, CasesSettings),
    ),
)


def _labels() -> dict[str, str]:
    return {
        "victims": _("Identified victims"),
        "potential": _("Potential victims"),
        "children": _("Children in street situations"),
        "received": _("Received by the labour office"),
        "employed": _("Employed"),
    }


#: The victims breakdowns the national report gives, by county (issue 21).
NATIONAL_BREAKDOWNS = (Dimension.SEX, Dimension.AGE, Dimension.EXPLOITATION, Dimension.MOVEMENT)


def _national(periods: list[ReportingPeriod], today: datetime.date) -> dict[int, dict[str, Cell]]:
    return _national_sets(periods, today)[0]


def _national_sets(
    periods: list[ReportingPeriod], today: datetime.date
) -> tuple[dict[int, dict[str, Cell]], dict[int, tuple[NationalSet, ...]]]:
    """Each county's headline figures of its period; "not yet published" for a period still
    open (the national report is the version for sharing: `krat.access.period_published`);
    and, for each published period, the sets they come from with the victims breakdowns."""
    published = [p for p in periods if access.period_published(p)]
    built: dict[int, dict[str, PeriodCells]] = {}  # the sets built by this read, if any
    found = published_headlines(published, built=built) if published else {}
    loaded = _Sets(published, {pk: read.fingerprint for pk, read in found.items()}, built)
    figures: dict[int, dict[str, Cell]] = {pk: read.cells for pk, read in found.items()}
    for period in periods:
        if period.pk not in figures:
            figures[period.pk] = {key: unpublished(key) for key in _labels()}
    sets: dict[int, tuple[NationalSet, ...]] = {}
    victim = VictimStatus.VICTIM.value
    for pk, read in found.items():
        breakdowns = tuple(
            Breakdown(
                key=str(dimension),
                title=str(dimension.label),
                figure="victims",
                total=(victim, "total"),
                parts=(
                    *(
                        (str(label), (victim, str(dimension), category))
                        for category, label in read.categories[dimension]
                    ),
                    (_("Not entered"), (victim, str(dimension), NOT_ENTERED)),
                ),
            )
            for dimension in NATIONAL_BREAKDOWNS
        )
        sets[pk] = tuple(
            NationalSet(
                totals={key: at for key, (kind, at) in HEADLINES.items() if kind == name},
                read=functools.partial(loaded.kind, pk, name),
                cells=read.victims if name == VICTIMS else {},
                breakdowns=breakdowns if name == VICTIMS else (),
                fingerprint=f"{read.fingerprint}:{name}",
            )
            for name in (VICTIMS, STREET, EMPLOYMENT)
        )
    return figures, sets


class _Sets:
    """The published periods' sets, read for all of them by the first one asked (the
    national margins, when they are not kept): those built by this very read as they
    are, the others in one read of the cache (`published_sets`)."""

    def __init__(
        self,
        periods: list[ReportingPeriod],
        fingerprints: dict[int, str],
        built: dict[int, dict[str, PeriodCells]],
    ) -> None:
        self.periods, self.fingerprints, self.found = periods, fingerprints, built

    def kind(self, pk: int, name: str) -> PeriodCells:
        if pk not in self.found:
            missing = [p for p in self.periods if p.pk not in self.found]
            self.found.update(published_sets(missing, self.fingerprints))
        return self.found[pk][name]


NATIONAL = NationalFigures(
    order=20,
    labels=_labels,
    read=_national,
    read_sets=_national_sets,
    # The settings: the street's place and origin lists and the employment path's groups.
    models=(
        VictimReport,
        VictimCount,
        StreetIntervention,
        StreetChildCount,
        EmploymentFunnel,
        AgeGroup,
        CasesSettings,
        Municipality,
    ),
)
