"""Reads of the period data: plain data, bounded queries, suppression where asked.

The period report (issue 7) calls `victims_summary`, `street_children_summary` and
`employment_summary`; each returns dicts and lists only, with the figures of the
period, of the previous period and of the same period a year earlier.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Avg, Count, Q, Subquery, Sum
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.choices import (
    UNKNOWN,
    Accompanied,
    Citizenship,
    Country,
    DataKind,
    Dimension,
    Sex,
    StreetAction,
    StreetActivity,
    VictimStatus,
    VulnerableGroup,
)
from cases.models import AgeGroup, EmploymentFunnel, StreetIntervention, VictimCount, VictimReport
from krat import charts
from krat.freshness import kept
from krat.memo import forget, remembered
from krat.models import County, Institution, ReportingPeriod
from krat.selectors import DashboardPanel
from krat.suppression import Cell, Line, exact, present, suppress_breakdowns

# --- Periods compared -----------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """The periods a period is compared with (either may be missing)."""

    previous: ReportingPeriod | None
    year_earlier: ReportingPeriod | None

    @property
    def periods(self) -> list[ReportingPeriod | None]:
        return [self.previous, self.year_earlier]


def _year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def comparison_periods(period: ReportingPeriod) -> Comparison:
    """Previous: the latest period of the county ending before this one starts.
    Year earlier: the period starting exactly one year before this one, if any.
    One query, once per period instance (the report's three summaries share it)."""
    return remembered(period, "cases.comparison", lambda: _comparison(period))


def _comparison(period: ReportingPeriod) -> Comparison:
    before = ReportingPeriod.objects.filter(county_id=period.county_id, end_date__lt=period.start_date)
    latest = before.order_by("-end_date").values("pk")[:1]
    year_before = _year_before(period.start_date)
    found = list(before.filter(Q(start_date=year_before) | Q(pk=Subquery(latest))).order_by("-end_date"))
    return Comparison(
        previous=found[0] if found else None,
        year_earlier=next((p for p in found if p.start_date == year_before), None),
    )


def _period_info(period: ReportingPeriod | None) -> dict | None:
    if period is None:
        return None
    return {"pk": period.pk, "label": period.label, "start": period.start_date, "end": period.end_date}


# --- Who sees exact figures ---------------------------------------------------------------------


def sees_exact(user, county: County, institution: Institution | None = None) -> bool:
    """The secretariat and the chair see exact figures; a representative sees its own
    institution's figures exact; everyone else sees small numbers hidden."""
    from krat import access

    if access.can_manage_county(user, county) or access.can_chair(user, county):
        return True
    return institution is not None and user.is_representative and user.institution_id == institution.pk


# --- Victims --------------------------------------------------------------------------------------


def earlier_victim_means(*, period: ReportingPeriod, institution: Institution) -> dict[str, float]:
    """The mean total per status of the institution's reports in earlier periods."""
    rows = (
        VictimReport.objects.filter(institution=institution, period__start_date__lt=period.start_date)
        .values("status")
        .annotate(mean=Avg("total"))
    )
    return {row["status"]: float(row["mean"]) for row in rows}


def victim_categories(county: County) -> dict[str, list[tuple[str, str]]]:
    from cases.services import victim_categories

    return victim_categories(_age_groups(county))


def _age_groups(county: County) -> list[AgeGroup]:
    from cases.services import age_groups_for

    return age_groups_for(county)


def age_groups_of(counties: Iterable[County]) -> dict[int, list[AgeGroup]]:
    """Each county's age groups (`age_groups_for`), read in one query for all of them."""
    from cases.services import age_groups_for

    counties = {county.pk: county for county in counties}
    found: dict[int, list[AgeGroup]] = defaultdict(list)
    for group in AgeGroup.objects.filter(county_id__in=counties).order_by("min_age"):
        found[group.county_id].append(group)
    return {pk: found.get(pk) or age_groups_for(county) for pk, county in counties.items()}


def grids_q(keys: Iterable[tuple[int, int]]) -> Q:
    """The records (or their history) of these (period id, institution id) grids."""
    return reduce(
        or_, (Q(period_id=period, institution_id=institution) for period, institution in keys), Q(pk__in=[])
    )


def victim_grid_values(*, period: ReportingPeriod, institution: Institution) -> dict:
    """The stored grid of one institution: {status: {"total", "referred", "version", "cells"}}."""
    return victim_grids_values([(period.pk, institution.pk)]).get((period.pk, institution.pk), {})


def victim_grids_values(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], dict]:
    """The stored grids of several (period id, institution id), as `victim_grid_values`
    gives one; two queries however many."""
    reports = VictimReport.objects.filter(grids_q(keys)).prefetch_related("cells")
    result: dict[tuple[int, int], dict] = defaultdict(dict)
    for report in reports:
        result[(report.period_id, report.institution_id)][report.status] = {
            "total": report.total,
            "referred": report.referred,
            "version": report.version,
            "cells": {(c.dimension, c.category): c.count for c in report.cells.all()},
        }
    return result


