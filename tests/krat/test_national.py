"""Issue 21: the national roll-up of the twelve counties: the selector's numbers, the
suppression of the national totals, the readers' home, the page, the PDF and the XLSX."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from krat.geography import COUNTIES, slug_for
from krat.models import SubmissionState
from krat.report.national import NationalPeriod, national_periods, national_report, national_total
from krat.suppression import exact, hidden_cell
from tests.cases.factories import close_period, save_victims
from tests.factories import CountyFactory, InstitutionFactory, PeriodFactory
from tests.krat.access_cases import make_submission
from tests.krat.test_report import flat, pdf_text

pytestmark = pytest.mark.django_db

START = datetime.date(2018, 1, 1)
PREVIOUS = datetime.date(2017, 9, 1)
YEAR_EARLIER = datetime.date(2017, 1, 1)
#: The county with no period starting on START, and the one whose period is still open.
SILENT, OPEN = "Kukës", "Berat"


def _period(county, start: datetime.date, label: str):
    """The county's period from `start` (the `world`'s own when it has one)."""
    return county.periods.filter(start_date=start).first() or PeriodFactory(
        county=county,
        label=label,
        start_date=start,
        end_date=start + datetime.timedelta(days=119),
        deadline=start + datetime.timedelta(days=129),
    )


def build_counties(victims_per_county: int = 10) -> dict:
    """The twelve counties: each (but SILENT) with a period from START, closed (but OPEN's),
    one institution that reported `victims_per_county + i` victims and submitted; a
    previous period (from PREVIOUS) and one a year earlier in every county, closed, with
    5 victims each."""
    counties = {}
    for i, name in enumerate(sorted(COUNTIES)):
        county = CountyFactory(name=name, slug=slug_for(name))
        institution = InstitutionFactory(county=county, name=f"Drejtoria Vendore e Policisë {name}")
        for start, label in ((YEAR_EARLIER, "Janar – Prill 2017"), (PREVIOUS, "Shtator – Dhjetor 2017")):
            old = _period(county, start, label)
            save_victims(old, institution, 5)
            close_period(old)
        if name != SILENT:
            period = _period(county, START, "Janar – Prill 2018")
            save_victims(period, institution, victims_per_county + i, potential=4)
            make_submission(period, institution, SubmissionState.SUBMITTED)
            if name != OPEN:
                close_period(period)
        counties[name] = county
    return counties


# --- The national total's suppression ----------------------------------------------------------


def test_a_total_beside_one_hidden_county_cell_is_hidden():
    parts = [(exact(10), 3), (hidden_cell(2, 3), 3), (exact(7), 3)]
    total = national_total(parts)
    assert total.hidden and str(total) == "x"  # 19: "x", never 19 (19 − 17 = 2)


def test_a_total_beside_two_hidden_cells_that_keep_their_range_is_shown():
    # 1 + 2 = 3: either may be 1 or 2, as "< 3" promises.
    total = national_total([(exact(10), 3), (hidden_cell(1, 3), 3), (hidden_cell(2, 3), 3)])
    assert not total.hidden and total.value == 13


def test_a_total_that_pins_two_hidden_cells_is_hidden():
    # 1 + 1 = 2: both "< 3" would be 1.
    total = national_total([(exact(10), 3), (hidden_cell(1, 3), 3), (hidden_cell(1, 3), 3)])
    assert total.hidden


def test_a_total_of_no_value_is_no_value_not_zero():
    assert str(national_total([])) == "—" and national_total([]).value is None


def test_each_county_s_own_threshold_counts():
    # Under k = 5 a "< 5" of 4 beside another of 4: 8 − 4 = 4 leaves 3..4, not 1..4.
    total = national_total([(hidden_cell(4, 5), 5), (hidden_cell(4, 5), 5)])
    assert total.hidden


# --- The selector ----------------------------------------------------------------------------------


def counties_open_period():
    from krat.models import County

    return County.objects.get(name=OPEN).periods.get(start_date=START)


def test_every_county_appears_and_the_totals_are_the_sums_of_the_counties():
    build_counties()
    report = national_report(START, today=datetime.date(2018, 6, 1))
    rows = {row.county: row for row in report.rows}
    assert sorted(rows) == sorted(COUNTIES) and report.counties == 12 and report.reported == 11
    assert (
        not rows[SILENT].reported and str(rows[SILENT].figure("victims", report.headlines)) == "not reported"
    )
    assert rows[SILENT].submitted is None
    # An open period's case figures are "not yet published", not 0 and not left out.
    opened = rows[OPEN].figure("victims", report.headlines)
    assert opened.value is None or opened.hidden
    assert rows[OPEN].state == "open" and rows["Durrës"].state == "closed"
    # While one county's period is open, the national case totals wait for it: read before
    # and after it closes, they would give its figure away by subtraction.
    victims = report.total("victims").current
    assert str(victims.cell) == "not yet published" and (victims.counted, victims.of) == (10, 12)
    assert all(str(cell) == "not yet published" for table in report.breakdowns for cell in table.totals)
    assert report.total("meetings").current.cell.value is not None  # the table's own work is not held
    close_period(counties_open_period())
    report = national_report(START, today=datetime.date(2018, 6, 1))
    victims = report.total("victims").current
    shown = [cell for _name, cell in report.column("victims") if cell.value is not None and not cell.hidden]
    assert (
        victims.cell.value == sum(cell.value for cell in shown) and victims.counted == 11 and victims.of == 12
    )
    assert report.completeness.submitted == 11 and report.completeness.counted == 11
    # The comparisons: 12 counties × 5 victims in each earlier period.
    assert report.total("victims").previous.cell.value == 60
    assert report.total("victims").year_earlier.cell.value == 60
    assert report.previous_start == PREVIOUS and report.year_start == YEAR_EARLIER


def test_a_hidden_county_figure_hides_the_national_total():
    """Durrës reports 2 victims ("< 3"); every other county's figure is visible: the
    national total would give Durrës's away, so it is hidden too."""
    counties = build_counties()
    from cases.models import VictimReport

    period = counties["Durrës"].periods.get(start_date=START)
    period.is_closed = False
    period.save(update_fields=["is_closed"])
    VictimReport.objects.filter(period=period).delete()
    save_victims(period, period.county.institutions.first(), 2, potential=4)
    close_period(period)
    report = national_report(START)
    assert str(dict(report.column("victims"))["Durrës"]) == "< 3"
    assert report.total("victims").current.cell.hidden


def test_the_national_report_reads_a_fixed_number_of_queries():
    build_counties()
    with CaptureQueriesContext(connection) as queries:
        national_report(START)
    assert len(queries.captured_queries) <= 20


# --- The page, the home, the PDF and the workbook ------------------------------------------------


def national_page(client, start: datetime.date, silent: str) -> str:
    """The national page of `start` as `client` reads it after its first request: within 20
    queries, every county on it, and `silent`'s row "nuk ka raportuar" (not reported)."""
    url = reverse("krat:national_report", args=[start.isoformat()])
    client.get(url)  # the session's first request
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert len(queries.captured_queries) <= 20
    for name in COUNTIES:
        assert name in page
    row = page[page.find(f">{silent}</a>") :]
    assert "nuk ka raportuar" in row[: row.find("</tr>")]
    return page


def test_the_national_page_lists_every_county_within_twenty_queries(world, client):
    build_counties()
    client.force_login(world.users["national_observer"])
    url = reverse("krat:national_report", args=[START.isoformat()])
    page = national_page(client, START, SILENT)
    # The wide table is a labelled region reached by keyboard, with a visible cue.
    assert 'role="region" tabindex="0" aria-labelledby="national-table-caption"' in page
    assert 'id="national-table-cue"' in page
    assert "<svg" in page and "Totali kombëtar" in page
    # The map shades another figure when asked; an unknown one falls back.
    assert 'value="potential" selected' in client.get(url + "?harta=potential").content.decode()
    assert client.get(url + "?harta=%3Cscript%3E").status_code == 200


def test_the_list_of_national_reports_counts_each_period_s_counties_newest_first(world, client):
    build_counties()
    days = datetime.timedelta(days=119)
    assert national_periods() == [
        NationalPeriod(START, START + days, counties=len(COUNTIES) - 1, label="Janar – Prill 2018"),
        NationalPeriod(PREVIOUS, PREVIOUS + days, counties=len(COUNTIES), label="Shtator – Dhjetor 2017"),
        NationalPeriod(YEAR_EARLIER, YEAR_EARLIER + days, counties=len(COUNTIES), label="Janar – Prill 2017"),
    ]
    client.force_login(world.users["national_observer"])
    page = client.get(reverse("krat:national_report_list")).content.decode()
    assert (
        page.index("Janar – Prill 2018")
        < page.index("Shtator – Dhjetor 2017")
        < page.index("Janar – Prill 2017")
    )
    assert f"<td>{len(COUNTIES) - 1}</td>" in page


def test_the_national_reader_s_home_shows_the_current_period_of_all_counties(world, client):
    build_counties()
    client.force_login(world.users["national_observer"])
    client.get(reverse("health"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("krat:home"))
    assert response.status_code == 200 and len(queries.captured_queries) <= 20
    page = response.content.decode()
    assert "Janar – Prill 2018" in page
    for name in COUNTIES:
        assert name in page
    assert reverse("krat:dashboard", args=["durres"]) in page


def test_the_national_pdf_holds_every_county_and_its_parts(world, client):
    build_counties()
    client.force_login(world.users["national_observer"])
    response = client.get(
        reverse("krat:national_report_pdf", args=[START.isoformat()]) + "?lang=en&harta=potential"
    )
    assert response["Content-Type"] == "application/pdf"
    text = flat(pdf_text(response.content))
    for name in COUNTIES:
        assert name in text
    for part in (
        "Contents",
        "National totals",
        "The counties",
        "Charts",
        "Previous period",
        "A year earlier",
    ):
        assert part in text
    assert "Zyra e Koordinatorit Kombëtar" in text
    assert text.count("Not reported: the county has no reporting period") == 1


def test_the_national_workbook_has_typed_totals_equal_to_the_county_sums(world, client):
    from krat.models import FinalReport

    build_counties()
    pdf = b"%PDF-1.4 stand-in"
    FinalReport.objects.create(
        period=world.period,
        number=1,
        shared=True,
        created_by=world.users["chair"],
        sha256=FinalReport.checksum(pdf),
        size=len(pdf),
        pdf=pdf,
    )
    client.force_login(world.users["national_observer"])
    response = client.get(reverse("krat:national_report_xlsx", args=[START.isoformat()]) + "?lang=en")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "National totals",
        "Counties",
        "Sex",
        "Age group",
        "Form of exploitation",
        "Internal or cross-border",
    ]
    sex = list(book["Sex"].iter_rows(values_only=True))
    # The counties, the national total, then the previous period's and a year earlier's.
    assert sorted(row[0] for row in sex[1:-3]) == sorted(COUNTIES) and sex[-3][0] == "National total"
    assert sex[-2][0] == "Previous period (Shtator – Dhjetor 2017)"
    assert sex[-1][0] == "A year earlier (Janar – Prill 2017)"
    assert next(row for row in sex if row[0] == SILENT)[1:] == (None,) * (len(sex[0]) - 1)
    counties = list(book["Counties"].iter_rows(values_only=True))
    header = counties[0]
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in counties[1:]}
    assert sorted(rows) == sorted(COUNTIES)
    assert rows[SILENT]["Reported"] == "not reported" and rows[SILENT]["Identified victims"] is None
    # The state of each period, and the day a report was finalised as a date cell.
    assert rows["Durrës"]["State of the period"] == "report finalised"
    assert rows["Durrës"]["Report finalised on"].date() == timezone.localdate()
    assert rows["Fier"]["State of the period"] == "closed" and rows[OPEN]["State of the period"] == "open"
    finalised = next(c for c in book["Counties"][1] if c.value == "Report finalised on").column
    durres = next(r for r in book["Counties"].iter_rows(min_row=2) if r[0].value == "Durrës")
    assert durres[finalised - 1].is_date and durres[finalised - 1].number_format.lower() == "dd.mm.yyyy"
    totals = {row[0]: row for row in book["National totals"].iter_rows(values_only=True)}
    numbers = [r["Identified victims"] for r in rows.values() if isinstance(r["Identified victims"], int)]
    assert totals["Identified victims"][1] == "not yet published"  # Berat's period is open
    assert numbers
    assert totals["Identified victims"][2:4] == (10, 12)
    assert totals["Identified victims"][4] == 60 and totals["Identified victims"][6] == 60
    assert totals["Reports submitted"][1] == 11
    for sheet in book.worksheets:
        for line in sheet.iter_rows(min_row=2):
            for cell in line:
                assert not (isinstance(cell.value, str) and cell.value.replace("/", "").isdigit())


