"""Spreadsheets of the period data: import templates, strict imports, exports.

Built on `krat.spreadsheets`: a bad row is reported with its cell and nothing is saved.
No template or export has a column for anything that identifies a person.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from cases.choices import (
    UNKNOWN,
    Country,
    Dimension,
    Sex,
    StreetAction,
    StreetActivity,
    VictimStatus,
    VulnerableGroup,
    victim_categories,
)
from cases.choices import Accompanied as AccompaniedChoice
from cases.models import AgeGroup, EmploymentFunnel, StreetIntervention
from cases.selectors.comparison import PeriodComparison
from cases.selectors.employment import EmploymentSummary
from cases.selectors.street import StreetSummary
from cases.selectors.victims import VictimsSummary
from cases.services.employment import employment_save
from cases.services.street import intervention_save
from cases.services.victims import VictimGrid, victim_grid_errors
from krat import spreadsheets as xl
from krat.models import County, Institution, Municipality, ReportingPeriod
from krat.models.base import field_label
from krat.search import NameMatcher
from krat.suppression import Cell

TOTAL, REFERRED = "total", "referred"


def _lookup(options: dict[str, Any], what) -> xl.Parser:
    """A parser that accepts one of `options` keys in any case, and without ë and ç where
    that fits only one (krat.search.NameMatcher), else explains."""
    matcher = NameMatcher(options.items())

    def parse(value: Any) -> Any:
        key = str(value).strip()
        for candidate in (key, key.replace("-", "–")):
            found = matcher.matches(candidate)
            if len(found) == 1:
                return found[0][1]
        names = matcher.ambiguous(key)
        if names:
            raise ValidationError(
                _("“%(value)s” could be any of %(names)s: write it with its letters ë and ç."),
                params={"value": value, "names": ", ".join(names)},
            )
        raise ValidationError(
            _("“%(value)s” is not in the list of %(what)s."), params={"value": value, "what": what}
        )

    return parse


def _labels(choices) -> dict[str, str]:
    """Stored values and labels in both languages → stored value."""
    from django.utils import translation

    names = {}
    for value, label in choices:
        names[str(value).casefold()] = value
        for language in ("sq", "en"):
            with translation.override(language):
                names[str(label).casefold()] = value
    return names


# --- Victims -------------------------------------------------------------------------------------

VICTIMS_TEMPLATE = xl.SheetTemplate(
    title=gettext_lazy("Victims"),
    columns=[
        xl.Column("dimension", gettext_lazy("Breakdown"), xl.text(80)),
        xl.Column("category", gettext_lazy("Category"), xl.text(80), required=False),
        # A cell left empty has no value (not 0).
        xl.Column(
            VictimStatus.VICTIM.value, VictimStatus.VICTIM.label, xl.whole_number(0, 10_000), required=False
        ),
        xl.Column(
            VictimStatus.POTENTIAL.value,
            VictimStatus.POTENTIAL.label,
            xl.whole_number(0, 10_000),
            required=False,
        ),
    ],
)


def _victim_dimension_names() -> dict[str, str]:
    return _labels(
        [
            (TOTAL, gettext_lazy("Total")),
            (REFERRED, gettext_lazy("Referred to services or a shelter")),
            *Dimension.choices,
        ]
    )


def victims_template(age_groups: Sequence[AgeGroup]) -> bytes:
    """Every row of the grid with its counts empty: a cell left empty has no value, so
    the template imported untouched enters nothing."""
    rows = [[_("Total"), "", None, None], [_("Referred to services or a shelter"), "", None, None]]
    for dimension, options in victim_categories(age_groups).items():
        for _value, label in options:
            rows.append([str(Dimension(dimension).label), str(label), None, None])
    rows.append([str(Dimension.COUNTRY.label), str(Country.UNKNOWN.label), None, None])
    return xl.template_bytes(VICTIMS_TEMPLATE, rows)


def victims_import(data: bytes, age_groups: Sequence[AgeGroup]) -> dict[str, VictimGrid]:
    """Parse a filled victims template into the two grids, or raise SpreadsheetError.
    A cell left empty has no value (not 0)."""
    rows = xl.read_rows(data, VICTIMS_TEMPLATE)
    categories = victim_categories(age_groups)
    dimension_names = _victim_dimension_names()
    category_names = {dim: _labels(options) for dim, options in categories.items()}
    for group in age_groups:
        category_names[Dimension.AGE][group.label.replace("–", "-").casefold()] = str(group.pk)
    category_names[Dimension.COUNTRY] = _labels(Country.choices)
    dimension_matcher = NameMatcher(dimension_names.items())
    category_matchers = {dim: NameMatcher(names.items()) for dim, names in category_names.items()}
    grids = {status: VictimGrid() for status in VictimStatus.values}
    problems: list[xl.Problem] = []
    seen: dict[tuple, int] = {}
    first_row: dict[str, int] = {}
    for row in rows:
        dimension = dimension_matcher.get(str(row.values["dimension"]))
        if dimension is None:
            problems.append(
                xl.Problem(
                    f"A{row.number}",
                    _("“%(value)s” is not a breakdown of the template.") % {"value": row.values["dimension"]},
                )
            )
            continue
        category = ""
        if dimension not in (TOTAL, REFERRED):
            raw = str(row.values["category"] or "").strip()
            found = category_matchers[dimension].get(raw)
            if found is None:
                problems.append(
                    xl.Problem(
                        f"B{row.number}",
                        _("“%(value)s” is not a category of “%(dimension)s”.")
                        % {"value": raw, "dimension": Dimension(dimension).label},
                    )
                )
                continue
            category = found
        key = (dimension, category)
        if key in seen:
            problems.append(
                xl.Problem(f"A{row.number}", _("This row repeats row %(row)d.") % {"row": seen[key]})
            )
            continue
        seen[key] = row.number
        first_row.setdefault(dimension, row.number)
        if category == UNKNOWN or dimension in (TOTAL, REFERRED):
            first_row[dimension] = row.number
        for status in VictimStatus.values:
            value = row.values[status]
            grid = grids[status]
            if value is None:
                continue  # no value
            if dimension == TOTAL:
                grid.total = value
            elif dimension == REFERRED:
                grid.referred = value
            else:
                grid.cells[key] = value
    if problems:
        raise xl.SpreadsheetError(problems)
    columns = {s: get_column_letter(3 + i) for i, s in enumerate(VictimStatus.values)}
    for status, grid in grids.items():
        for dimension, message in victim_grid_errors(grid, age_groups):
            row_number = first_row.get(dimension or TOTAL, first_row.get(TOTAL, 2))
            problems.append(xl.Problem(f"{columns[status]}{row_number}", message))
    if problems:
        raise xl.SpreadsheetError(problems)
    return grids


def _compared_heads(summary: PeriodComparison) -> list[str]:
    """The heads of the columns compared: each period's label, or what the column would be."""
    return [
        summary.period.label,
        summary.previous.label if summary.previous else _("Previous period"),
        summary.year_earlier.label if summary.year_earlier else _("A year earlier"),
    ]