def victim_grid_shown(stored: dict, categories: dict, k: int, *, suppressed: bool) -> list[dict]:
    """An institution's stored grid (`victim_grid_values`) as a reader sees it, status by
    status: {"status", "version", "total", "referred", "cells"}, each cell
    (dimension, category, Cell). With `suppressed`, small numbers are hidden along the
    lines `victims_summary` uses (each breakdown adds up to the total)."""
    statuses = []
    for status in VictimStatus.values:
        grid = stored.get(status) or {"total": 0, "referred": 0, "cells": {}, "version": None}
        total, referred, parts = _victim_cells(
            grid["total"], grid["referred"], grid["cells"], categories, k, suppressed
        )
        countries = parts[(Dimension.CITIZENSHIP, Citizenship.FOREIGN.value)]
        statuses.append(
            {
                "status": status,
                "version": grid["version"],
                "total": total,
                "referred": referred,
                "cells": [
                    (dimension, value, parts[dimension][value])
                    for dimension, options in categories.items()
                    for value, _label in options
                ]
                + [(Dimension.COUNTRY.value, code, countries[code]) for code in sorted(countries)],
            }
        )
    return statuses


def _victim_raw(county: County, period_ids: list[int], institution: Institution | None) -> tuple[dict, dict]:
    """(totals, cells) summed over institutions: totals[(period, status)] = (total, referred),
    cells[(period, status)][(dimension, category)] = count. Two queries."""
    reports = VictimReport.objects.filter(county=county, period_id__in=period_ids)
    cells_qs = VictimCount.objects.filter(report__county=county, report__period_id__in=period_ids)
    if institution is not None:
        reports = reports.filter(institution=institution)
        cells_qs = cells_qs.filter(report__institution=institution)
    totals = {
        (row["period_id"], row["status"]): (row["total"] or 0, row["referred"] or 0)
        for row in reports.values("period_id", "status").annotate(
            total=Sum("total"), referred=Sum("referred")
        )
    }
    cells: dict = defaultdict(dict)
    for row in cells_qs.values("report__period_id", "report__status", "dimension", "category").annotate(
        n=Sum("count")
    ):
        cells[(row["report__period_id"], row["report__status"])][(row["dimension"], row["category"])] = row[
            "n"
        ]
    return totals, cells


def _victim_cells(total: int, referred: int, cells: dict, categories: dict, k: int, suppressed: bool):
    breakdowns = {
        dimension: {value: cells.get((dimension, value), 0) for value, _label in options}
        for dimension, options in categories.items()
    }
    countries = {code: cells.get((Dimension.COUNTRY, code), 0) for code in Country.values}
    countries = {code: n for code, n in countries.items() if n}
    total_cell, parts = suppress_breakdowns(
        total,
        breakdowns,
        k,
        suppressed=suppressed,
        nested={(Dimension.CITIZENSHIP, Citizenship.FOREIGN.value): countries},
    )
    referred_cell = present({"r": referred}, [], k, suppressed=suppressed)["r"]
    return total_cell, referred_cell, parts


