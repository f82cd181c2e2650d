"""The plan as a spreadsheet: one row per activity, imported all-or-nothing and exported
in the same shape, so an exported plan can be edited and imported again."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from actionplan.models import ActionPlan, Activity, Objective, Pillar
from krat import spreadsheets as xl
from krat.collation import albanian, sort_key
from krat.membership import with_member_today
from krat.models import Institution
from krat.search import NameMatcher

PLAN_TEMPLATE = xl.SheetTemplate(
    title=gettext_lazy("Activities"),
    columns=[
        xl.Column("pillar", gettext_lazy("Pillar"), xl.text(120)),
        xl.Column("objective", gettext_lazy("Objective"), xl.text(300)),
        xl.Column("code", gettext_lazy("Code"), xl.text(20)),
        xl.Column("description", gettext_lazy("Description"), xl.text(2000)),
        xl.Column("lead", gettext_lazy("Lead institution"), xl.text(200)),
        xl.Column("partners", gettext_lazy("Partner institutions"), xl.text(2000), required=False),
        xl.Column("start_date", gettext_lazy("Start"), xl.date()),
        xl.Column("deadline", gettext_lazy("Deadline"), xl.date()),
        xl.Column("indicator", gettext_lazy("Indicator"), xl.text(300)),
        xl.Column("target", gettext_lazy("Target"), xl.decimal_number()),
        xl.Column("unit", gettext_lazy("Unit"), xl.text(60)),
        xl.Column("budget", gettext_lazy("Budget (lek)"), xl.decimal_number(), required=False),
        xl.Column("budget_source", gettext_lazy("Source of funding"), xl.text(200), required=False),
    ],
)
COLUMN_LETTER = {
    column.key: get_column_letter(index) for index, column in enumerate(PLAN_TEMPLATE.columns, start=1)
}
# Model fields whose errors are reported on a column of the row.
FIELD_COLUMN = {
    "code": "code",
    "description": "description",
    "lead_institution": "lead",
    "start_date": "start_date",
    "deadline": "deadline",
    "indicator": "indicator",
    "target": "target",
    "unit": "unit",
    "budget": "budget",
    "budget_source": "budget_source",
    "objective": "objective",
}


def template_example(plan: ActionPlan) -> list[list]:
    """An example row that imports as it is into `plan`: the county's own institutions, the
    plan's first pillar and objective when it has them, and a code no activity uses (so
    that importing the template unchanged adds one activity and overwrites none)."""
    institutions = list(
        with_member_today(Institution.objects.filter(county_id=plan.county_id, is_active=True))
        .order_by("-is_table_member", albanian("name"))
        .values_list("name", flat=True)[:3]
    )
    pillar = plan.pillars.order_by("position", "pk").first()
    objective = pillar.objectives.order_by("position", "pk").first() if pillar else None
    used = {code.casefold() for code in plan.activities.values_list("code", flat=True)}
    number = 1
    while f"1.1.{number}" in used:
        number += 1
    return [
        [
            pillar.name if pillar else "Parandalimi",
            objective.name if objective else "Rritja e ndërgjegjësimit në shkolla",
            f"1.1.{number}",
            "Sesione informuese për nxënësit për rreziqet e trafikimit",
            institutions[0] if institutions else "",
            "; ".join(institutions[1:]),
            datetime.date(plan.year, 2, 1),
            datetime.date(plan.year, 6, 30),
            "Sesione të zhvilluara",
            10,
            "sesione",
            None,
            None,
        ]
    ]


def template_file(plan: ActionPlan) -> bytes:
    return xl.template_bytes(PLAN_TEMPLATE, template_example(plan))


def _problem(row: int, key: str, message: str) -> xl.Problem:
    return xl.Problem(f"{COLUMN_LETTER[key]}{row}", message)


def _no_institution(institutions: NameMatcher[Institution], name: str) -> str:
    """Why `name` names no institution: none is called so, or it could be several."""
    names = institutions.ambiguous(name)
    if names:
        return _("“%(value)s” could be any of %(names)s: write it with its letters ë and ç.") % {
            "value": name,
            "names": ", ".join(names),
        }
    return _("No institution of this county is called “%(name)s”.") % {"name": name}


@transaction.atomic
def plan_import(*, plan: ActionPlan, data: bytes) -> int:
    """Import activities into `plan`; an existing code is updated. Returns the rows read.

    Every problem of every row is collected first; if there is one, SpreadsheetError is
    raised and the transaction leaves nothing of the file behind.
    """
    rows = xl.read_rows(data, PLAN_TEMPLATE)
    institutions = NameMatcher((i.name, i) for i in Institution.objects.filter(county=plan.county))
    pillars = {p.name.casefold(): p for p in plan.pillars.all()}
    objectives = {(o.pillar_id, o.name.casefold()): o for o in Objective.objects.filter(pillar__plan=plan)}
    existing = {a.code.casefold(): a for a in plan.activities.all()}
    problems: list[xl.Problem] = []
    seen_codes: dict[str, int] = {}

    for row in rows:
        values = row.values
        lead = institutions.get(values["lead"])
        if lead is None:
            problems.append(_problem(row.number, "lead", _no_institution(institutions, values["lead"])))
        partners = []
        for name in filter(None, (part.strip() for part in (values.get("partners") or "").split(";"))):
            partner = institutions.get(name)
            if partner is None:
                problems.append(_problem(row.number, "partners", _no_institution(institutions, name)))
            else:
                partners.append(partner)
        code_key = values["code"].casefold()
        exclude = [] if lead is not None else ["lead_institution"]
        if code_key in seen_codes:
            exclude.append("code")
            problems.append(
                _problem(
                    row.number,
                    "code",
                    _("The code is also used in row %(row)d.") % {"row": seen_codes[code_key]},
                )
            )
        seen_codes[code_key] = row.number

        pillar = pillars.get(values["pillar"].casefold())
        if pillar is None:
            pillar = Pillar.objects.create(plan=plan, name=values["pillar"], position=len(pillars) + 1)
            pillars[values["pillar"].casefold()] = pillar
        objective = objectives.get((pillar.pk, values["objective"].casefold()))
        if objective is None:
            position = sum(1 for key in objectives if key[0] == pillar.pk) + 1
            objective = Objective.objects.create(pillar=pillar, name=values["objective"], position=position)
            objectives[(pillar.pk, values["objective"].casefold())] = objective

        activity = existing.get(code_key) or Activity(plan=plan)
        activity.objective = objective
        for key in ("code", "description", "start_date", "deadline", "indicator", "target", "unit", "budget"):
            setattr(activity, key, values[key])
        activity.budget_source = values.get("budget_source") or ""
        if lead is not None:
            activity.lead_institution = lead
        try:
            activity.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                key = FIELD_COLUMN.get(field, "code")
                problems.extend(_problem(row.number, key, message) for message in messages)
            continue
        if not problems:
            if activity.pk:
                activity.version += 1
            activity.save()
            activity.partners.set(partners)
    if problems:
        transaction.set_rollback(True)
        raise xl.SpreadsheetError(problems)
    return len(rows)


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def plan_export(plan: ActionPlan) -> bytes:
    """The plan's activities in the import template's shape: dates are date cells shown as
    25.04.2018, amounts are numbers, text stays text (see `krat.spreadsheets`)."""
    activities = (
        plan.activities.select_related("objective__pillar", "lead_institution")
        .prefetch_related("partners")
        .order_by("objective__pillar__position", "objective__position", "code")
    )
    rows = [
        [
            activity.objective.pillar.name,
            activity.objective.name,
            activity.code,
            activity.description,
            activity.lead_institution.name,
            "; ".join(sorted((p.name for p in activity.partners.all()), key=sort_key)),
            activity.start_date,
            activity.deadline,
            activity.indicator,
            _number(activity.target),
            activity.unit,
            _number(activity.budget),
            activity.budget_source,
        ]
        for activity in activities
    ]
    return xl.workbook_bytes(
        [
            xl.Sheet(
                title=str(PLAN_TEMPLATE.title), headers=[c.title for c in PLAN_TEMPLATE.columns], rows=rows
            )
        ]
    )