def _shown(cells: Sequence[Cell | None]) -> list[int | str | None]:
    """Each cell as a spreadsheet holds it: its number or mark, empty for no value or no period."""
    return ["" if c is None else c.shown for c in cells]


def victims_export_rows(summary: VictimsSummary) -> tuple[list, list]:
    headers = [_("Status"), _("Breakdown"), _("Category"), *_compared_heads(summary)]
    rows = []
    for status in summary.statuses:
        rows.append([status.label, _("Total"), "", *_shown(status.total)])
        rows.append([status.label, _("Referred to services or a shelter"), "", *_shown(status.referred)])
        for dimension in status.dimensions:
            for row in dimension.rows:
                rows.append([status.label, dimension.label, row.label, *_shown(row.values)])
    return headers, rows


# --- Children in street situations ------------------------------------------------------------------


def _municipality_parser(names: dict[str, Municipality]) -> xl.Parser:
    return _lookup(names, gettext_lazy("municipalities"))


def street_template_for(county: County, age_groups: Sequence[AgeGroup]) -> xl.SheetTemplate:
    municipalities = {m.name: m for m in Municipality.objects.all()}
    own = {m.name: m for m in municipalities.values() if m.county_id == county.pk}
    columns = [
        xl.Column("date", gettext_lazy("Date"), xl.date()),
        xl.Column("municipality", gettext_lazy("Municipality"), _municipality_parser(own)),
        xl.Column("place", gettext_lazy("Place"), xl.text(100)),
        xl.Column(
            "origin",
            gettext_lazy("Municipality of origin"),
            _municipality_parser(municipalities),
            required=False,
        ),
        xl.Column("activity", gettext_lazy("What they were doing"), xl.choice(StreetActivity.choices)),
        xl.Column(
            "accompanied", gettext_lazy("Accompanied by an adult"), xl.choice(AccompaniedChoice.choices)
        ),
        xl.Column("action", gettext_lazy("Action taken"), xl.choice(StreetAction.choices)),
    ]
    for sex, sex_label in Sex.choices:
        for group in [*[g for g in age_groups if g.is_child], None]:
            columns.append(
                xl.Column(
                    f"n-{sex}-{group.pk if group else UNKNOWN}",
                    format_lazy("{} {}", sex_label, group.label if group else gettext_lazy("unknown age")),
                    xl.whole_number(0, 10_000),
                    required=False,
                )
            )
    return xl.SheetTemplate(title=gettext_lazy("Street interventions"), columns=columns)


