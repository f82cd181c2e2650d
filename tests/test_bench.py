"""The benchmark's fast half: generated data is valid, every main page and every write the
load makes runs the same bounded number of queries with more data, and the writes save
through their forms as a browser posts them (times and memory stay in `make bench`)."""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest
from django.apps import apps
from django.core.cache.backends.dummy import DummyCache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from bench.data.core import generate
from bench.htmlform import forms, submission
from cases.choices import VictimStatus
from cases.models import VictimReport
from cases.selectors.figures import victim_figures
from cases.selectors.grids import victim_grid_values
from krat import caching, generations
from krat.benchmarks import FLOOR, first_county, national_coverage, pages, writes
from krat.choices import Role
from krat.models import Institution, PeriodReport, PeriodSubmission, ReportingPeriod, User

ROOT = Path(__file__).resolve().parent.parent
# A fifth of scale 1 keeps the test fast; every kind of record is still there.
FRACTION = 0.2


def _count(client: Client, path: str) -> int:
    """The queries of one read of the page, which writes nothing."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == [], path
    return len(queries.captured_queries)


WRITES = ("INSERT", "UPDATE", "DELETE")


def _sign_in(client: Client, username: str) -> None:
    """A session as after a log-in: its first request (the second-factor check, the session
    saved) made on the floor page, so that the page measured next is read as it is read later."""
    client.force_login(User.objects.get(username=username))
    assert client.get(reverse("health")).status_code == 200


def _save(client: Client, write, text: str):
    """Open the write's form and save it as bench/load.py does: every field the page gives,
    the CSRF token and version stamp included, with `text` in the write's field (or, for a
    figure, the next of its `values`)."""
    page = client.get(write.form).content.decode()
    action, body = submission(page, field=write.field, text=text, button=write.button, values=write.values)
    return client.post(action or write.form, body, content_type="application/x-www-form-urlencoded")


def _count_writes(client: Client) -> dict[str, tuple[int, int]]:
    """(queries of the form, queries of the save) of the first record of each kind of write."""
    counts = {}
    for write in writes():
        if write.kind in counts:
            continue
        _sign_in(client, write.user)
        _save(client, write, "Shënim i parë.")  # the first save may create the record
        form = _count(client, write.form)
        with CaptureQueriesContext(connection) as queries:
            response = _save(client, write, "Shënim i testit.")
        assert response.status_code == 302, write
        counts[write.kind] = (form, len(queries.captured_queries))
    return counts


# Every page is built from the database on each request (nothing keeps pages), the report
# preview included (it reads every app's tables), each within 20 queries (issue 17, point 4).
TARGET = 20
#: Each page's queries, built from scratch, and each write's (form, save): pinned, so that a
#: page that grows from 4 queries to 19 is seen even below TARGET. The same on SQLite and
#: PostgreSQL, and with more data (the test below). A change here is a reviewed change.
QUERIES = {
    "floor": 3,
    "dashboard": 18,
    "institutions": 5,
    "periods": 4,
    "people": 4,
    "meeting_list": 7,
    "meeting_detail": 12,
    "plan_overview": 6,
    "calendar_month": 4,
    "victims_grid": 11,
    "street_children": 10,
    "employment_funnel": 10,
    "completeness_board": 14,
    "report_preview": 20,
    "national_home": 12,
    "national_page": 11,
}
WRITE_QUERIES = {"submission_draft": (8, 42), "report_summary": (4, 16), "figures": (17, 69)}


@pytest.mark.django_db
def test_main_pages_run_a_bounded_number_of_queries_the_same_with_more_data(
    django_assert_max_num_queries, monkeypatch
):
    """Built from scratch (issue 17), as `make bench` counts them: Django's dummy cache, so
    nothing one read keeps (`krat.caching`, `krat.generations`) serves a later one."""
    dummy = DummyCache("", {})
    monkeypatch.setattr(caching, "cache", dummy)
    monkeypatch.setattr(generations, "cache", dummy)
    generate(scale=1, fraction=FRACTION)
    client = Client()
    targets = {target.label: target.resolve() for target in [FLOOR, *pages()]}
    small = {}
    for label, (path, username) in targets.items():
        _sign_in(client, username)
        small[label] = _count(client, path)  # the first read of the page
    assert max(small.values()) <= TARGET, small
    assert small == QUERIES
    assert small[FLOOR.label] == min(small.values())  # the floor is the cheapest page
    small_writes = _count_writes(client)
    assert small_writes == WRITE_QUERIES

    _more_of_everything()
    assert {t.label: t.resolve() for t in [FLOOR, *pages()]} == targets  # the same pages
    for label, (path, username) in targets.items():
        _sign_in(client, username)
        with django_assert_max_num_queries(small[label]):
            response = client.get(path)
        assert response.status_code == 200, label
    # The writes too: the form and the save cost the same with more data.
    for kind, (form, save) in _count_writes(client).items():
        assert form <= small_writes[kind][0], (kind, form, small_writes[kind])
        assert save <= small_writes[kind][1], (kind, save, small_writes[kind])


def _more_of_everything() -> None:
    """An earlier year in the same county and two more counties."""
    generate(scale=1, fraction=FRACTION, last_year=first_year_before())
    generate(scale=3, fraction=FRACTION, seed=7)


def first_year_before() -> int:
    county = first_county()
    return county.periods.order_by("start_date").first().start_date.year - 1


@pytest.mark.django_db
def test_the_benchmark_writes_save_through_their_forms_with_csrf_again_and_again():
    generate(scale=1, fraction=FRACTION)
    targets = writes()
    draft = next(w for w in targets if w.kind == "submission_draft")
    summary = next(w for w in targets if w.kind == "report_summary")
    submission_pk = resolve(draft.form).kwargs["pk"]
    state = PeriodSubmission.objects.get(pk=submission_pk).state
    client = Client(enforce_csrf_checks=True)
    for write in (draft, summary):
        _sign_in(client, write.user)
        for number in (1, 2):  # the second save carries the version the first one left
            response = _save(client, write, f"Shënim {number}.")
            assert response.status_code == 302, (write, number)
    stored = PeriodSubmission.objects.get(pk=submission_pk)
    assert (stored.situation_assessment, stored.state) == ("Shënim 2.", state)  # a draft stays a draft
    assert PeriodReport.objects.get().summary == "Shënim 2."

    # The load's saves are real: without the page's CSRF token the same body is refused.
    page = client.get(summary.form).content.decode()
    _, body = submission(page, field=summary.field, text="Pa shenjë.", button=None)
    body = b"&".join(p for p in body.split(b"&") if not p.startswith(b"csrfmiddlewaretoken="))
    refused = client.post(summary.form, body, content_type="application/x-www-form-urlencoded")
    assert refused.status_code == 403
    assert PeriodReport.objects.get().summary == "Shënim 2."


@pytest.mark.django_db
def test_the_benchmark_changes_figures_of_the_first_county_as_its_representatives():
    """Representatives of the first county save their institution's victims grid in the
    measured open periods, each with a figure that has two values, both valid."""
    generate(scale=1, fraction=FRACTION)
    county = first_county()
    figures = [w for w in writes() if w.kind == "figures"]
    assert figures
    for write in figures:
        match = resolve(write.form)
        assert match.view_name == "cases:victims_entry"
        report = VictimReport.objects.select_related("period").get(
            period=match.kwargs["pk"], institution=match.kwargs["institution"], status=VictimStatus.VICTIM
        )
        assert report.county == county and not report.period.is_closed
        user = User.objects.get(username=write.user)
        assert (user.role, user.institution_id) == (Role.REPRESENTATIVE, report.institution_id)
        assert write.field == "victim-referred"
        changed, stored = (int(value) for value in write.values)
        assert stored == report.referred
        assert changed != stored and 0 <= changed <= report.total  # referred is bounded by the total alone


@pytest.mark.django_db
def test_each_figures_save_changes_one_figure_of_the_county_and_the_grid_stays_valid():
    """Saved as bench/load.py saves it (the form as the page gives it, CSRF token and version
    stamps included), the grid is accepted (302, not 400) again and again, and each save
    changes the stored figure and the county's figures, and nothing else of the grid."""
    generate(scale=1, fraction=FRACTION)
    write = next(w for w in writes() if w.kind == "figures")
    match = resolve(write.form)
    period = ReportingPeriod.objects.get(pk=match.kwargs["pk"])
    institution = Institution.objects.get(pk=match.kwargs["institution"])

    def grid() -> dict:
        """The grid as stored, but its versions (each save adds one)."""
        stored = victim_grid_values(period=period, institution=institution)
        return {status: (g.total, g.referred, dict(g.cells)) for status, g in stored.items()}

    def county_referred() -> int:
        return victim_figures([period])[period.pk].values[(VictimStatus.VICTIM.value, "referred")]

    before, county_before = grid(), county_referred()
    changed, stored = (int(value) for value in write.values)
    client = Client(enforce_csrf_checks=True)
    _sign_in(client, write.user)
    for number, expected in enumerate([changed, stored, changed]):
        response = _save(client, write, "Not a figure.")  # the text is not written: values are
        assert response.status_code == 302, (number, response.content.decode()[:2000])
        report = VictimReport.objects.get(period=period, institution=institution, status=VictimStatus.VICTIM)
        assert report.referred == expected, number
        assert county_referred() == county_before + expected - stored, number
        total, _, cells = before[VictimStatus.VICTIM]
        assert grid() == {**before, VictimStatus.VICTIM: (total, expected, cells)}, number