@kept("cases.victims_summary")
def victims_summary(
    county: County, period: ReportingPeriod, *, suppressed: bool, institution: Institution | None = None
) -> dict:
    """The period's victims figures, summed over the county's institutions (or one),
    with the previous period and the same period a year earlier beside each figure."""
    comparison = comparison_periods(period)
    periods = [period, *comparison.periods]
    ids = [p.pk for p in periods if p is not None]
    totals, cells = _victim_raw(county, ids, institution)
    categories = victim_categories(county)
    k = county.small_number_threshold
    statuses = []
    for status in VictimStatus:
        shown = []
        for p in periods:
            if p is None:
                shown.append(None)
                continue
            total, referred = totals.get((p.pk, status.value), (0, 0))
            shown.append(
                _victim_cells(total, referred, cells.get((p.pk, status.value), {}), categories, k, suppressed)
            )
        dimensions = []
        for dimension, options in categories.items():
            rows = [
                {
                    "key": value,
                    "label": str(label),
                    "values": [s[2][dimension][value] if s else None for s in shown],
                }
                for value, label in options
            ]
            dimensions.append({"key": dimension, "label": str(Dimension(dimension).label), "rows": rows})
        countries = sorted(
            {code for s in shown if s for code in s[2][(Dimension.CITIZENSHIP, Citizenship.FOREIGN.value)]}
        )
        dimensions.append(
            {
                "key": Dimension.COUNTRY.value,
                "label": str(Dimension.COUNTRY.label),
                "rows": [
                    {
                        "key": code,
                        "label": str(Country(code).label),
                        "values": [
                            s[2][(Dimension.CITIZENSHIP, Citizenship.FOREIGN.value)].get(code, exact(0))
                            if s
                            else None
                            for s in shown
                        ],
                    }
                    for code in countries
                ],
            }
        )
        statuses.append(
            {
                "key": status.value,
                "label": str(status.label),
                "total": [s[0] if s else None for s in shown],
                "referred": [s[1] if s else None for s in shown],
                "dimensions": dimensions,
                "has_data": any((p.pk, status.value) in totals for p in periods[:1]),
            }
        )
    return {
        "kind": DataKind.VICTIMS.value,
        "period": _period_info(period),
        "previous": _period_info(comparison.previous),
        "year_earlier": _period_info(comparison.year_earlier),
        "suppressed": suppressed,
        "k": k,
        "statuses": statuses,
        "reporting": reporting_institutions(county, period, DataKind.VICTIMS),
    }


def reporting_institutions(county: County, period: ReportingPeriod, data: str) -> list[dict]:
    """The institutions that report `data`, each with whether it has reported for the period."""
    from cases.services import settings_for

    kinds = set(settings_for(county).kinds_for(data))
    reported = reported_institutions(period, data)
    active = remembered(
        county,
        "cases.active_institutions",
        lambda: list(county.institutions.filter(is_active=True).order_by("name")),
    )
    return [
        {"pk": inst.pk, "name": inst.name, "reported": inst.pk in reported}
        for inst in active
        if inst.kind in kinds
    ]


def _reported_key(data: str) -> str:
    return f"cases.reported.{data}"


def forget_reported(period: ReportingPeriod, data: str) -> None:
    """After a save: the next `reported_institutions` of this instance reads again."""
    forget(period, _reported_key(data))


def reported_institutions(period: ReportingPeriod, data: str) -> set[int]:
    """The institutions with figures of `data` for `period`: one query per period instance
    and kind (the submission board and the report's summaries share it)."""
    model = {
        DataKind.VICTIMS: VictimReport,
        DataKind.STREET_CHILDREN: StreetIntervention,
        DataKind.EMPLOYMENT: EmploymentFunnel,
    }[data]
    return remembered(
        period,
        _reported_key(data),
        lambda: set(
            model.objects.filter(period=period).order_by().values_list("institution_id", flat=True).distinct()
        ),
    )


# --- Children in street situations ------------------------------------------------------------------


