"""The period coordination report (issue 7): data, PDF, workbook, finalisation, safety."""

from __future__ import annotations

import datetime
import io
import re
import subprocess
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from cases.choices import VictimStatus
from cases.models import EmploymentFunnel, StreetIntervention, VictimReport
from krat.choices import Role
from krat.models import County, DownloadLog, FinalReport, PeriodReport, ReportingPeriod, SubmissionState, User
from krat.report import selectors, services
from tests.cases.factories import close_period
from tests.factories import CountyFactory, InstitutionFactory, PeriodFactory, UserFactory
from tests.krat.access_cases import make_submission

pytestmark = pytest.mark.django_db

EVIL = '<img src="file:///etc/passwd"> <img src="http://127.0.0.1:1/x.png"> <script>alert(1)</script>'


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())
    county = County.objects.get(slug="durres")
    period = (
        ReportingPeriod.objects.filter(
            county=county,
            pk__in=VictimReport.objects.values("period_id"),
            start_date__lte=datetime.date.today(),
        )
        .order_by("-start_date")
        .first()
    )
    return county, period


def _user(username: str) -> User:
    return User.objects.get(username=username)


def test_the_pdf_holds_every_section_in_order_with_the_database_figures(demo, client):
    county, period = demo
    client.force_login(_user("sekretaria"))
    response = client.get(reverse("krat:report_pdf", args=[period.pk]) + "?ndarje=0")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = flat(pdf_text(response.content))
    with translation.override("sq"):
        titles = selectors.section_titles()
    positions = [
        text.find(f"{number}. {titles[key]}", text.find("Përmbajtja") + 400)
        for number, key in [(i + 1, s.key) for i, s in enumerate(selectors.sections())]
    ]
    assert -1 not in positions, positions
    assert positions == sorted(positions)
    # The table of contents carries page numbers.
    assert re.search(r"1\. " + re.escape(titles["summary"]) + r" \d+", text)
    # Albanian letters survive.
    assert "Durrës" in text and "Fëmijët" in text and "ç" in text
    # Figures equal the database's.
    victims = VictimReport.objects.filter(period=period, status=VictimStatus.VICTIM).aggregate(
        n=Sum("total")
    )["n"]
    children = StreetIntervention.objects.filter(period=period).aggregate(n=Sum("children"))["n"]
    received = EmploymentFunnel.objects.filter(period=period).aggregate(n=Sum("received"))["n"]
    victims_part = text[text.find(f"4. {titles['victims']}", 500) :]
    assert re.search(rf"Gjithsej {victims}\b", victims_part)
    if children:
        assert re.search(rf"\b{children}\b", text[text.find(f"5. {titles['street']}", 500) :])
    assert re.search(rf"të pritur {received}\b", text)
    assert "Faqja 2 nga" in text
    assert 4 <= page_count(response.content) <= 40
    assert DownloadLog.objects.filter(county=county, user__username="sekretaria").exists()


def test_english_on_request(demo, client):
    _county, period = demo
    client.force_login(_user("kryetari"))
    text = flat(pdf_text(client.get(reverse("krat:report_pdf", args=[period.pk]) + "?lang=en").content))
    assert "Coordination report" in text and "Page 2 of" in text
    assert "1. Summary of the secretariat" in text


def test_a_period_without_data_gives_a_complete_honest_report(client):
    county = CountyFactory(name="Kukës", slug="kukes")
    period = PeriodFactory(
        county=county,
        label="Janar – Prill 2030",
        start_date=datetime.date(2030, 1, 1),
        end_date=datetime.date(2030, 4, 30),
        deadline=datetime.date(2030, 5, 10),
    )
    user = UserFactory(role=Role.SECRETARIAT, county=county)
    client.force_login(user)
    report = selectors.period_report(county, period, shared=True)
    assert not any(report.data[s.key].has_data for s in selectors.sections())
    response = client.get(reverse("krat:report_pdf", args=[period.pk]))
    text = flat(pdf_text(response.content))
    assert text.count("Nuk ka të dhëna të raportuara") >= 8
    assert client.get(reverse("krat:report_preview", args=[period.pk])).status_code == 200
    assert client.get(reverse("krat:report_xlsx", args=[period.pk])).status_code == 200