def test_a_figure_takes_its_values_in_turn_after_the_one_the_form_shows():
    """What bench/load.py writes for a figure: the value after the one the page shows, so a
    save changes it however many saves came before (from another load process too)."""
    html = """<form method="post"><input type="hidden" name="version" value="3">
      <input type="number" name="n" value="{}"></form>"""
    for shown, sent in (("5", "6"), ("6", "5"), ("", "6"), ("9", "6")):
        _, body = submission(html.format(shown), field="n", text="a text", button=None, values=("6", "5"))
        assert body == f"version=3&n={sent}".encode(), shown
    _, body = submission(html.format("5"), field="n", text="a text", button=None)
    assert body == b"version=3&n=a+text"  # without values, the text


@pytest.mark.django_db(transaction=True)
def test_the_load_generator_saves_the_figures_and_counts_their_saves(live_server, tmp_path):
    """bench/load.py itself, on a live server: its figures saves are accepted and counted,
    and each one changes the figure."""
    generate(scale=1, fraction=FRACTION)
    write = next(w for w in writes() if w.kind == "figures")
    client = Client()
    _sign_in(client, write.user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    targets = tmp_path / "writes.json"
    targets.write_text(json.dumps([{**asdict(write), "cookie": cookie}]), encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "load.py"),
            live_server.url + reverse("health"),
            "--requests=3",
            "--connections=1",
            f"--writes={targets}",
            "--reads-per-write=1",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    figures = json.loads(result.stdout)["writes"]["figures"]
    # Read, write, read, write, read: two saves, the figure changed and changed back.
    assert (figures["saved"], figures["failed"], len(figures["save_ms"])) == (2, 0, 2)
    match = resolve(write.form)
    report = VictimReport.objects.get(
        period=match.kwargs["pk"], institution=match.kwargs["institution"], status=VictimStatus.VICTIM
    )
    assert (report.referred, report.version) == (int(write.values[1]), 3)


def test_a_form_is_read_as_a_browser_sends_it():
    html = """<form method="post" action="/x/">
      <input type="hidden" name="csrfmiddlewaretoken" value="t&amp;k">
      <input name="title" value="A">
      <input type="checkbox" name="on" checked><input type="checkbox" name="off" value="1">
      <input name="gone" value="z" disabled><input type="file" name="file">
      <textarea name="text">
line</textarea>
      <select name="one"><option value="a">A<option value="b">B</select>
      <select name="two"><option value="a">A</option><option value="b" selected>B</option></select>
      <select name="many" multiple><option selected>x</option><option selected>y</option></select>
      <button type="submit" name="action" value="draft">Draft</button>
      <button type="button" name="noise" value="n">No</button>
    </form><form method="post"><input name="other"></form>"""
    form = forms(html)[0]
    assert form.fields == [
        ("csrfmiddlewaretoken", "t&k"),
        ("title", "A"),
        ("on", "on"),
        ("text", "line"),
        ("one", "a"),
        ("two", "b"),
        ("many", "x"),
        ("many", "y"),
    ]
    assert form.buttons == [("action", "draft")]
    action, body = submission(html, field="text", text="new & more", button=("action", "draft"))
    assert action == "/x/"
    assert body.endswith(b"&text=new+%26+more&one=a&two=b&many=x&many=y&action=draft")
    with pytest.raises(LookupError):
        submission(html, field="text", text="t", button=("action", "submit"))
    with pytest.raises(LookupError):
        submission(html, field="missing", text="t", button=None)


@pytest.mark.django_db
def test_the_national_report_of_the_benchmark_has_every_county_with_full_data():
    generate(scale=3, fraction=FRACTION)
    coverage = national_coverage()
    assert (coverage["counties"], coverage["counties_with_full_data"]) == (3, 3)
    assert {
        "cases.VictimReport.period",
        "cases.StreetIntervention.period",
        "cases.EmploymentFunnel.period",
        "krat.PeriodSubmission.period",
        "meetings.Meeting.period",
        "actionplan.ActivityProgress.period",
    } <= set(coverage["counties_per_table"])


@pytest.mark.django_db
def test_generated_records_pass_every_model_rule():
    generate(scale=1, fraction=0.1)
    for app in ("meetings", "actionplan", "cases", "krat"):
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for record in model.objects.order_by("pk")[:3]:
                record.full_clean(validate_unique=False)


def test_the_load_generator_refuses_anything_but_loopback():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), "http://192.0.2.1:80/", "--requests=1"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    assert result.returncode != 0
    assert "loopback" in result.stderr