# --- The breakdowns: counties × categories with margins ------------------------------------------


def test_margins_hide_enough_that_no_hidden_county_cell_comes_back():
    """Two counties, each a total of two parts (a + b = t); the first county's a is 2,
    hidden ("< 3") with its b (else t − b gives it). Showing the national a would give 2
    back (national a − the second county's a); hiding it alone is not enough while the
    national b and total are shown (t − b). The margins hide what the audit asks."""
    from krat.disclosure import Figures, Judge, Line, Reader, hidden_keys
    from krat.suppression import Margin, cells_of, protect_margins

    def county(name, a, b):
        figures = Figures(
            name=(name,), values={"a": a, "b": b, "t": a + b}, lines=(Line(["a", "b"], "t"),), k=3
        )
        from krat.suppression import protect

        return figures, cells_of(figures, protect(figures))

    first, second = county("one", 2, 7), county("two", 5, 6)
    assert first[1]["a"].hidden and second[1]["a"].value == 5 and not second[1]["a"].hidden
    margins = [Margin(key=key, parts={"one": key, "two": key}) for key in ("a", "b", "t")]
    cells = protect_margins({"one": first, "two": second}, margins, [Line(["a", "b"], "t")])
    assert cells["a"].hidden
    assert cells["b"].hidden or cells["t"].hidden
    # Nothing published here pins the first county's a: check it as the audit does.
    values = {("one", k): v for k, v in first[0].values.items()} | {
        ("two", k): v for k, v in second[0].values.items()
    }
    values |= {("n", k): values[("one", k)] + values[("two", k)] for k in ("a", "b", "t")}
    lines = [Line([(n, "a"), (n, "b")], (n, "t")) for n in ("one", "two", "n")]
    lines += [Line([("one", k), ("two", k)], ("n", k)) for k in ("a", "b", "t")]
    figures = Figures(name=("all",), values=values, lines=tuple(lines), k=3)
    marks = {
        ("one", k): c.shown if not c.hidden else "small" if c.value < 3 else "large"
        for k, c in first[1].items()
    }
    marks |= {("two", k): c.value for k, c in second[1].items()}
    marks |= {
        ("n", k): ("small" if c.value < 3 else "large") if c.hidden else c.value for k, c in cells.items()
    }
    judge = Judge(figures, marks, Reader("observer"))
    assert all(judge.passes(key) for key in hidden_keys(marks))


