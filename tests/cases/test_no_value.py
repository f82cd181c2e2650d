"""No value is not zero (issue 16, point 1): a cell left empty is stored as no row or
NULL, opens empty, adds nothing, never prints 0 or "< k", and an institution that saved
nothing has not reported. "Nothing to report" stays the explicit answer."""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from cases.choices import VictimStatus
from cases.models import EmploymentFunnel, StreetChildCount, StreetIntervention, VictimCount, VictimReport
from cases.selectors.employment import employment_summary
from cases.selectors.figures import NOT_ENTERED
from cases.selectors.reporting import ReportingInstitution, reported_institutions
from cases.selectors.street import street_children_summary
from cases.selectors.victims import victims_summary
from cases.services.employment import employment_save
from cases.services.settings import age_groups_for
from krat.models import PeriodSubmission
from krat.submissions.parts import COMPLETE, MISSING, part_statuses
from krat.submissions.selectors import submission_board
from tests.actionplan.factories import ActivityFactory, PlanFactory, ProgressFactory
from tests.cases.factories import close_period, grid, intervention, municipality, save_victims
from tests.krat.test_report import flat, pdf_text

pytestmark = pytest.mark.django_db


def as_shown(form) -> dict:
    """What a browser sends back for `form` untouched: each field as the page shows it."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is False:  # an unticked box is not sent
            continue
        data[form[name].html_name] = "" if value is None else value
    return data


def part_state(world, institution, key: str) -> str:
    submission = PeriodSubmission(period=world.period, institution=institution)
    return {s.part.key: s.state for s in part_statuses([submission], {})[institution.pk]}[key]


def input_tag(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html).group(0)


# --- Victims --------------------------------------------------------------------------------------


@pytest.fixture
def victims_page(world, login):
    client = login(world.users["representative"])
    url = reverse("cases:victims_entry", args=[world.period.pk, world.own_institution.pk])

    def save(**changes):
        data = as_shown(client.get(url).context["form"])
        data.update(changes)
        response = client.post(url, data)
        assert response.status_code == 302, response.context["form"].errors
        return client.get(url)

    return save


def test_a_victims_cell_cleared_from_14_opens_empty_and_the_sums_follow(world, victims_page):
    victims_page(**{"victim-total": 14, "victim-sex-female": 10, "victim-sex-male": 4})
    response = victims_page(**{"victim-sex-male": ""})  # 4 → empty
    page = response.content.decode()
    form = response.context["form"]
    assert form["victim-sex-male"].value() is None
    assert "value=" not in input_tag(page, "victim-sex-male")
    assert 'value="10"' in input_tag(page, "victim-sex-female")
    report = VictimReport.objects.get(status=VictimStatus.VICTIM)
    assert (report.total, report.version) == (14, 2)
    assert {(c.category, c.count) for c in report.cells.filter(dimension="sex")} == {("female", 10)}
    # The history keeps what the cell held before it was emptied.
    assert VictimCount.history.filter(category="male", history_type="-").get().count == 4
    summary = victims_summary(world.own, world.period, suppressed=False)
    sex = {row.key: str(row.values[0]) for row in summary.statuses[0].dimensions[0].rows}
    assert sex == {"female": "10", "male": "—", "unknown": "—", NOT_ENTERED: "4"}
    assert str(summary.statuses[0].total[0]) == "14"


def test_the_total_cleared_from_14_is_no_value_and_not_reported(world, victims_page):
    victims_page(**{"victim-total": 14})
    response = victims_page(**{"victim-total": ""})
    assert response.context["form"]["victim-total"].value() is None
    report = VictimReport.objects.get(status=VictimStatus.VICTIM)
    assert (report.total, report.referred, report.version) == (None, None, 2)
    summary = victims_summary(world.own, world.period, suppressed=False)
    assert str(summary.statuses[0].total[0]) == "—"
    assert part_state(world, world.own_institution, "cases.victims") == MISSING
    assert summary.reporting == [
        ReportingInstitution(pk=world.own_institution.pk, name="Policia Durrës", reported=False)
    ]


def test_a_victims_grid_saved_untouched_stores_no_zero_and_has_not_reported(world, victims_page):
    response = victims_page()
    assert not VictimReport.objects.exists() and not VictimCount.objects.exists()
    assert "value=" not in input_tag(response.content.decode(), "victim-total")
    assert world.own_institution.pk not in reported_institutions(world.period, "victims")
    assert part_state(world, world.own_institution, "cases.victims") == MISSING
    row = next(
        r for r in submission_board(period=world.period).rows if r.institution == world.own_institution
    )
    assert "cases.victims" in [p.part.key for p in row.missing_parts]


def test_zeros_entered_are_zeros_and_report(world, victims_page):
    victims_page(**{"victim-total": 0})
    assert VictimReport.objects.get(status=VictimStatus.VICTIM).total == 0
    assert part_state(world, world.own_institution, "cases.victims") == COMPLETE
    summary = victims_summary(world.own, world.period, suppressed=False)
    assert [str(c) for c in summary.statuses[0].total[:1]] == ["0"]
    assert str(summary.statuses[1].total[0]) == "—"  # potential victims: nothing entered


def test_nothing_is_entered_without_the_total(world, login):
    client = login(world.users["representative"])
    url = reverse("cases:victims_entry", args=[world.period.pk, world.own_institution.pk])
    data = as_shown(client.get(url).context["form"])
    data["victim-sex-female"] = 3
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Enter the total" in str(response.context["form"]["victim-total"].errors)
    assert not VictimReport.objects.exists()


def test_a_no_value_is_never_a_hidden_count_nor_0_and_exports_as_an_empty_cell(world, login):
    save_victims(world.period, world.own_institution, 2, sex={"female": 2})  # male left empty
    summary = victims_summary(world.own, world.period, suppressed=True)
    sex = {row.key: row.values[0] for row in summary.statuses[0].dimensions[0].rows}
    assert str(sex["female"]) == "< 3" and sex["female"].hidden
    assert str(sex["male"]) == "—" and not sex["male"].hidden and sex["male"].shown is None
    close_period(world.period)  # the observer's exports give a published period only
    client = login(world.users["observer"])
    response = client.get(reverse("cases:victims_export", args=[world.period.pk, "xlsx"]))
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    male = next(r for r in rows if r[:3] == ("Identified victim", "Sex", "Male"))
    assert male[3] is None  # an empty cell, not 0 nor "< 3"
    text = client.get(reverse("cases:victims_export", args=[world.period.pk, "csv"])).content.decode(
        "utf-8-sig"
    )
    male = next(r for r in csv.reader(io.StringIO(text)) if r[:3] == ["Identified victim", "Sex", "Male"])
    assert male[3] == ""


# --- Employment ----------------------------------------------------------------------------------


@pytest.fixture
def employment_page(world, login):
    client = login(world.users["other_representative"])
    url = reverse("cases:employment_entry", args=[world.period.pk, world.other_institution.pk])

    def save(rows: dict[int, dict] | None = None, status: int = 302):
        page = client.get(url).context
        data = as_shown(page["formset"].management_form)
        data.update(as_shown(page["stamp_form"]))
        for form in page["formset"].forms:
            data.update(as_shown(form))
        for index, row in (rows or {}).items():
            data.update({f"form-{index}-{name}": value for name, value in row.items()})
        response = client.post(url, data)
        assert response.status_code == status, (
            response.context["errors"],
            response.context["formset"].errors,
        )
        return client.get(url) if status == 302 else response

    return save


def test_an_employment_stage_cleared_opens_empty_and_its_total_has_no_value(world, employment_page):
    employment_page({0: {"group": "economic_aid", "sex": "female", "received": 10, "interviewed": 4}})
    response = employment_page({0: {"interviewed": ""}})
    assert response.context["formset"].forms[0]["interviewed"].value() is None
    row = EmploymentFunnel.objects.get()
    assert (row.received, row.interviewed, row.employed) == (10, None, None)
    summary = employment_summary(world.own, world.period, suppressed=False)
    stages = {s.key: str(s.values[0]) for s in summary.stages}
    assert stages["received"] == "10"
    assert stages["interviewed"] == stages["employed"] == stages["assessed"] == "—"
    assert part_state(world, world.other_institution, "cases.employment") == COMPLETE


def test_an_employment_grid_saved_untouched_keeps_no_row_and_has_not_reported(world, employment_page):
    employment_page()
    assert not EmploymentFunnel.objects.exists()
    # A row of the grid with no stage entered holds nothing: it is not kept.
    employment_page({0: {"group": "economic_aid", "sex": "female"}})
    assert not EmploymentFunnel.objects.exists()
    assert part_state(world, world.other_institution, "cases.employment") == MISSING
    summary = employment_summary(world.own, world.period, suppressed=False)
    assert summary.has_data is False
    assert {str(s.values[0]) for s in summary.stages} == {"—"}


def save_partial_grid(world) -> None:
    """Two rows of the grid: one entered received 5 and interviewed 3, the other received 4
    and left interviewed empty (no value: not 0)."""
    employment_save(
        period=world.period,
        institution=world.other_institution,
        rows=[
            EmploymentFunnel(
                county=world.own,
                period=world.period,
                institution=world.other_institution,
                group="economic_aid",
                sex=sex,
                **stages,
            )
            for sex, stages in (("female", {"received": 5, "interviewed": 3}), ("male", {"received": 4}))
        ],
        expected_stamp=0,
    )


PARTIAL_NOTE = (
    "Të intervistuar: 1 rresht i tabelës nuk ka vlerë për këtë fazë; "
    "totali përfshin vetëm rreshtat që kanë vlerë."
)


def test_a_stage_total_over_part_of_the_rows_says_how_many_rows_have_no_value(world, client):
    """Found by an outside tester: a stage's total sums the rows that entered it, and when
    other rows left it empty nothing said that the total covers only part of the path."""
    save_partial_grid(world)
    stages = {s.key: s for s in employment_summary(world.own, world.period, suppressed=False).stages}
    assert (str(stages["interviewed"].values[0]), stages["interviewed"].rows_without_value) == ("3", 1)
    assert (str(stages["received"].values[0]), stages["received"].partial) == ("9", False)
    # A stage nobody entered has no value at all, and no note.
    for key in ("employed", "ready", "assessed"):
        assert (str(stages[key].values[0]), stages[key].rows_without_value) == ("—", 0), key
    client.force_login(world.users["secretariat"])
    page = flat(client.get(reverse("cases:employment", args=[world.period.pk])).content.decode())
    assert page.count(PARTIAL_NOTE) == 1 and "rreshta të tabelës" not in page
    preview = client.get(reverse("krat:report_preview", args=[world.period.pk]) + "?ndarje=0")
    assert PARTIAL_NOTE in flat(preview.content.decode())
    pdf = flat(pdf_text(client.get(reverse("krat:report_pdf", args=[world.period.pk]) + "?ndarje=0").content))
    assert PARTIAL_NOTE in pdf


def test_the_rows_without_value_are_noted_for_sharing_and_kept_out_of_the_export(world, client):
    save_partial_grid(world)
    close_period(world.period)  # published to the observer
    client.force_login(world.users["observer"])
    response = client.get(reverse("cases:employment", args=[world.period.pk]))
    assert response.context["summary"].suppressed
    assert PARTIAL_NOTE in flat(response.content.decode())
    text = client.get(reverse("cases:employment_export", args=[world.period.pk, "csv"])).content.decode(
        "utf-8-sig"
    )
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert "rresht" not in text
    assert next(r for r in rows if r[:3] == ["Gjithsej", "", "të intervistuar"])[3] == "3"


def test_an_employment_row_emptied_is_deleted(world, employment_page):
    employment_page({0: {"group": "economic_aid", "sex": "female", "received": 3}})
    assert EmploymentFunnel.objects.get().received == 3
    employment_page({0: {"received": ""}})  # the stored row comes first: it is form 0
    assert not EmploymentFunnel.objects.exists()
    assert part_state(world, world.other_institution, "cases.employment") == MISSING


def test_the_service_refuses_a_row_with_no_stage(world):
    with pytest.raises(ValidationError, match="Row 2: enter at least one stage, or delete the row"):
        employment_save(
            period=world.period,
            institution=world.other_institution,
            rows=[_row(world, received=2), _row(world, sex="male")],
            expected_stamp=0,
        )
    assert not EmploymentFunnel.objects.exists()


def _row(world, **stages):
    return EmploymentFunnel(
        county=world.own,
        period=world.period,
        institution=world.other_institution,
        **({"group": "economic_aid", "sex": "female"} | stages),
    )


@pytest.mark.parametrize(
    "stages",
    [
        {},  # no stage entered
        {"received": 3, "interviewed": 5},
        {"interviewed": 2, "ready": 2, "not_employable": 1},
        {"ready": 1, "referred_vacancy": 2},
        {"referred_vacancy": 1, "employed": 2},
        {"received": 10_001},
        {"employed": 10_001},
    ],
)
def test_the_database_refuses_a_stage_above_its_bound_where_both_are_entered(world, stages):
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(world, **stages).save()


@pytest.mark.parametrize(
    "stages",
    [
        {"interviewed": 5},  # received not entered: nothing bounds it
        {"received": 3, "ready": 4},  # interviewed not entered
        {"employed": 2, "referred_training": 0},
    ],
)
def test_a_stage_left_empty_bounds_nothing(world, stages):
    _row(world, **stages).full_clean()
    _row(world, **stages).save()


# --- Children in street situations -----------------------------------------------------------------


def test_a_street_count_cleared_opens_empty_and_the_children_follow(world, login):
    groups = [g for g in age_groups_for(world.own) if g.is_child]
    record = intervention(world.own, world.own_institution, datetime.date(2018, 2, 3), girls=3, boys=2)
    client = login(world.users["representative"])
    url = reverse("cases:street_edit", args=[record.pk])
    data = as_shown(client.get(url).context["form"])
    data[f"n-male-{groups[0].pk}"] = ""  # 2 → empty
    data["n-female-unknown"] = 0  # an entered zero stays a zero
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    record.refresh_from_db()
    assert record.children == 3
    assert {(c.sex, c.age_group_id, c.count) for c in record.counts.all()} == {
        ("female", groups[0].pk, 3),
        ("female", None, 0),
    }
    page = client.get(url)
    form = page.context["form"]
    assert form[f"n-male-{groups[0].pk}"].value() is None
    assert form["n-female-unknown"].value() == 0
    # The page the person sees, not only the form object (a tester found the inputs filled with 0).
    html = page.content.decode()
    assert 'value=""' in input_tag(html, f"n-male-{groups[0].pk}")
    assert 'value="0"' in input_tag(html, "n-female-unknown")
    blank = client.get(reverse("cases:street_create", args=[world.period.pk])).content.decode()
    assert 'value=""' in input_tag(blank, f"n-female-{groups[0].pk}")
    summary = street_children_summary(world.own, world.period, suppressed=False)
    female, male, _unknown = summary.sex_age
    assert [str(c) for c in female.values] == ["3", "—", "0"]
    assert [str(c) for c in male.values] == ["—", "—", "—"] and str(male.total) == "—"


def test_an_untouched_intervention_form_saves_nothing_and_has_not_reported(world, login):
    municipality(world.own)
    client = login(world.users["representative"])
    url = reverse("cases:street_create", args=[world.period.pk])
    data = as_shown(client.get(url).context["form"])
    data.update(
        {
            "date": "03.02.2018",
            "municipality": municipality(world.own).pk,
            "place": "Plazhi",
            "activity": "begging",
            "accompanied": "no",
            "action": "cpu",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Count at least one child" in str(response.context["form"].non_field_errors())
    assert not StreetIntervention.objects.exists() and not StreetChildCount.objects.exists()
    assert part_state(world, world.own_institution, "cases.street_children") == MISSING


# --- Action plan progress ------------------------------------------------------------------------


def test_progress_achieved_left_empty_stays_empty_on_the_page_in_the_pdf_and_the_workbook(world, client):
    plan = PlanFactory(county=world.own, year=2018)
    activity = ActivityFactory(
        objective__pillar__plan=plan, lead_institution=world.own_institution, code="2.1"
    )
    ProgressFactory(activity=activity, period=world.period, achieved=None)
    client.force_login(world.users["secretariat"])
    page = client.get(reverse("actionplan:activity_detail", args=[activity.pk])).content.decode()
    assert "/ 10 sesione" not in page  # "achieved x / target" is printed only with a value
    plan_page = client.get(reverse("actionplan:plan_detail", args=[plan.pk])).content.decode()
    assert "Sesione: 10 sesione" in flat(plan_page) and "0 / 10" not in plan_page
    pdf = flat(pdf_text(client.get(reverse("krat:report_pdf", args=[world.period.pk]) + "?ndarje=0").content))
    assert "— / 10 sesione" in pdf
    assert "0 / 10" not in pdf
    book = load_workbook(
        io.BytesIO(client.get(reverse("krat:report_xlsx", args=[world.period.pk]) + "?ndarje=0").content)
    )
    overdue = book.worksheets[-1]
    rows = list(overdue.iter_rows(min_row=2, values_only=True))
    assert rows == [
        ("2.1", activity.description, world.own_institution.name, rows[0][3], rows[0][4], None, 10, "sesione")
    ]
    # An achieved value given prints as given, 0 included.
    activity.progress_reports.update(achieved=Decimal(0))
    pdf = flat(pdf_text(client.get(reverse("krat:report_pdf", args=[world.period.pk]) + "?ndarje=0").content))
    assert "0 / 10 sesione" in pdf and "— / 10" not in pdf


def test_an_event_held_without_people_reached_is_no_value_and_the_total_says_so(world, client):
    """Found by a tester: an event held with no figure of people reached printed 0 and the
    total read as complete."""
    from actionplan.choices import EventStatus
    from tests.actionplan.factories import EventFactory

    EventFactory(county=world.own, date=datetime.date(2018, 2, 1), status=EventStatus.HELD, people_reached=40)
    EventFactory(
        county=world.own, date=datetime.date(2018, 3, 1), status=EventStatus.HELD, people_reached=None
    )
    client.force_login(world.users["secretariat"])
    page = flat(
        client.get(reverse("krat:report_preview", args=[world.period.pk]) + "?ndarje=0").content.decode()
    )
    awareness = page.split('id="awareness"', 1)[1].split("</section>", 1)[0]
    assert "2 aktivitete të zhvilluara, 40 persona të arritur." in awareness
    assert (
        "1 aktivitet i zhvilluar nuk ka shifër të personave të arritur: nuk është në këtë total." in awareness
    )
    assert '<td class="num">—</td>' in awareness and '<td class="num">0</td>' not in awareness
    # The national report does not count it as 0 either: the county's 40 stands alone.
    from krat.report.selectors import national_report

    report = national_report(world.period.start_date)
    assert dict(report.column("reached"))[world.own.name].value == 40


def test_grid_helper_still_builds_incomplete_breakdowns():
    built = grid(3)
    assert built.cells[("sex", "unknown")] == 3 and ("sex", "female") not in built.cells


def test_nothing_to_report_stays_the_explicit_answer_beside_an_empty_grid(world, victims_page):
    from krat.submissions import services
    from krat.submissions.parts import NOTHING_TO_REPORT

    victims_page()  # saved with nothing entered: not an answer
    row = next(
        r for r in submission_board(period=world.period).rows if r.institution == world.own_institution
    )
    assert {p.part.key: p.state for p in row.parts}["cases.victims"] == MISSING
    submission = services.submission_open(period=world.period, institution=world.own_institution)
    services.submission_save_draft(
        submission=submission,
        user=world.users["representative"],
        expected_version=1,
        nothing_to_report_parts={"cases.victims"},
    )
    row = next(
        r for r in submission_board(period=world.period).rows if r.institution == world.own_institution
    )
    assert {p.part.key: p.state for p in row.parts}["cases.victims"] == NOTHING_TO_REPORT


# --- Comparisons (issue 16, point 5) ---------------------------------------------------------------


def test_a_comparison_period_with_nothing_entered_is_no_value_not_0(world, client):
    """The previous period and the year-earlier one exist but nobody entered anything in
    them: their columns say "—" beside this period's figures, in the summaries and the report."""
    from tests.factories import PeriodFactory

    previous = PeriodFactory(
        county=world.own,
        label="Shtator – Dhjetor 2017",
        start_date=datetime.date(2017, 9, 1),
        end_date=datetime.date(2017, 12, 31),
        deadline=datetime.date(2018, 1, 10),
    )
    year_earlier = PeriodFactory(
        county=world.own,
        label="Janar – Prill 2017",
        start_date=datetime.date(2017, 1, 1),
        end_date=datetime.date(2017, 4, 30),
        deadline=datetime.date(2017, 5, 10),
    )
    save_victims(world.period, world.own_institution, 4, sex={"female": 1, "male": 3})
    intervention(world.own, world.own_institution, datetime.date(2018, 2, 1), girls=2)

    victims = victims_summary(world.own, world.period, suppressed=False)
    assert (victims.previous.pk, victims.year_earlier.pk) == (previous.pk, year_earlier.pk)
    total = victims.statuses[0].total
    assert [c.value for c in total] == [4, None, None]
    assert [str(c) for c in total[1:]] == ["—", "—"]
    for dimension in victims.statuses[0].dimensions:
        for row in dimension.rows:
            assert all(c is None or c.value != 0 for c in row.values[1:]), (dimension.key, row.key)

    street = street_children_summary(world.own, world.period, suppressed=False)
    assert [None if c is None else c.value for c in street.interventions_compare][1:] == [None, None]

    employment = employment_summary(world.own, world.period, suppressed=False)
    for stage in employment.stages:
        assert [c.value for c in stage.values[1:]] == [None, None], stage.key

    client.force_login(world.users["secretariat"])
    page = client.get(reverse("krat:report_preview", args=[world.period.pk]))
    assert page.status_code == 200
    victims = flat(page.content.decode()).split('id="victims"', 1)[1]
    assert 'Gjithsej</th><td class="num">4</td><td class="num">—</td><td class="num">—</td>' in victims
    # The chart beside the table reads the empty periods as the table prints them.
    description = victims.split("<desc>", 1)[1].split("</desc>", 1)[0]
    assert description == (
        "Viktimë e identifikuar: Janar – Prill 2018 4, Shtator – Dhjetor 2017 —, Janar – Prill 2017 —; "
        "Viktimë e mundshme: Janar – Prill 2018 0, Shtator – Dhjetor 2017 —, Janar – Prill 2017 —"
    )  # 0 potential victims were entered for this period: a true 0


