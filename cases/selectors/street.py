"""Children in street situations: the period's interventions (a page of the list or all of
them), the totals of several periods, and the period's summary by month, place, origin,
sex and age, activity and action."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Sum
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.choices import UNKNOWN, Accompanied, DataKind, Sex, StreetAction, StreetActivity
from cases.models import StreetIntervention
from cases.selectors.age_groups import county_age_groups
from cases.selectors.comparison import comparison_periods, period_info
from krat import charts
from krat.freshness import kept
from krat.models import County, Institution, ReportingPeriod
from krat.suppression import Line, present


def _months(period: ReportingPeriod) -> list[tuple[int, int]]:
    months, day = [], period.start_date.replace(day=1)
    while day <= period.end_date:
        months.append((day.year, day.month))
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def street_totals(county: County, period: ReportingPeriod | None) -> dict | None:
    if period is None:
        return None
    return StreetIntervention.objects.filter(county=county, period=period).aggregate(
        interventions=Count("pk"), children=Sum("children")
    )


def _street_totals_of(county: County, periods: list[ReportingPeriod | None]) -> list[dict | None]:
    """`street_totals` of each period (None stays None), in one query whatever their number."""
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
    groups = [g for g in county_age_groups(county) if g.is_child]
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
        "period": period_info(period),
        "previous": period_info(previous.previous),
        "year_earlier": period_info(previous.year_earlier),
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
