"""Spreadsheet imports of the period data: good files saved, bad ones refused whole."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from cases import sheets
from cases.models import EmploymentFunnel, StreetIntervention, VictimReport
from cases.selectors.age_groups import age_groups_for
from cases.services.employment import employment_stamp
from krat import spreadsheets as xl
from tests.cases.factories import municipality

pytestmark = pytest.mark.django_db


def filled(template_bytes, edit):
    book = load_workbook(io.BytesIO(template_bytes))
    edit(book.worksheets[0])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def find_row(sheet, breakdown, category=None):
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == breakdown and (category is None or row[1].value == category):
            return row[0].row
    raise AssertionError((breakdown, category))


def victims_file(world, total=5, female=3, edit=None):
    groups = age_groups_for(world.own)

    def fill(sheet):
        sheet.cell(find_row(sheet, "Total"), 3, total)
        sheet.cell(find_row(sheet, "Sex", "Female"), 3, female)
        for breakdown in (
            "Sex",
            "Age group",
            "Form of exploitation",
            "Citizenship",
            "Internal or cross-border",
            "Identified by",
        ):
            sheet.cell(
                find_row(sheet, breakdown, "Unknown"), 3, total - (female if breakdown == "Sex" else 0)
            )
        if edit:
            edit(sheet)

    with translation.override("en"):
        return filled(sheets.victims_template(groups), fill)


def test_the_victims_template_round_trips(world):
    grids = sheets.victims_import(victims_file(world), age_groups_for(world.own))
    assert grids["victim"].total == 5 and grids["victim"].cells[("sex", "female")] == 3


def unbalance(sheet):
    """Every sex entered (3 + 0 + 1), adding up to 4 of the total 5."""
    sheet.cell(find_row(sheet, "Sex", "Male"), 3, 0)
    sheet.cell(find_row(sheet, "Sex", "Unknown"), 3, 1)


def test_a_victims_file_that_does_not_add_up_names_the_cell(world):
    with pytest.raises(xl.SpreadsheetError) as error:
        sheets.victims_import(victims_file(world, edit=unbalance), age_groups_for(world.own))
    (problem,) = error.value.problems
    assert problem.cell.startswith("C") and "adds up to" in problem.message


def test_bad_victims_rows_are_reported_with_their_place(world):
    def edit(sheet):
        sheet.cell(5, 2, "Dragon")
        sheet.cell(6, 3, -2)
        sheet.cell(7, 4, 1.5)
        sheet.cell(8, 3, "=1+1")
        sheet.cell(1, 5, "Name")

    with pytest.raises(xl.SpreadsheetError) as error:
        sheets.victims_import(victims_file(world, edit=edit), age_groups_for(world.own))
    assert [p.cell for p in error.value.problems] == ["E1"]  # another template: stopped at the header
    with pytest.raises(xl.SpreadsheetError) as error:
        sheets.victims_import(
            victims_file(world, edit=lambda s: (s.cell(6, 3, -2), s.cell(7, 4, 1.5), s.cell(8, 3, "=1+1"))),
            age_groups_for(world.own),
        )
    assert {p.cell for p in error.value.problems} == {"C6", "D7", "C8"}


def test_merged_cells_are_refused(world):
    with pytest.raises(xl.SpreadsheetError, match="Merged"):
        sheets.victims_import(
            victims_file(world, edit=lambda s: s.merge_cells("A3:B3")), age_groups_for(world.own)
        )


def test_the_import_page_saves_a_good_file_and_nothing_of_a_bad_one(world, login):
    client = login(world.users["representative"])
    url = reverse("cases:victims_import", args=[world.period.pk, world.own_institution.pk])
    bad = io.BytesIO(victims_file(world, edit=unbalance))
    bad.name = "viktima.xlsx"
    versions = {"victim-version": 0, "potential-version": 0}  # as the page shows them
    response = client.post(url, {"file": bad, **versions})
    assert response.status_code == 400 and 'id="import-problems"' in response.content.decode()
    assert not VictimReport.objects.exists()
    good = io.BytesIO(victims_file(world))
    good.name = "viktima.xlsx"
    assert client.post(url, {"file": good, **versions}).status_code == 302
    assert VictimReport.objects.get(status="victim").total == 5


def street_file(world, rows):
    template = sheets.street_template_for(world.own, age_groups_for(world.own))

    def fill(sheet):
        for row in rows:
            sheet.append(row)

    return filled(xl.template_bytes(template), fill)


def test_street_import_saves_all_rows_or_none(world):
    municipality(world.own, "Durrës")
    municipality(world.own, "Elbasan")
    groups = age_groups_for(world.own)
    good = ["03.02.2018", "Durrës", "Plazhi", "Elbasan", "Begging", "No", "Returned to the family", 2, 0, 0]
    count = sheets.street_import(
        street_file(world, [good, good]),
        county=world.own,
        institution=world.own_institution,
        age_groups=groups,
    )
    assert count == 2 and StreetIntervention.objects.count() == 2
    bad_origin = [*good[:3], "Atlantis", *good[4:]]
    future = ["03.02.2031", *good[1:]]
    with pytest.raises(xl.SpreadsheetError) as error:
        sheets.street_import(
            street_file(world, [good, bad_origin]),
            county=world.own,
            institution=world.own_institution,
            age_groups=groups,
        )
    assert [p.cell for p in error.value.problems] == ["D3"]
    with pytest.raises(xl.SpreadsheetError) as error:
        sheets.street_import(
            street_file(world, [good, future]),
            county=world.own,
            institution=world.own_institution,
            age_groups=groups,
        )
    assert [p.cell for p in error.value.problems] == ["A3"] and "future" in error.value.problems[0].message
    assert StreetIntervention.objects.count() == 2


def employment_file(world, rows):
    template = sheets.employment_template_for(age_groups_for(world.own))

    def fill(sheet):
        for row in rows:
            sheet.append(row)

    return filled(xl.template_bytes(template), fill)


def test_employment_import_checks_every_stage(world):
    groups = age_groups_for(world.own)
    good = ["On economic aid", "Female", "18-24", 10, 8, 4, 2, 1, 3, 2, 2, 1]
    assert (
        sheets.employment_import(
            employment_file(world, [good]),
            period=world.period,
            institution=world.other_institution,
            age_groups=groups,
            expected_stamp=employment_stamp(period=world.period, institution=world.other_institution),
        )
        == 1
    )
    bad = ["On economic aid", "Male", "Unknown", 10, 12, 4, 2, 1, 3, 2, 2, 1]
    with pytest.raises(xl.SpreadsheetError) as error:
        sheets.employment_import(
            employment_file(world, [good, bad]),
            period=world.period,
            institution=world.other_institution,
            age_groups=groups,
            expected_stamp=employment_stamp(period=world.period, institution=world.other_institution),
        )
    assert [p.cell for p in error.value.problems] == ["E3"]
    assert EmploymentFunnel.objects.count() == 1


def test_templates_download(world, login):
    client = login(world.users["secretariat"])
    for name in ("cases:victims_template", "cases:street_template", "cases:employment_template"):
        response = client.get(reverse(name, args=[world.period.pk]))
        assert response["Content-Type"] == xl.XLSX_CONTENT_TYPE
        header = [c.value for c in load_workbook(io.BytesIO(response.content)).worksheets[0][1]]
        assert not any("name" in str(h).lower() or "birth" in str(h).lower() for h in header)


def test_dates_of_the_world(world):
    assert world.period.start_date == datetime.date(2018, 1, 1)


def test_street_import_accepts_durres_for_durres_only_where_it_is_unambiguous(world):
    durres = municipality(world.own, "Durrës")
    municipality(world.own, "Fushë-Krujë")
    municipality(world.own, "Fushe-Kruje")  # the same name, folded: "Fushe-Krujë" fits both
    groups = age_groups_for(world.own)
    good = ["03.02.2018", "DURRES", "Plazhi", "fushe-kruje", "Begging", "No", "Returned to the family", 2, 0, 0]  # fmt: skip
    count = sheets.street_import(
        street_file(world, [good]), county=world.own, institution=world.own_institution, age_groups=groups
    )
    saved = StreetIntervention.objects.get()
    assert count == 1 and saved.municipality == durres and saved.origin.name == "Fushe-Kruje"
    ambiguous = [*good[:3], "Fushe-Krujë", *good[4:]]
    with pytest.raises(xl.SpreadsheetError) as error:
        sheets.street_import(
            street_file(world, [ambiguous]),
            county=world.own,
            institution=world.own_institution,
            age_groups=groups,
        )
    assert error.value.messages == [
        "D2: “Fushe-Krujë” could be any of Fushe-Kruje, Fushë-Krujë: write it with its letters ë and ç."
    ]
    assert StreetIntervention.objects.count() == 1
