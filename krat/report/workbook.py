"""The report's tables as one XLSX workbook: a sheet per section, the same figures as the PDF."""

from __future__ import annotations

from django.utils.translation import gettext as _

from krat.spreadsheets import Sheet, workbook_bytes


def _shown(cell):
    if cell is None:
        return ""
    return cell.shown if hasattr(cell, "shown") else cell


def _column_heads(columns: list[dict | None]) -> list[str]:
    heads = [_("This period"), _("Previous period"), _("A year earlier")]
    return [f"{head} ({c['label']})" if c else head for head, c in zip(heads, columns, strict=True)]


def _day(value):
    """A date as a date cell (shown 25.04.2018), or an empty cell."""
    return value or None


def report_sheets(report: dict) -> list[Sheet]:
    sheets = [
        Sheet(
            title=_("Institutions"),
            headers=[_("Institution"), _("State"), _("Submitted at")],
            rows=[
                [r["name"], r["state_label"], _day(r["submitted_at"].date()) if r["submitted_at"] else ""]
                for r in report["institutions"]["rows"]
            ],
        ),
        Sheet(
            title=_("Meetings"),
            headers=[
                _("Date"),
                _("Meeting"),
                _("Agenda"),
                _("Decision"),
                _("Responsible"),
                _("Due date"),
                _("Status"),
            ],
            rows=[
                [
                    _day(m["date"]),
                    m["title"],
                    "; ".join(m["agenda"]),
                    d["text"],
                    d["responsible"],
                    _day(d["due_date"]),
                    d["status_label"],
                ]
                for m in report["meetings"]["rows"]
                for d in (
                    m["decisions"] or [{"text": "", "responsible": "", "due_date": None, "status_label": ""}]
                )
            ],
        ),
    ]
    victims = report["victims"]
    victim_rows = []
    for status in victims["statuses"]:
        victim_rows.append([status["label"], _("Total"), "", *[_shown(c) for c in status["total"]]])
        victim_rows.append([status["label"], _("Referred"), "", *[_shown(c) for c in status["referred"]]])
        for dimension in status["dimensions"]:
            for row in dimension["rows"]:
                victim_rows.append(
                    [status["label"], dimension["label"], row["label"], *[_shown(c) for c in row["values"]]]
                )
    sheets.append(
        Sheet(
            title=_("Victims"),
            headers=[_("Status"), _("Breakdown"), _("Category"), *_column_heads(victims["columns"])],
            rows=victim_rows,
        )
    )
    street = report["street"]
    street_rows = [[_("Total"), "", *[_shown(c) for c in street["total"]]]]
    for key, label in (
        ("by_month", _("Month")),
        ("by_place", _("Place")),
        ("by_origin", _("Municipality of origin")),
        ("by_activity", _("Activity")),
        ("by_action", _("Action taken")),
    ):
        for row in street[key]:
            street_rows.append(
                [label, row["label"] + (" *" if row.get("season") else ""), _shown(row["value"])]
            )
    sheets.append(
        Sheet(
            title=_("Street children"),
            headers=[_("Breakdown"), _("Category"), *_column_heads(street["columns"])],
            rows=street_rows,
        )
    )
    employment = report["employment"]
    employment_rows = [["", s["label"], *[_shown(c) for c in s["values"]]] for s in employment["stages"]]
    for breakdown in employment["breakdowns"]:
        for row in breakdown["rows"]:
            for stage, cell in zip(breakdown["stages"], row["values"], strict=True):
                employment_rows.append([f"{breakdown['label']}: {row['label']}", stage, _shown(cell)])
    sheets.append(
        Sheet(
            title=_("Employment"),
            headers=[_("Group"), _("Stage"), *_column_heads(employment["columns"])],
            rows=employment_rows,
        )
    )
    awareness = report["awareness"]
    sheets.append(
        Sheet(
            title=_("Awareness held"),
            headers=[
                _("Date"),
                _("Event"),
                _("Municipality"),
                _("Organiser"),
                _("Target groups"),
                _("People reached"),
            ],
            rows=[
                [
                    _day(e["date"]),
                    e["title"],
                    e["municipality"],
                    e["organiser"],
                    ", ".join(e["target_groups"]),
                    _shown(e["reached_cell"]),
                ]
                for e in awareness["held"]
            ],
        )
    )
    sheets.append(
        Sheet(
            title=_("Awareness planned"),
            headers=[_("Date"), _("Event"), _("Municipality"), _("Organiser"), _("Target groups")],
            rows=[
                [
                    _day(e["date"]),
                    e["title"],
                    e["municipality"],
                    e["organiser"],
                    ", ".join(e["target_groups"]),
                ]
                for e in awareness["planned"]
            ],
        )
    )
    plan = report["plan"]
    state_heads = [s["label"] for s in plan["states"]]
    state_keys = [s["key"] for s in plan["states"]]
    sheets.append(
        Sheet(
            title=_("Plan by objective"),
            headers=[_("Objective"), *state_heads, _("Total")],
            rows=[[o["label"], *[o[k] for k in state_keys], o["total"]] for o in plan["by_objective"]],
        )
    )
    sheets.append(
        Sheet(
            title=_("Plan by institution"),
            headers=[_("Lead institution"), *state_heads, _("Total")],
            rows=[[o["label"], *[o[k] for k in state_keys], o["total"]] for o in plan["by_institution"]],
        )
    )
    sheets.append(
        Sheet(
            title=_("Overdue activities"),
            headers=[
                _("Code"),
                _("Activity"),
                _("Lead institution"),
                _("Deadline"),
                _("Status"),
                _("Value achieved"),
                _("Target"),
                _("Unit"),
            ],
            rows=[
                [
                    a["code"],
                    a["description"],
                    a["lead"],
                    _day(a["deadline"]),
                    a["status_label"],
                    a["achieved"],  # None, an empty cell, when none was given: not 0
                    a["target"],
                    a["unit"],
                ]
                for a in plan["overdue"]
            ],
        )
    )
    return sheets


def report_workbook(report: dict) -> bytes:
    return workbook_bytes(report_sheets(report))


def national_workbook(report: dict) -> bytes:
    """One row per county, every county (one with no period or no report reads "not
    reported" and its figures stay empty cells, never 0). Submissions are two numbers
    (reports submitted, member institutions), not the text "3/13", so that a reader can
    sum and divide them."""
    labels = report["labels"]
    keys = [k for k in labels if k != "submissions"]
    return workbook_bytes(
        [
            Sheet(
                title=_("Counties"),
                headers=[
                    _("County"),
                    _("Period"),
                    _("Reported"),
                    _("Reports submitted"),
                    _("Member institutions"),
                    *[labels[k] for k in keys],
                ],
                rows=[
                    [
                        r["county"],
                        r["period"],
                        _("yes") if r["reported"] else _("not reported"),
                        r.get("submissions"),
                        r.get("members"),
                        *[_shown(r[k]) if r["reported"] else None for k in keys],
                    ]
                    for r in report["rows"]
                ],
            )
        ]
    )