def test_a_margin_no_county_entered_has_no_value():
    from krat.disclosure import Figures, Line
    from krat.suppression import Margin, cells_of, protect_margins

    figures = Figures(
        name=("one",),
        values={"a": 0, "b": 4, "t": 4},
        lines=(Line(["a", "b"], "t"),),
        k=3,
        absent=frozenset({"a"}),
    )
    cells = protect_margins(
        {"one": (figures, cells_of(figures, set()))}, [Margin(key="a", parts={"one": "a"})]
    )
    assert cells["a"].value is None and str(cells["a"]) == "—"


def test_the_victims_breakdowns_are_tables_of_every_county_with_protected_totals():
    """Durrës's 12 victims: 2 women (hidden "< 3"), 10 men; every other county's are
    unknown. The national "women" would give Durrës's 2 away: it is hidden, and so is
    enough of the rest of the line that it cannot be subtracted."""
    counties = build_counties()
    from cases.models import VictimReport

    period = counties["Durrës"].periods.get(start_date=START)
    period.is_closed = False
    period.save(update_fields=["is_closed"])
    VictimReport.objects.filter(period=period).delete()
    save_victims(period, period.county.institutions.first(), 12, potential=4, sex={"female": 2, "male": 10})
    close_period(period)
    close_period(counties_open_period())  # every county's period closed: the totals are published
    report = national_report(START)
    sex = next(b for b in report.breakdowns if b.key == "sex")
    assert [b.key for b in report.breakdowns] == ["sex", "age", "exploitation", "movement"]
    rows = {county: cells for county, cells, _total in sex.rows}
    assert sorted(rows) == sorted(COUNTIES)
    female = sex.categories.index("Female")
    assert str(rows["Durrës"][female]) == "< 3"
    assert sex.totals[female].hidden
    shown = [cell for cell in sex.totals if not cell.hidden]
    assert len(shown) < len(sex.totals) - 1 or sex.total.hidden
    assert all(str(cell) == "not reported" for cell in rows[SILENT])
    assert not any(str(cell) == "not yet published" for cell in rows[OPEN])  # closed now
    assert sex.total == report.total("victims").current.cell