def street_import(
    data: bytes, *, county: County, institution: Institution, age_groups: Sequence[AgeGroup]
) -> int:
    """Save every intervention of the file, or none (SpreadsheetError with the cells)."""
    template = street_template_for(county, age_groups)
    rows = xl.read_rows(data, template)
    count_keys = [c.key for c in template.columns if c.key.startswith("n-")]
    problems: list[xl.Problem] = []
    letters = {c.key: get_column_letter(i + 1) for i, c in enumerate(template.columns)}
    with transaction.atomic():
        for row in rows:
            values = row.values
            record = StreetIntervention(
                county=county,
                institution=institution,
                date=values["date"],
                municipality=values["municipality"],
                place=values["place"],
                origin=values["origin"],
                activity=values["activity"],
                accompanied=values["accompanied"],
                action=values["action"],
            )
            counts = {}
            for key in count_keys:
                _n, sex, group = key.split("-")
                counts[(sex, None if group == UNKNOWN else int(group))] = values[key]  # None: no value
            try:
                with transaction.atomic():
                    intervention_save(intervention=record, counts=counts)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    letter = letters.get(field, letters[count_keys[0]] if field == "__all__" else "A")
                    problems.extend(xl.Problem(f"{letter}{row.number}", m) for m in messages)
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise xl.SpreadsheetError(problems)
    return len(rows)


def street_export_rows(summary: StreetSummary) -> tuple[list, list]:
    headers = [_("Breakdown"), _("Category"), _("Children")]
    rows: list[list] = [[_("Total"), "", summary.children.shown]]
    sections = [
        (summary.by_month, _("Month")),
        (summary.by_place, _("Place")),
        (summary.by_origin, _("Municipality of origin")),
        (summary.by_activity, _("What they were doing")),
        (summary.by_action, _("Action taken")),
        (summary.by_accompanied, _("Accompanied by an adult")),
    ]
    for items, label in sections:
        for item in items:
            rows.append([label, item.label, item.value.shown])
    for row in summary.sex_age:
        for age, cell in zip(summary.age_labels, row.values, strict=True):
            rows.append([_("Sex and age group"), f"{row.label} {age}", cell.shown])
    return headers, rows