def test_the_load_generator_refuses_a_host_name_that_is_not_localhost():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), "http://example.invalid/", "--requests=1"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    assert result.returncode != 0
    assert "loopback" in result.stderr


@pytest.mark.django_db
def test_the_lean_plan_summary_equals_the_full_one():
    from actionplan.models import ActionPlan
    from actionplan.selectors import plan_rows, plan_state_rows, summarise

    generate(scale=1, fraction=FRACTION)
    plan = ActionPlan.objects.get()
    for period in [None, *plan.county.periods.order_by("start_date")]:
        for today in (datetime.date(plan.year, 3, 1), datetime.date(plan.year + 1, 1, 1)):
            full = summarise(plan_rows(plan, period=period, today=today))
            assert summarise(plan_state_rows(plan, period=period, today=today)) == full


@pytest.mark.django_db
def test_long_lists_come_fifty_a_page_and_keep_their_filters():
    from django.urls import reverse

    from actionplan.models import AwarenessEvent

    generate(scale=1, fraction=0.5)  # 75 events
    county = first_county()
    client = Client()
    _sign_in(client, f"bench.{county.slug}.secretariat")
    url = reverse("actionplan:event_list", args=[county.slug])
    first = client.get(url).content.decode()
    assert first.count('href="/plani/ngjarje/') == 50
    assert "faqja=2" in first
    second = client.get(url, {"faqja": 2}).content.decode()
    assert second.count('href="/plani/ngjarje/') == AwarenessEvent.objects.filter(county=county).count() - 50
    status = AwarenessEvent.objects.filter(county=county).values_list("status", flat=True).first()
    filtered = client.get(url, {"status": status}).content.decode()
    if AwarenessEvent.objects.filter(county=county, status=status).count() > 50:
        assert f"status={status}&amp;faqja=2" in filtered


