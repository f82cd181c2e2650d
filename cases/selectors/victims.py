"""Victims figures: the period's summary (with the comparisons), the categories of each
breakdown, an institution's grid as a reader sees it, and the earlier means the outlier
warnings compare with."""

from __future__ import annotations

from django.db.models import Avg
from django.utils.translation import gettext

from cases.choices import Country, DataKind, Dimension, VictimStatus
from cases.models import VictimReport
from cases.selectors.age_groups import county_age_groups
from cases.selectors.comparison import comparison_periods, period_info
from cases.selectors.figures import OTHER_COUNTRIES, VICTIMS, period_cells, protected, victim_figures
from cases.selectors.reporting import reporting_institutions
from krat.freshness import kept
from krat.models import County, Institution, ReportingPeriod
from krat.suppression import Cell, exact, withheld


def earlier_victim_means(*, period: ReportingPeriod, institution: Institution) -> dict[str, float]:
    """The mean total per status of the institution's reports in earlier periods."""
    rows = (
        VictimReport.objects.filter(institution=institution, period__start_date__lt=period.start_date)
        .values("status")
        .annotate(mean=Avg("total"))
    )
    return {row["status"]: float(row["mean"]) for row in rows}


def victim_categories(county: County) -> dict[str, list[tuple[str, str]]]:
    from cases.services.victims import victim_categories

    return victim_categories(county_age_groups(county))


def victim_grid_shown(stored: dict, categories: dict, k: int, *, suppressed: bool) -> list[dict]:
    """An institution's stored grid (`victim_grid_values`) as a reader sees it, status by
    status: {"status", "version", "total", "referred", "cells"}, each cell
    (dimension, category, Cell). With `suppressed` every count is withheld: one
    institution's grid is published only to those who see it exact (its own
    representatives, the secretariat and the chair) — subtracted from the county's
    summary, any of its counts would give another's away."""
    statuses = []
    for status in VictimStatus.values:
        grid = stored.get(status) or {"total": 0, "referred": 0, "cells": {}, "version": None}

        def cell(n: int) -> Cell:
            return withheld(n) if suppressed else exact(n)

        countries = sorted(
            code for (dimension, code), n in grid["cells"].items() if dimension == Dimension.COUNTRY and n
        )
        statuses.append(
            {
                "status": status,
                "version": grid["version"],
                "total": cell(grid["total"]),
                "referred": cell(grid["referred"]),
                "cells": [
                    (dimension, value, cell(grid["cells"].get((dimension, value), 0)))
                    for dimension, options in categories.items()
                    for value, _label in options
                ]
                + [
                    (Dimension.COUNTRY.value, code, cell(grid["cells"][(Dimension.COUNTRY, code)]))
                    for code in countries
                ],
            }
        )
    return statuses


def _countries(status: str, shown: list, suppressed: bool) -> dict:
    """Foreign victims by country, each period's column. Exact: every country with
    victims. For sharing: the countries with k or more in some period shown, and "other
    countries" (those with fewer, together); a country counted there in one period shows
    "—" in that period's column."""
    country = Dimension.COUNTRY.value

    def listed(s) -> set[str]:
        figures, cells = s
        if suppressed:
            return {key[2] for key in cells if key[:2] == (status, country)}
        return {key[2] for key, n in figures.values.items() if key[:2] == (status, country) and n}

    codes = sorted({code for s in shown if s for code in listed(s)})
    rows = [
        {
            "key": code,
            "label": str(Country(code).label),
            "values": [
                None
                if s is None
                else s[1].get((status, country, code)) or (exact(0) if not suppressed else _UNDER_OTHER)
                for s in shown
            ],
        }
        for code in codes
    ]
    if suppressed:
        rows.append(
            {
                "key": OTHER_COUNTRIES,
                "label": gettext("Other countries (fewer than %(k)d each)") % {"k": shown[0][0].k},
                "values": [s[1][(status, OTHER_COUNTRIES)] if s else None for s in shown],
            }
        )
    return {"key": country, "label": str(Dimension.COUNTRY.label), "rows": rows}


#: A country's cell in a period where it is counted under "other countries".
_UNDER_OTHER = Cell(value=0, hidden=True, text="—")


@kept("cases.victims_summary")
def victims_summary(
    county: County, period: ReportingPeriod, *, suppressed: bool, institution: Institution | None = None
) -> dict:
    """The period's victims figures, summed over the county's institutions (or one),
    with the previous period and the same period a year earlier beside each figure —
    each period's counts hidden by that period's own pattern (`cases.selectors.figures`)."""
    comparison = comparison_periods(period)
    periods = [period, *comparison.periods]
    if institution is None:
        shown = period_cells(VICTIMS, periods, suppressed=suppressed)
    else:
        built = victim_figures(periods, institution)
        shown = [
            None if p is None else (built[p.pk], protected(built[p.pk], suppressed=suppressed))
            for p in periods
        ]
    categories = victim_categories(county)
    statuses = []
    for status in VictimStatus:
        dimensions = []
        for dimension, options in categories.items():
            rows = [
                {
                    "key": value,
                    "label": str(label),
                    "values": [s[1][(status.value, dimension, value)] if s else None for s in shown],
                }
                for value, label in options
            ]
            dimensions.append({"key": dimension, "label": str(Dimension(dimension).label), "rows": rows})
        dimensions.append(_countries(status.value, shown, suppressed))
        statuses.append(
            {
                "key": status.value,
                "label": str(status.label),
                "total": [s[1][(status.value, "total")] if s else None for s in shown],
                "referred": [s[1][(status.value, "referred")] if s else None for s in shown],
                "dimensions": dimensions,
                "has_data": any((status.value, "total") in own for own in shown[0][0].contributions.values()),
            }
        )
    return {
        "kind": DataKind.VICTIMS.value,
        "period": period_info(period),
        "previous": period_info(comparison.previous),
        "year_earlier": period_info(comparison.year_earlier),
        "suppressed": suppressed,
        "k": county.small_number_threshold,
        "statuses": statuses,
        "reporting": reporting_institutions(county, period, DataKind.VICTIMS),
    }