def test_user_text_prints_as_text_and_nothing_outside_is_fetched(world, client):
    period = world.period
    PeriodReport.objects.create(period=period, summary="Përmbledhje " + EVIL)
    make_submission(period, world.own_institution, SubmissionState.SUBMITTED, results="Rezultate " + EVIL)
    client.force_login(world.users["secretariat"])
    import krat.pdf

    with mock.patch.object(krat.pdf, "local_path_for", wraps=krat.pdf.local_path_for) as spy:
        response = client.get(reverse("krat:report_pdf", args=[period.pk]))
    asked = [str(call.args[0]) for call in spy.call_args_list]
    assert not [url for url in asked if "passwd" in url or "127.0.0.1" in url], asked
    text = flat(pdf_text(response.content))
    assert 'Përmbledhje <img src="file:///etc/passwd">' in text
    assert 'Rezultate <img src="file:///etc/passwd"> <img src="http://127.0.0.1:1/x.png">' in text
    page = client.get(reverse("krat:report_preview", args=[period.pk])).content.decode()
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in page
    assert '<img src="file:///etc/passwd">' not in page


def test_the_chair_finalises_and_the_stored_pdf_never_changes(world, client):
    period = world.period
    chair = world.users["chair"]
    client.force_login(chair)
    url = reverse("krat:report_finalise", args=[period.pk])
    response = client.post(url, {"language": "sq", "confirmed": "on"})
    assert response.status_code == 302
    final = FinalReport.objects.get(period=period)
    assert final.number == 1 and final.is_intact and final.created_by == chair
    first = client.get(reverse("krat:final_report_download", args=[final.pk])).content
    assert FinalReport.checksum(first) == final.sha256
    # The data change afterwards: the stored report does not.
    services.report_summary_save(period=period, summary="Tekst i ri pas finalizimit", expected_version=None)
    again = client.get(reverse("krat:final_report_download", args=[final.pk])).content
    assert again == first
    assert "Tekst i ri" not in pdf_text(again)
    # A second version needs a reason.
    client.post(url, {"language": "sq", "confirmed": "on"})
    assert FinalReport.objects.filter(period=period).count() == 1
    client.post(url, {"language": "sq", "reason": "U korrigjua përmbledhja", "confirmed": "on"})
    second = FinalReport.objects.get(period=period, number=2)
    assert "Tekst i ri" in pdf_text(bytes(second.pdf))


def test_a_version_for_sharing_waits_for_the_period_to_close(world, client):
    """Found by a tester: the chair could finalise a version for sharing of an open period,
    a document for good whose case sections read "not yet published" (or, had they been
    printed, figures that could still change, for readers outside the table)."""
    from django.core.exceptions import ValidationError

    period = world.period
    client.force_login(world.users["chair"])
    url = reverse("krat:report_finalise", args=[period.pk])
    preview = client.get(reverse("krat:report_preview", args=[period.pk]) + "?ndarje=1").content.decode()
    checkbox = re.search(r'<input[^>]*name="shared"[^>]*>', preview).group(0)
    assert "disabled" in checkbox and "checked" not in checkbox
    assert "pasi periudha të mbyllet" in preview
    response = client.post(url, {"language": "sq", "shared": "on", "confirmed": "on"}, follow=True)
    assert "pasi periudha të mbyllet" in response.content.decode()
    assert not FinalReport.objects.exists()
    with pytest.raises(ValidationError) as refused:
        services.final_report_create(
            period=period, user=world.users["chair"], pdf=b"%PDF-1.4", shared=True, language="sq"
        )
    assert refused.value.error_dict["shared"][0].code == "shared_before_close"
    # The version for the table may be finalised at any time; the one for sharing once closed.
    assert client.post(url, {"language": "sq", "confirmed": "on"}).status_code == 302
    close_period(period)
    client.post(url, {"language": "sq", "shared": "on", "reason": "Për ndarje", "confirmed": "on"})
    assert list(FinalReport.objects.order_by("number").values_list("shared", flat=True)) == [False, True]


def test_finalising_first_shows_what_the_report_lacks_and_stores_nothing(world, client):
    """Issue 20.5: finalising with 3 of 13 reports in and an empty summary went through
    without a word. The chair now reads what the report lacks, then confirms."""
    period = world.period
    make_submission(period, world.own_institution, SubmissionState.SUBMITTED)
    client.force_login(world.users["chair"])
    url = reverse("krat:report_finalise", args=[period.pk])
    page = client.post(url, {"language": "en", "reason": ""}, HTTP_ACCEPT_LANGUAGE="sq")
    assert page.status_code == 200 and not FinalReport.objects.exists()
    text = " ".join(page.content.decode().split())
    assert "Vetëm 1 nga 2 institucione anëtare e kanë dorëzuar raportin." in text
    assert "Përmbledhja e sekretarisë është bosh." in text
    assert "Periudha është ende e hapur" in text
    assert 'name="confirmed" value="on"' in text and 'name="language" value="en"' in text
    # Confirmed, it is stored, in the language chosen on the first page.
    assert client.post(url, {"language": "en", "confirmed": "on"}).status_code == 302
    assert FinalReport.objects.get(period=period).language == "en"