def test_the_employment_exports_compare_every_row_and_empty_means_no_value(world, client):
    """Found by a tester: the breakdown rows of the employment export left the compared
    periods' cells empty although those periods had the figures."""
    from tests.factories import PeriodFactory

    previous = PeriodFactory(
        county=world.own,
        label="Shtator – Dhjetor 2017",
        start_date=datetime.date(2017, 9, 1),
        end_date=datetime.date(2017, 12, 31),
        deadline=datetime.date(2018, 1, 10),
    )
    for period, received in ((previous, 7), (world.period, 5)):
        employment_save(
            period=period,
            institution=world.other_institution,
            rows=[
                EmploymentFunnel(
                    county=world.own,
                    period=period,
                    institution=world.other_institution,
                    group="economic_aid",
                    sex="female",
                    received=received,
                )
            ],
            expected_stamp=0,
        )
    client.force_login(world.users["secretariat"])
    text = client.get(reverse("cases:employment_export", args=[world.period.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig")), delimiter=";"))
    female = next(r for r in rows if r[:3] == ["Gjinia", "Femër", "të pritur"])
    assert female[3:] == ["5", "7", ""]  # the previous period's figure; no year-earlier period
    book = load_workbook(
        io.BytesIO(
            client.get(reverse("krat:report_xlsx", args=[world.period.pk]) + "?ndarje=0&lang=en").content
        )
    )
    sheet = book["Employment"]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "Sex: Female" and r[2] == 5)
    assert row[3] == 7