def _months(period: ReportingPeriod) -> list[tuple[int, int]]:
    months, day = [], period.start_date.replace(day=1)
    while day <= period.end_date:
        months.append((day.year, day.month))
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def _street_totals(county: County, period: ReportingPeriod | None) -> dict | None:
    if period is None:
        return None
    return StreetIntervention.objects.filter(county=county, period=period).aggregate(
        interventions=Count("pk"), children=Sum("children")
    )


def _street_totals_of(county: County, periods: list[ReportingPeriod | None]) -> list[dict | None]:
    """`_street_totals` of each period (None stays None), in one query whatever their number."""
    ids = [p.pk for p in periods if p is not None]
    found = {}
    if ids:
        rows = (
            StreetIntervention.objects.filter(county=county, period_id__in=ids)
            .order_by()
            .values("period_id")
            .annotate(interventions=Count("pk"), children=Sum("children"))
        )
        found = {row.pop("period_id"): row for row in rows}
    return [None if p is None else found.get(p.pk, {"interventions": 0, "children": None}) for p in periods]


def intervention_list(county: County, period: ReportingPeriod, institution: Institution | None = None):
    return list(intervention_queryset(county, period, institution))


def intervention_queryset(county: County, period: ReportingPeriod, institution: Institution | None = None):
    """The period's interventions, newest first (for a page of the list, or all of them)."""
    qs = (
        StreetIntervention.objects.filter(county=county, period=period)
        .select_related("municipality", "origin", "institution")
        .order_by("-date", "-pk")
    )
    if institution is not None:
        qs = qs.filter(institution=institution)
    return qs