def test_a_complete_report_is_finalised_after_a_plain_confirmation(world, client):
    period = world.period
    for institution in (world.own_institution, world.other_institution):
        make_submission(period, institution, SubmissionState.APPROVED)
    services.report_summary_save(period=period, summary="Përmbledhja.", expected_version=None)
    close_period(period)
    client.force_login(world.users["chair"])
    page = client.post(reverse("krat:report_finalise", args=[period.pk]), {"language": "sq"})
    text = " ".join(page.content.decode().split())
    assert "Para se ta finalizoni" not in text and "Finalizo raportin" in text


def test_only_the_chair_finalises(world, client):
    client.force_login(world.users["secretariat"])
    assert client.post(reverse("krat:report_finalise", args=[world.period.pk])).status_code == 403
    assert not FinalReport.objects.exists()


def test_a_tampered_pdf_is_not_sent(world, client):
    final = services.final_report_create(
        period=world.period, user=world.users["chair"], pdf=b"%PDF-1.4 a", shared=False, language="sq"
    )
    FinalReport.objects.filter(pk=final.pk).update(pdf=b"%PDF-1.4 b")
    client.force_login(world.users["secretariat"])
    assert client.get(reverse("krat:final_report_download", args=[final.pk])).status_code == 500


def test_the_summary_is_edited_with_optimistic_locking(world, client):
    client.force_login(world.users["secretariat"])
    url = reverse("krat:report_summary_edit", args=[world.period.pk])
    assert client.post(url, {"summary": "Parë"}).status_code == 302
    report = PeriodReport.objects.get(period=world.period)
    assert report.summary == "Parë" and report.version == 1
    assert client.post(url, {"summary": "Dytë", "version": 1}).status_code == 302
    stale = client.post(url, {"summary": "Tretë", "version": 1})
    assert stale.status_code == 400
    assert PeriodReport.objects.get(period=world.period).summary == "Dytë"


def test_observers_always_get_the_shared_version(world, client):
    from tests.cases.factories import save_victims

    save_victims(world.period, world.own_institution, victims=2, potential=9)
    client.force_login(world.users["observer"])
    page = client.get(reverse("krat:report_preview", args=[world.period.pk]) + "?ndarje=0").content.decode()
    assert "&lt; 3" in page
    client.force_login(world.users["secretariat"])
    page = client.get(reverse("krat:report_preview", args=[world.period.pk]) + "?ndarje=0").content.decode()
    assert "&lt; 3" not in page


def test_the_workbook_opens_and_its_sums_match(demo, client):
    _county, period = demo
    client.force_login(_user("sekretaria"))
    response = client.get(reverse("krat:report_xlsx", args=[period.pk]) + "?ndarje=0")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) >= 8
    sheet = book.worksheets[2]  # victims
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    with translation.override("sq"):
        victim_label = str(VictimStatus.VICTIM.label)
    total = next(r[3] for r in rows if r[0] == victim_label and r[1] == "Gjithsej")
    expected = VictimReport.objects.filter(period=period, status=VictimStatus.VICTIM).aggregate(
        n=Sum("total")
    )["n"]
    assert total == expected
    by_sex = [r[3] for r in rows if r[0] == victim_label and r[1] == "Gjinia"]
    assert sum(by_sex) == expected
    with translation.override("sq"):
        employment = book[gettext("Employment")]
    received = next(r[2] for r in employment.iter_rows(min_row=2, values_only=True) if r[1] == "të pritur")
    assert received == EmploymentFunnel.objects.filter(period=period).aggregate(n=Sum("received"))["n"]


def test_the_report_reads_the_same_number_of_queries_with_ten_times_more_data(world):
    from tests.actionplan.factories import EventFactory
    from tests.meetings.factories import DecisionFactory, MeetingFactory, aware

    period = world.period

    def grow(n):
        for i in range(n):
            institution = InstitutionFactory(county=world.own, name=f"Shtesë {n}-{i}")
            make_submission(period, institution, SubmissionState.SUBMITTED)
            meeting = MeetingFactory(
                county=world.own, starts_at=aware(period.start_date + datetime.timedelta(days=i))
            )
            DecisionFactory(meeting=meeting, responsible=institution)
            EventFactory(
                county=world.own, organiser=institution, date=period.end_date + datetime.timedelta(days=i + 1)
            )

    grow(2)
    selectors.period_report(world.own, period, shared=True)  # one-off set-up (default age groups)
    with CaptureQueriesContext(connection) as small:
        selectors.period_report(world.own, period, shared=True)
    grow(20)
    with CaptureQueriesContext(connection) as big:
        selectors.period_report(world.own, period, shared=True)
    assert len(big.captured_queries) == len(small.captured_queries)
    with CaptureQueriesContext(connection) as national:
        selectors.national_report(period.start_date)
    assert len(national.captured_queries) <= 15