def _durres_with_two_women():
    counties = build_counties()
    from cases.models import VictimReport

    period = counties["Durrës"].periods.get(start_date=START)
    period.is_closed = False
    period.save(update_fields=["is_closed"])
    VictimReport.objects.filter(period=period).delete()
    save_victims(period, period.county.institutions.first(), 12, potential=4, sex={"female": 2, "male": 10})
    close_period(period)
    close_period(counties_open_period())  # every county's period closed: the totals are published


def test_the_suppression_audit_covers_the_national_tables():
    """Every hidden count, a county's or a national margin's, keeps the range its mark
    promises beside everything the national tables publish."""
    from krat.report.national import national_audit

    _durres_with_two_women()
    checks = national_audit(START)
    assert checks and all(check.ok for check in checks), [c for c in checks if not c.ok]
    assert any(check.key[0] == "margin" for check in checks)  # a margin was hidden and audited


def test_the_audit_fails_national_totals_shown_beside_a_hidden_county_count():
    """The audit is not a formality: the same margins all shown give Durrës's 2 away."""
    from krat.report import national
    from krat.suppression import exact

    _durres_with_two_women()
    periods = national._periods(START)[START]
    _values, sets = national._figures(periods, datetime.date.today())
    problem = national._margins(dict(sets), national.headline_labels())
    figures = problem.protect()
    shown = {key: exact(cell.value) if cell.value is not None else cell for key, cell in figures.items()}
    assert not all(check.ok for check in problem.audit(shown))