@kept("cases.street_children_summary")
def street_children_summary(county: County, period: ReportingPeriod, *, suppressed: bool) -> dict:
    """Children met in the period: by month (tourist season marked), place, municipality of
    origin, sex and age, activity, action; the origins that repeat; and the comparisons."""
    k = county.small_number_threshold
    interventions = StreetIntervention.objects.filter(county=county, period=period)
    rows = list(
        interventions.values(
            "date", "place", "origin_id", "origin__name", "activity", "action", "accompanied", "children"
        )
    )
    from cases.models import StreetChildCount

    by_sex_age = {
        (row["sex"], row["age_group_id"]): row["n"]
        for row in StreetChildCount.objects.filter(intervention__in=interventions)
        .values("sex", "age_group_id")
        .annotate(n=Sum("count"))
    }
    groups = [g for g in _age_groups(county) if g.is_child]
    total = sum(r["children"] for r in rows)
    months = _months(period)
    by_month = dict.fromkeys(months, 0)
    by_place: dict[str, int] = defaultdict(int)
    by_origin: dict[str, int] = defaultdict(int)
    origin_interventions: dict[str, int] = defaultdict(int)
    by_activity = dict.fromkeys(StreetActivity.values, 0)
    by_action = dict.fromkeys(StreetAction.values, 0)
    by_accompanied = dict.fromkeys(Accompanied.values, 0)
    for row in rows:
        by_month[(row["date"].year, row["date"].month)] += row["children"]
        by_place[row["place"]] += row["children"]
        origin = row["origin__name"] or UNKNOWN
        by_origin[origin] += row["children"]
        origin_interventions[origin] += 1
        by_activity[row["activity"]] += row["children"]
        by_action[row["action"]] += row["children"]
        by_accompanied[row["accompanied"]] += row["children"]
    sex_age = {
        f"{sex}:{g.pk if g else UNKNOWN}": by_sex_age.get((sex, g.pk if g else None), 0)
        for sex in Sex.values
        for g in [*groups, None]
    }
    breakdowns = {
        "month": {f"{y}-{m:02d}": n for (y, m), n in by_month.items()},
        "place": dict(sorted(by_place.items(), key=lambda item: (-item[1], item[0]))),
        "origin": dict(sorted(by_origin.items(), key=lambda item: (-item[1], item[0]))),
        "activity": by_activity,
        "action": by_action,
        "accompanied": by_accompanied,
        "sex": {
            sex: sum(sex_age[f"{sex}:{g.pk if g else UNKNOWN}"] for g in [*groups, None])
            for sex in Sex.values
        },
        "age": {
            str(g.pk if g else UNKNOWN): sum(sex_age[f"{sex}:{g.pk if g else UNKNOWN}"] for sex in Sex.values)
            for g in [*groups, None]
        },
    }
    # One system of lines: each breakdown adds up to the total, and in the sex × age table
    # each sex row adds up to its sex cell and each age column to its age cell.
    values: dict = {"total": total}
    lines = []
    for dim, counts in breakdowns.items():
        values.update({(dim, part): n for part, n in counts.items()})
        lines.append(Line([(dim, part) for part in counts], "total"))
    age_keys = [str(g.pk) if g else UNKNOWN for g in [*groups, None]]
    values.update({("sa", key): n for key, n in sex_age.items()})
    lines += [Line([("sa", f"{s}:{a}") for a in age_keys], ("sex", s)) for s in Sex.values]
    lines += [Line([("sa", f"{s}:{a}") for s in Sex.values], ("age", a)) for a in age_keys]
    cells = present(values, lines, k, suppressed=suppressed)
    total_cell = cells["total"]
    parts = {dim: {part: cells[(dim, part)] for part in counts} for dim, counts in breakdowns.items()}

    season = [i for i, (_y, m) in enumerate(months) if county.is_tourist_season(m)]
    month_labels = [date_format(datetime.date(y, m, 1), "M Y") for y, m in months]
    # The bars show what the table shows: a hidden month is drawn as 0, so neither the bar
    # heights nor the chart's text give a small number away.
    month_cells = [parts["month"][f"{y}-{m:02d}"] for y, m in months]
    chart = charts.bar_chart(
        month_labels,
        [charts.Series(name=_("Children"), values=[0 if c.hidden else c.value for c in month_cells])],
        title=_("Children in street situations by month"),
        highlight=season,
    )
    repeated = [
        {"name": name, "interventions": origin_interventions[name], "children": parts["origin"][name]}
        for name in breakdowns["origin"]
        if name != UNKNOWN and origin_interventions[name] >= 2
    ]
    previous = comparison_periods(period)
    compare = _street_totals_of(county, previous.periods)

    def label_of(choices, value):
        return str(choices(value).label)

    return {
        "kind": DataKind.STREET_CHILDREN.value,
        "period": _period_info(period),
        "previous": _period_info(previous.previous),
        "year_earlier": _period_info(previous.year_earlier),
        "suppressed": suppressed,
        "k": k,
        "interventions": len(rows),
        "total": [total_cell]
        + [
            present({"t": c["children"] or 0}, [], k, suppressed=suppressed)["t"] if c else None
            for c in compare
        ],
        "interventions_compare": [len(rows)] + [c["interventions"] if c else None for c in compare],
        "by_month": [
            {"label": month_labels[i], "season": i in season, "value": parts["month"][f"{y}-{m:02d}"]}
            for i, (y, m) in enumerate(months)
        ],
        "by_place": [{"label": place, "value": cell} for place, cell in parts["place"].items()],
        "by_origin": [
            {"label": name if name != UNKNOWN else _("Unknown"), "value": cell}
            for name, cell in parts["origin"].items()
        ],
        "repeated_origins": repeated,
        "by_activity": [
            {"label": label_of(StreetActivity, v), "value": parts["activity"][v]} for v in by_activity
        ],
        "by_action": [{"label": label_of(StreetAction, v), "value": parts["action"][v]} for v in by_action],
        "by_accompanied": [
            {"label": label_of(Accompanied, v), "value": parts["accompanied"][v]} for v in by_accompanied
        ],
        "age_labels": [g.label for g in groups] + [_("Unknown")],
        "sex_age": [
            {
                "label": label_of(Sex, s),
                "values": [cells[("sa", f"{s}:{a}")] for a in age_keys],
                "total": parts["sex"][s],
            }
            for s in Sex.values
        ],
        "age_totals": [parts["age"][a] for a in age_keys],
        "chart": chart,
        "season": [month_labels[i] for i in season],
    }


# --- Employment -----------------------------------------------------------------------------------