def test_the_national_report_has_a_row_per_county(world, client):
    client.force_login(world.users["national_observer"])
    start = world.period.start_date.isoformat()
    page = client.get(reverse("krat:national_report", args=[start])).content.decode()
    assert "Durrës" in page and "Vlorë" in page
    text = pdf_text(client.get(reverse("krat:national_report_pdf", args=[start])).content)
    assert "Durrës" in text and "Vlorë" in text
    assert client.get(reverse("krat:national_report", args=["2001-01-01"])).status_code == 404
    assert client.get(reverse("krat:national_report", args=["jo-date"])).status_code == 404


def test_the_national_workbook_writes_submissions_as_two_numbers(world, client):
    """Not "1/2" as text: the reports submitted and the member institutions, each a number."""
    make_submission(world.period, world.own_institution, SubmissionState.SUBMITTED)
    client.force_login(world.users["national_observer"])
    response = client.get(
        reverse("krat:national_report_xlsx", args=[world.period.start_date.isoformat()]) + "?lang=en"
    )
    sheet = load_workbook(io.BytesIO(response.content))["Counties"]
    header = [c.value for c in sheet[1]]
    rows = {row[0].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)}
    own = rows["Durrës"]
    assert own["Reports submitted"].value == 1 and own["Reports submitted"].data_type == "n"
    assert own["Member institutions"].value == 2 and own["Member institutions"].data_type == "n"
    assert rows["Vlorë"]["Reports submitted"].value == 0
    assert not any(isinstance(c.value, str) and re.fullmatch(r"\d+/\d+", c.value) for r in sheet for c in r)


def test_the_report_workbook_writes_dates_as_date_cells(world, client):
    make_submission(world.period, world.own_institution, SubmissionState.SUBMITTED)
    client.force_login(world.users["secretariat"])
    response = client.get(reverse("krat:report_xlsx", args=[world.period.pk]) + "?ndarje=0")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]  # institutions
    submitted = next(row[2] for row in sheet.iter_rows(min_row=2) if row[0].value == "Policia Durrës")
    assert submitted.is_date and submitted.number_format.lower() == "dd.mm.yyyy"
    assert submitted.value.date() == world.period.deadline


def test_the_shared_street_chart_draws_no_small_number(world):
    from tests.cases.factories import intervention

    intervention(world.own, world.own_institution, datetime.date(2018, 1, 10), girls=1)
    intervention(world.own, world.own_institution, datetime.date(2018, 2, 10), girls=6, boys=3)
    intervention(world.own, world.own_institution, datetime.date(2018, 3, 10), girls=5, boys=4)
    exact = selectors.period_report(world.own, world.period, shared=False).data["street"].summary.chart
    shared = selectors.period_report(world.own, world.period, shared=True).data["street"].summary.chart
    assert "Children 1;" in str(exact.svg)
    assert "Children 1;" not in str(shared.svg)
    # The hidden month has no bar and reads as its table cell does.
    assert "Jan 2018: Children &lt; 3;" in str(shared.svg)


def test_a_representative_gets_403_and_another_county_404(world, client):
    client.force_login(world.users["representative"])
    assert client.get(reverse("krat:report_pdf", args=[world.period.pk])).status_code == 403
    client.force_login(world.users["secretariat"])
    assert client.get(reverse("krat:report_pdf", args=[world.foreign_period.pk])).status_code == 404
    assert client.get(reverse("krat:report_xlsx", args=[world.foreign_period.pk])).status_code == 404


def _meeting(county, title: str, day: datetime.date, status: str):
    from meetings.models import Meeting

    return Meeting.objects.create(
        county=county,
        title=title,
        starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))),
        status=status,
    )


def test_only_meetings_that_took_place_are_listed_as_held(world):
    """A meeting still planned inside the period is not "held" (the period may be running);
    it is listed apart. A cancelled one is not listed at all (issue 16, point 5)."""
    from meetings.choices import MeetingStatus

    period = world.period
    _meeting(
        world.own, "Mbledhja e mbajtur", period.start_date + datetime.timedelta(days=10), MeetingStatus.HELD
    )
    _meeting(world.own, "Mbledhja e planifikuar", period.end_date, MeetingStatus.PLANNED)
    _meeting(world.own, "Mbledhja e anuluar", period.start_date, MeetingStatus.CANCELLED)
    report = selectors.period_report(world.own, period, shared=False)
    assert [m.title for m in report.data["meetings"].rows] == ["Mbledhja e mbajtur"]
    assert [m.title for m in report.data["meetings"].planned] == ["Mbledhja e planifikuar"]
    national = selectors.national_report(period.start_date)
    assert dict(national.column("meetings"))["Durrës"].value == 1