def test_a_pdf_is_judged_by_its_slowest_rendering_not_its_median():
    from bench.run import verdicts

    def results(seconds_max: float) -> dict:
        page = {"p95_ratio": 1.0, "failed": 0}
        pdf = {"seconds": 1.5, "seconds_max": seconds_max, "peak_mb": 200}
        scale = {
            "queries": {"floor": 5},
            "pages": {"floor": page},
            "cold": {"pages": {"floor": page}},
            "pdfs": {"county_report": pdf},
            "writes": {},
        }
        return {"scales": {"10": scale}}

    assert verdicts(results(1.9))["pdf county_report (scale 10)"]["pass"]
    verdict = verdicts(results(2.0))["pdf county_report (scale 10)"]
    assert not verdict["pass"]
    assert verdict["missed"] == ["2.0 s ≥ 2.0 s"]


def test_a_page_fast_only_from_the_cache_fails_its_cold_verdict_unless_it_declares_it():
    from bench.run import verdicts

    warm, cold = {"p95_ratio": 2.0, "failed": 0}, {"p95_ratio": 8.7, "failed": 0}

    def results(kept: list[str]) -> dict:
        scale = {
            "queries": {"report_preview": 20},
            "pages": {"report_preview": warm},
            "cold": {"pages": {"report_preview": cold}},
            "kept": kept,
            "pdfs": {},
            "writes": {},
        }
        return verdicts({"scales": {"1": scale}})

    silent = results([])
    assert silent["report_preview"]["pass"]
    assert silent["report_preview (cold)"] == {
        "missed": ["scale 1: cold p95 8.7× the floor > 5.0×"],
        "pass": False,
    }
    declared = results(["report_preview"])["report_preview (cold)"]
    assert declared["kept"] and declared["cold_p95_ratio"] == {"1": 8.7}