STAGE_LABELS = {name: EmploymentFunnel._meta.get_field(name).verbose_name for name in EmploymentFunnel.STAGES}
FUNNEL = [
    "received",
    "interviewed",
    "assessed",
    "ready",
    "needs_training",
    "not_employable",
    "referred_vacancy",
    "referred_training",
    "employed",
    "completed_training",
]


def _stage_label(stage: str) -> str:
    if stage == "assessed":
        return _("employability assessed")
    return str(STAGE_LABELS[stage])


def _employment_raw_of(
    county: County, periods: list[ReportingPeriod | None], institution=None
) -> list[dict | None]:
    """Each period's stage totals (None for a missing period), in one query whatever their number."""
    ids = [p.pk for p in periods if p is not None]
    found = {}
    if ids:
        qs = EmploymentFunnel.objects.filter(county=county, period_id__in=ids)
        if institution is not None:
            qs = qs.filter(institution=institution)
        rows = (
            qs.order_by()
            .values("period_id")
            .annotate(**{stage: Sum(stage) for stage in EmploymentFunnel.STAGES})
        )
        found = {row.pop("period_id"): row for row in rows}
    empty = dict.fromkeys(EmploymentFunnel.STAGES)
    return [None if p is None else found.get(p.pk, empty) for p in periods]


# breakdown → the field it groups by
EMPLOYMENT_BREAKDOWNS = {"group": "group", "sex": "sex", "age": "age_group_id"}
OUTCOMES = ("ready", "needs_training", "not_employable")


def employment_breakdowns(age_groups: Iterable[AgeGroup]) -> dict[str, dict[str, str]]:
    """The employment path's breakdowns and their categories: group, sex, working-age group."""
    ages = {str(g.pk): g.label for g in age_groups if g.is_working_age}
    ages[UNKNOWN] = _("Unknown")
    return {"group": dict(VulnerableGroup.choices), "sex": dict(Sex.choices), "age": ages}


def employment_sums(rows: Iterable[EmploymentFunnel]) -> dict[tuple[str, str, str], int]:
    """Each stage's count by breakdown and category, (stage, breakdown, category) → n."""
    sums: dict[tuple[str, str, str], int] = defaultdict(int)
    for row in rows:
        for dim, field_name in EMPLOYMENT_BREAKDOWNS.items():
            value = getattr(row, field_name)
            key = UNKNOWN if value is None else str(value)
            for stage in EmploymentFunnel.STAGES:
                sums[(stage, dim, key)] += getattr(row, stage)
    return sums


def employment_cells(sums: dict, dims: dict, k: int, *, suppressed: bool) -> dict:
    """Every figure of the employment path as a `Cell`: (stage, breakdown, category),
    ("total", stage) and ("total", "assessed"). Each stage's breakdowns add up to its
    total and the three outcomes to "assessed": the lines small numbers are hidden along."""
    values: dict = {
        (stage, dim, str(key)): 0
        for stage in EmploymentFunnel.STAGES
        for dim, options in dims.items()
        for key in options
    }
    values.update(sums)
    for stage in EmploymentFunnel.STAGES:
        values[("total", stage)] = sum(values[(stage, "sex", str(s))] for s in Sex.values)
    values[("total", "assessed")] = sum(values[("total", s)] for s in OUTCOMES)
    lines = [
        Line([(stage, dim, str(key)) for key in options], ("total", stage))
        for stage in EmploymentFunnel.STAGES
        for dim, options in dims.items()
    ]
    lines.append(Line([("total", s) for s in OUTCOMES], ("total", "assessed")))
    return present(values, lines, k, suppressed=suppressed)