def test_a_comparison_total_beside_a_hidden_county_count_is_hidden_too():
    counties = build_counties()
    from cases.models import VictimReport

    period = counties["Durrës"].periods.get(start_date=PREVIOUS)
    period.is_closed = False
    period.save(update_fields=["is_closed"])
    VictimReport.objects.filter(period=period).delete()
    save_victims(period, period.county.institutions.first(), 2)
    close_period(period)
    report = national_report(START)
    assert report.total("victims").previous.cell.hidden  # 57 would give Durrës's 2 away
    assert report.total("victims").year_earlier.cell.value == 60


def test_the_national_audit_command_prints_every_check_and_passes():
    from django.core.management import call_command

    _durres_with_two_women()
    out = io.StringIO()
    call_command("national_audit", "--start", START.isoformat(), stdout=out)
    assert "0 reveal(s) more than its mark." in out.getvalue() and "ok   ('margin'" in out.getvalue()


# --- The breakdowns' comparisons ------------------------------------------------------------------


def test_each_breakdown_compares_its_national_totals_with_the_previous_period_and_a_year_earlier(
    world, client
):
    build_counties()
    report = national_report(START)
    sex = next(table for table in report.breakdowns if table.key == "sex")
    previous, year = sex.comparisons
    assert (previous.name, previous.period, previous.counted, previous.of) == (
        "Previous period",
        "Shtator – Dhjetor 2017",
        12,
        12,
    )
    assert (year.name, year.period) == ("A year earlier", "Janar – Prill 2017")
    unknown = sex.categories.index("Unknown")
    # 12 counties × 5 victims, their sex not known; no value entered for another category
    # ("—", not 0), as in the period's own row.
    assert previous.totals[unknown].value == 60
    assert all(cell.value is None for i, cell in enumerate(previous.totals) if i != unknown)
    assert previous.total.value == 60 == report.total("victims").previous.cell.value
    client.force_login(world.users["national_observer"])
    page = client.get(reverse("krat:national_report", args=[START.isoformat()])).content.decode()
    assert page.count("Shtator – Dhjetor 2017") >= len(report.breakdowns)
    book = load_workbook(
        io.BytesIO(
            client.get(reverse("krat:national_report_xlsx", args=[START.isoformat()]) + "?lang=en").content
        )
    )
    rows = list(book["Sex"].iter_rows(values_only=True))
    compared = next(row for row in rows if str(row[0]).startswith("Previous period"))
    assert compared[1 + unknown] == 60 and compared[-1] == 60