def test_the_pages_that_need_the_cache_are_the_preview_and_the_national_pages():
    """Issue 17, point 5: which pages needed the cache is a decision, kept in one place."""
    kept = {page.label for page in pages() if page.kept}
    assert kept == {"report_preview", "national_home", "national_page"}


def test_the_core_lists_its_pages_and_the_apps_declare_theirs_in_a_stable_order():
    """Issue 17, point 3: `krat.benchmarks` names no app's page; the apps declare theirs
    (`AppContribution.bench_pages`, `bench_pdfs`), and the results table keeps its order
    (bench/results.json is keyed by label)."""
    from krat import benchmarks

    assert [page.label for page in pages()] == [
        "dashboard",
        "institutions",
        "periods",
        "people",
        "meeting_list",
        "meeting_detail",
        "plan_overview",
        "calendar_month",
        "victims_grid",
        "street_children",
        "employment_funnel",
        "completeness_board",
        "report_preview",
        "national_home",
        "national_page",
    ]
    assert [pdf.label for pdf in benchmarks.pdfs()] == ["meeting_summary", "county_report", "national_report"]
    source = Path(benchmarks.__file__).read_text(encoding="utf-8")
    assert re.findall(r"[\"'](?:meetings|cases|actionplan):\w+", source) == []


# --- Cold runs that served nothing -----------------------------------------------------------------


def _one_page_results(label: str, warm: dict, cold: dict, kept: list[str]) -> dict:
    scale = {
        "queries": {label: 10},
        "pages": {label: warm},
        "cold": {"pages": {label: cold}},
        "kept": kept,
        "pdfs": {},
        "writes": {},
    }
    return {"scales": {"1": scale, "10": scale}}


def test_a_cold_run_whose_reads_failed_does_not_pass_its_cold_verdict():
    """bench/load.py times the 200s only and gives p95 0.0 when there is none: a page whose
    every cold read failed must not pass on that ratio."""
    from bench.run import verdicts

    ok = {"p95_ratio": 1.0, "failed": 0}
    broken = {"p95_ratio": 0.0, "failed": 120, "writes_failed": 12}
    results = verdicts(_one_page_results("dashboard", ok, broken, kept=[]))
    assert not results["dashboard (cold)"]["pass"]


def test_a_kept_page_whose_cold_run_failed_is_not_passed():
    """A kept page is judged warm, its cold ratio reported beside; a cold run that served
    nothing still fails it."""
    from bench.run import verdicts

    ok = {"p95_ratio": 1.0, "failed": 0}
    broken = {"p95_ratio": None, "failed": 120}
    results = verdicts(_one_page_results("national_page", ok, broken, kept=["national_page"]))
    assert not results["national_page (cold)"]["pass"]


@pytest.mark.django_db
def test_each_institution_writes_as_its_first_generated_representative_in_one_query():
    """The lowest id of the institution's `bench.` representatives; an institution with
    none (only a secretariat, or a representative not made by the benchmark) is left out;
    asking twice for one institution, or for none, is no different."""
    from krat.benchmarks import representatives
    from tests.factories import InstitutionFactory, UserFactory

    first, second, without = InstitutionFactory.create_batch(3)
    hashed = {"password__hashed": "!"}

    def person(institution, username, role=Role.REPRESENTATIVE):
        return UserFactory(
            username=username, role=role, institution=institution, county=institution.county, **hashed
        )

    earlier = person(first, "bench.first.a")
    person(first, "bench.first.b")
    person(second, "manual.second")  # not the benchmark's: never used by the load
    later = person(second, "bench.second.b")
    person(without, "bench.without", role=Role.SECRETARIAT)
    assert earlier.pk < later.pk
    with CaptureQueriesContext(connection) as queries:
        found = representatives([first.pk, second.pk, without.pk, first.pk])
    assert found == {first.pk: "bench.first.a", second.pk: "bench.second.b"}
    assert len(queries) == 1
    assert representatives([]) == {}