def interventions_rows(interventions: Sequence[StreetIntervention]) -> tuple[list, list]:
    headers = [
        _("Date"),
        _("Municipality"),
        _("Place"),
        _("Municipality of origin"),
        _("What they were doing"),
        _("Accompanied by an adult"),
        _("Action taken"),
        _("Children"),
    ]
    rows = [
        [
            i.date,
            i.municipality.name,
            i.place,
            i.origin.name if i.origin else _("Unknown"),
            i.get_activity_display(),
            i.get_accompanied_display(),
            i.get_action_display(),
            i.children,
        ]
        for i in interventions
    ]
    return headers, rows


# --- Employment ---------------------------------------------------------------------------------------


def employment_template_for(age_groups: Sequence[AgeGroup]) -> xl.SheetTemplate:
    ages: dict[str, AgeGroup | None] = {g.label: g for g in age_groups if g.is_working_age}
    ages.update({g.label.replace("–", "-"): g for g in age_groups if g.is_working_age})
    ages.update(dict.fromkeys(_labels([(UNKNOWN, gettext_lazy("Unknown"))])))
    columns = [
        xl.Column("group", gettext_lazy("Group"), xl.choice(VulnerableGroup.choices)),
        xl.Column("sex", gettext_lazy("Sex"), xl.choice(Sex.choices)),
        xl.Column("age_group", gettext_lazy("Age group"), _lookup(ages, gettext_lazy("age groups"))),
    ]
    for stage in EmploymentFunnel.STAGES:
        columns.append(  # a stage left empty has no value (not 0)
            xl.Column(
                stage,
                field_label(EmploymentFunnel, stage),
                xl.whole_number(0, 10_000),
                required=False,
            )
        )
    return xl.SheetTemplate(title=gettext_lazy("Employment"), columns=columns)


def employment_import(
    data: bytes,
    *,
    period: ReportingPeriod,
    institution: Institution,
    age_groups: Sequence[AgeGroup],
    expected_stamp: int,
) -> int:
    template = employment_template_for(age_groups)
    rows = xl.read_rows(data, template)
    letters = {c.key: get_column_letter(i + 1) for i, c in enumerate(template.columns)}
    problems: list[xl.Problem] = []
    records = []
    seen: dict[tuple, int] = {}
    for row in rows:
        record = EmploymentFunnel(county=period.county, period=period, institution=institution, **row.values)
        key = (record.group, record.sex, record.age_group.pk if record.age_group else None)
        if key in seen:
            problems.append(
                xl.Problem(f"A{row.number}", _("This row repeats row %(row)d.") % {"row": seen[key]})
            )
        seen[key] = row.number
        try:
            record.full_clean(validate_constraints=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                problems.extend(xl.Problem(f"{letters.get(field, 'A')}{row.number}", m) for m in messages)
        records.append(record)
    if problems:
        raise xl.SpreadsheetError(problems)
    employment_save(period=period, institution=institution, rows=records, expected_stamp=expected_stamp)
    return len(records)


def employment_export_rows(summary: EmploymentSummary) -> tuple[list, list]:
    """The stages' totals compared, then each stage by group, sex and age group. A stage's
    rows without value (`EmploymentStage.rows_without_value`) are the page's note, never a
    number in these columns."""
    headers = [_("Breakdown"), _("Category"), _("Stage"), *_compared_heads(summary)]
    rows = []
    for stage in summary.stages:
        rows.append([_("Total"), "", stage.label, *_shown(stage.values)])
    for breakdown in summary.breakdowns:
        for row in breakdown.rows:
            for stage_label, cell, earlier in zip(breakdown.stages, row.values, row.earlier, strict=True):
                rows.append([breakdown.label, row.label, stage_label, cell.shown, *_shown(earlier)])
    return headers, rows