def test_a_compared_breakdown_total_that_would_give_a_county_away_is_hidden():
    """Durrës's previous period: 2 women among 5. Every other county's victims are of
    unknown sex, so the national number of women then would be Durrës's 2."""
    counties = build_counties()
    from cases.models import VictimReport
    from krat.report.national import national_audit

    period = counties["Durrës"].periods.get(start_date=PREVIOUS)
    period.is_closed = False
    period.save(update_fields=["is_closed"])
    VictimReport.objects.filter(period=period).delete()
    save_victims(period, period.county.institutions.first(), 5, sex={"female": 2})
    close_period(period)
    sex = next(table for table in national_report(START).breakdowns if table.key == "sex")
    previous = sex.comparisons[0]
    assert previous.totals[sex.categories.index("Female")].hidden
    checks = national_audit(START)
    assert checks and all(check.ok for check in checks), [c for c in checks if not c.ok]


def test_a_compared_column_waits_too_while_one_of_its_periods_is_open():
    """The previous period reopened in one county: its national totals, and the breakdowns'
    compared row, read "not yet published" (subtracting two readings would give that county
    away); a year earlier's, all closed, stay numbers."""
    counties = build_counties()
    period = counties["Durrës"].periods.get(start_date=PREVIOUS)
    period.is_closed = False
    period.save(update_fields=["is_closed"])
    report = national_report(START)
    assert str(report.total("victims").previous.cell) == "not yet published"
    assert report.total("victims").year_earlier.cell.value == 60
    sex = next(table for table in report.breakdowns if table.key == "sex")
    previous, year = sex.comparisons
    assert all(str(cell) == "not yet published" for cell in previous.totals)
    assert year.totals[sex.categories.index("Unknown")].value == 60