def test_the_finalised_versions_are_listed_newest_first_and_the_tables_only_to_exact_readers(world):
    period = world.period
    chair = world.users["chair"]
    chair.first_name, chair.last_name = "Agron", "Meçaj"
    chair.save()
    services.final_report_create(
        period=period, user=chair, pdf=b"%PDF-1.4 tryeza", shared=False, language="sq"
    )
    close_period(period)
    services.final_report_create(
        period=period, user=chair, pdf=b"%PDF-1.4 ndarje", shared=True, language="en", reason="Për ndarje"
    )
    exact = selectors.final_versions(period, exact=True)
    assert [(v.number, v.shared, v.language) for v in exact] == [(2, True, "en"), (1, False, "sq")]
    newest = exact[0]
    assert (newest.created_by_name, newest.reason, newest.size) == ("Agron Meçaj", "Për ndarje", 15)
    assert newest.sha256 == FinalReport.checksum(b"%PDF-1.4 ndarje")
    assert [v.number for v in selectors.final_versions(period, exact=False)] == [2]


def test_the_contents_and_the_headings_number_from_one(world):
    report = selectors.period_report(world.own, world.period, shared=False)
    assert [s.number for s in report.sections] == list(range(1, len(selectors.sections()) + 1))
    assert report.numbers["summary"] == 1


def test_a_county_without_the_period_reads_not_reported_everywhere(world, client):
    """Every county is listed in the national report; one with no period starting on that
    day reads "not reported" on the page, in the PDF and in the workbook (empty cells,
    not 0) — it does not vanish (issue 16, point 5)."""
    CountyFactory(name="Kukës", slug="kukes")
    # Durrës's period closed: its figures are published, carried and logged (an open one
    # reads "not yet published" and carries none: tests/security/test_publication.py).
    close_period(world.period)
    start = world.period.start_date
    report = selectors.national_report(start)
    rows = {row.county: row for row in report.rows}
    assert set(rows) == set(County.objects.values_list("name", flat=True))
    assert rows["Kukës"].reported is False
    assert all(cell.value is None and str(cell) == "not reported" for cell in rows["Kukës"].figures)
    client.force_login(world.users["national_observer"])
    page = client.get(reverse("krat:national_report", args=[start.isoformat()]) + "?lang=en").content.decode()
    kukes = page[page.find("Kukës") :]
    assert "nuk ka raportuar" in kukes[: kukes.find("</tr>")]
    pdf = client.get(reverse("krat:national_report_pdf", args=[start.isoformat()]) + "?lang=en").content
    text = flat(
        subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    )
    assert "Kukës" in text and text.count("Not reported: the county has no reporting period") == 1
    sheet = load_workbook(
        io.BytesIO(
            client.get(reverse("krat:national_report_xlsx", args=[start.isoformat()]) + "?lang=en").content
        )
    )["Counties"]
    header = [c.value for c in sheet[1]]
    kukes_row = dict(
        zip(header, next(r for r in sheet.iter_rows(values_only=True) if r[0] == "Kukës"), strict=True)
    )
    assert kukes_row["Reported"] == "not reported"
    assert kukes_row["Identified victims"] is None and kukes_row["Reports submitted"] is None
    # The downloads are logged in each county whose figures they carry; Kukës's carried none.
    assert DownloadLog.objects.filter(county=world.own).count() == 2
    assert not DownloadLog.objects.filter(county__name="Kukës").exists()


def test_every_report_file_name_carries_its_language(world, client):
    """Issue 20 point 6: a PDF downloaded in Albanian and again in English keeps both."""
    client.force_login(world.users["secretariat"])
    url = reverse("krat:report_pdf", args=[world.period.pk])
    albanian = client.get(url + "?ndarje=0")["Content-Disposition"]
    english = client.get(url + "?ndarje=0&lang=en")["Content-Disposition"]
    assert 'filename="raporti-durres-2018-01-sq.pdf"' in albanian
    assert 'filename="raporti-durres-2018-01-en.pdf"' in english
    book = client.get(reverse("krat:report_xlsx", args=[world.period.pk]) + "?lang=en")["Content-Disposition"]
    assert "raporti-durres-2018-01-en.xlsx" in book