@kept("cases.employment_summary")
def employment_summary(
    county: County, period: ReportingPeriod, *, suppressed: bool, institution: Institution | None = None
) -> dict:
    """The employment path of the period: each stage's total (with the comparisons), and
    each stage by group, sex and age group; the funnel as a chart."""
    k = county.small_number_threshold
    qs = EmploymentFunnel.objects.filter(county=county, period=period)
    if institution is not None:
        qs = qs.filter(institution=institution)
    dims = employment_breakdowns(_age_groups(county))
    rows = qs.only("group", "sex", "age_group", *EmploymentFunnel.STAGES)
    cells = employment_cells(employment_sums(rows), dims, k, suppressed=suppressed)

    comparison = comparison_periods(period)
    compare = _employment_raw_of(county, comparison.periods, institution)

    def compared(stage: str, raw: dict | None) -> Cell | None:
        if raw is None:
            return None
        n = sum(raw[s] or 0 for s in OUTCOMES) if stage == "assessed" else raw[stage] or 0
        return present({"n": n}, [], k, suppressed=suppressed)["n"]

    stages = [
        {
            "key": stage,
            "label": _stage_label(stage),
            "values": [cells[("total", stage)]] + [compared(stage, raw) for raw in compare],
            "outcome": stage in OUTCOMES,
        }
        for stage in FUNNEL
    ]
    breakdowns = []
    for dim, options in dims.items():
        breakdowns.append(
            {
                "key": dim,
                "label": {"group": _("Group"), "sex": _("Sex"), "age": _("Age group")}[dim],
                "stages": [_stage_label(s) for s in EmploymentFunnel.STAGES],
                "rows": [
                    {
                        "label": str(label),
                        "values": [cells[(s, dim, str(key))] for s in EmploymentFunnel.STAGES],
                    }
                    for key, label in options.items()
                ],
            }
        )
    funnel_stages = [s for s in FUNNEL if s not in OUTCOMES]
    chart = charts.funnel_chart(
        [
            (_stage_label(s), 0 if cells[("total", s)].hidden else cells[("total", s)].value)
            for s in funnel_stages
        ],
        title=_("Employment path"),
    )
    return {
        "kind": DataKind.EMPLOYMENT.value,
        "period": _period_info(period),
        "previous": _period_info(comparison.previous),
        "year_earlier": _period_info(comparison.year_earlier),
        "suppressed": suppressed,
        "k": k,
        "stages": stages,
        "breakdowns": breakdowns,
        "chart": chart,
        "has_data": cells[("total", "received")].value > 0,
        "reporting": reporting_institutions(county, period, DataKind.EMPLOYMENT),
    }


def employment_rows(period: ReportingPeriod, institution: Institution) -> list[EmploymentFunnel]:
    return employment_grids_rows([(period.pk, institution.pk)]).get((period.pk, institution.pk), [])


def employment_grids_rows(keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], list[EmploymentFunnel]]:
    """The rows of several (period id, institution id) employment grids, in one query."""
    rows = (
        EmploymentFunnel.objects.filter(grids_q(keys))
        .select_related("age_group")
        .order_by("group", "sex", "age_group__min_age", "pk")
    )
    result: dict[tuple[int, int], list[EmploymentFunnel]] = defaultdict(list)
    for row in rows:
        result[(row.period_id, row.institution_id)].append(row)
    return result


# --- Dashboard --------------------------------------------------------------------------------------


def dashboard_panel(*, user, county, period) -> DashboardPanel:
    """The dashboard's period data card: this period's totals, small numbers hidden for
    those who do not see exact figures."""
    if period is None:
        return DashboardPanel(title=_("Period data"), template="includes/panel_empty.html")
    exact_view = sees_exact(user, county)
    k = county.small_number_threshold
    victims = VictimReport.objects.filter(county=county, period=period).aggregate(
        victims=Sum("total", filter=Q(status=VictimStatus.VICTIM)),
        potential=Sum("total", filter=Q(status=VictimStatus.POTENTIAL)),
    )
    street = _street_totals(county, period)
    employed = EmploymentFunnel.objects.filter(county=county, period=period).aggregate(
        received=Sum("received"), employed=Sum("employed")
    )

    def show(n):
        return present({"n": n or 0}, [], k, suppressed=not exact_view)["n"]

    return DashboardPanel(
        title=_("Period data"),
        template="cases/panel.html",
        context={
            "period": period,
            "victims": show(victims["victims"]),
            "potential": show(victims["potential"]),
            "children": show(street["children"]),
            "interventions": street["interventions"],
            "received": show(employed["received"]),
            "employed": show(employed["employed"]),
        },
    )
