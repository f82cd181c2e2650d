"""Issue 15 on the period pages: every example with its numbers, what each reader can
obtain audited with the solver, and random grids of random institutions for every reader.

The audit (`cases.selectors.audit`) gathers what the pages, exports, charts, dashboard,
report for sharing and API publish; each test also reads the published cells itself.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.choices import UNKNOWN, Dimension, Sex, StreetAction, StreetActivity, VictimStatus, VulnerableGroup
from cases.models import EmploymentFunnel
from cases.selectors import figures as period_figures
from cases.selectors.audit import audit_period
from cases.selectors.dashboard import dashboard_panel
from cases.selectors.employment import employment_summary
from cases.selectors.street import street_children_summary
from cases.selectors.victims import victims_summary
from cases.services.employment import employment_save, employment_stamp
from krat import disclosure
from krat.choices import InstitutionKind
from krat.suppression import protect
from tests.cases.factories import (
    InstitutionFactory,
    PeriodFactory,
    close_period,
    intervention,
    municipality,
    save_victims,
)

pytestmark = pytest.mark.django_db

READERS = ["observer", "national", "sharing"]


@pytest.fixture
def api_client():
    """An API client with a fresh token of `user`."""
    from rest_framework.test import APIClient

    from krat.api.tokens import token_create

    def _client(user):
        client = APIClient()
        _token, key = token_create(user=user, name="test")
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return _client


def assert_safe(world, period=None, readers=(), hidden=True):
    """Every reader's audit passes, and (`hidden`) at least one hidden cell was checked."""
    period = period or world.period
    checked = 0
    for reader in [*READERS, *readers]:
        result = audit_period(world.own, period, reader)
        assert result.failures == [], (reader, result.failures)
        checked += len(result.checks)
    assert checked > 0 or not hidden


def row(summary_dimension_rows, key):
    return next(r for r in summary_dimension_rows if r.key == key).values[0]


def victims_of(summary, status="victim"):
    found = next(s for s in summary.statuses if s.key == status)
    return {d.key: d.rows for d in found.dimensions}, found


def ngo(world):
    return InstitutionFactory(county=world.own, name="OJF Tjetër", kind=InstitutionKind.NGO)


# --- From the marks themselves ----------------------------------------------------------------------


def test_total_4_women_small_men_x(world):
    # Today: total 4, women "< 3", men "x" → women = 1 (zeros never hidden, "x" ≥ 3).
    save_victims(world.period, world.own_institution, 4, sex={"female": 1, "male": 3})
    dimensions, _status = victims_of(victims_summary(world.own, world.period, suppressed=True))
    assert str(row(dimensions["sex"], "female")) == "< 3"
    assert_safe(world)


def test_two_small_cells_in_a_line_of_two(world):
    save_victims(world.period, world.own_institution, 2, sex={"female": 1, "male": 1})
    dimensions, _status = victims_of(victims_summary(world.own, world.period, suppressed=True))
    # The zero beside them is hidden too: three "< 3" whose sum is "< 3".
    assert [str(row(dimensions["sex"], s)) for s in ("female", "male", "unknown")] == ["< 3"] * 3
    assert_safe(world)


def test_identified_by_16_with_8_3_3_0_visible(world):
    save_victims(
        world.period,
        world.own_institution,
        16,
        identified_by={"police": 8, "social_services": 3, "mobile_unit": 3, "ngo": 0, "self": 1},
    )
    dimensions, _status = victims_of(victims_summary(world.own, world.period, suppressed=True))
    shown = {r.key: str(r.values[0]) for r in dimensions["identified_by"]}
    assert shown["police"] == "8" and shown["self"] == "< 3" and shown["unknown"] == "< 3"
    assert shown["ngo"] == "< 3"  # no longer a visible 0 that makes the two "< 3" add up to 2
    assert_safe(world)


# --- Across tables --------------------------------------------------------------------------------


def test_one_institutions_grid_is_not_published_to_readers_who_do_not_see_it(world, api_client):
    # County women 7: police 2, NGO 5. Subtracting the NGO's 5 from 7 gave the police's 2.
    other = ngo(world)
    save_victims(world.period, world.own_institution, 10, sex={"female": 2, "male": 8})
    save_victims(world.period, other, 20, sex={"female": 5, "male": 15})
    for reader in ("observer", "representative"):
        grids = api_client(world.users[reader]).get(f"/api/v1/victim-grids/?period={world.period.pk}").json()
        for grid in grids["results"]:
            if reader == "representative" and grid["institution"] == world.own_institution.pk:
                continue  # their own: exact
            for status in grid["statuses"]:
                assert status["total"] is None and {c["count"] for c in status["cells"]} == {None}
    readers = [f"representative:{world.own_institution.pk}", f"representative:{other.pk}"]
    assert_safe(world, readers=readers, hidden=False)


def test_a_representative_cannot_subtract_their_own_figures(world):
    other = ngo(world)
    save_victims(world.period, world.own_institution, 4, sex={"female": 1, "male": 3})
    save_victims(world.period, other, 5, sex={"female": 1, "male": 4})
    dimensions, _status = victims_of(victims_summary(world.own, world.period, suppressed=True))
    assert row(dimensions["sex"], "female").hidden  # 2 women: 1 each
    for institution in (world.own_institution, other):
        result = audit_period(world.own, world.period, f"representative:{institution.pk}")
        assert result.failures == [] and result.checks


# --- Companion counts ----------------------------------------------------------------------------------


def test_interventions_are_hidden_with_their_children(world, api_client):
    # 2 interventions, children "< 3": every intervention met a child, so children = 2.
    elbasan = municipality(world.own, "Elbasan")
    for day in (1, 9):
        intervention(world.own, world.own_institution, datetime.date(2018, 2, day), girls=1, origin=elbasan)
    close_period(world.period)  # published to the observer (`krat.access.figures_published`)
    summary = street_children_summary(world.own, world.period, suppressed=True)
    assert str(summary.total[0]) == "< 3"
    assert summary.interventions.hidden
    # Elbasan was met twice with children "< 3": it is not listed as repeating for sharing.
    assert summary.repeated_origins == []
    panel = dashboard_panel(user=world.users["observer"], county=world.own, period=world.period)
    assert panel.context["totals"].interventions.hidden and panel.context["totals"].children.hidden
    api = api_client(world.users["observer"]).get(f"/api/v1/street-summaries/{world.period.pk}/").json()
    assert api["interventions"] == {"count": None, "suppressed": True}
    assert_safe(world, readers=[f"representative:{world.own_institution.pk}"])


def test_an_origin_met_in_several_interventions_keeps_its_count_hidden(world):
    elbasan, korce = municipality(world.own, "Elbasan"), municipality(world.own, "Korçë")
    intervention(world.own, world.own_institution, datetime.date(2018, 2, 1), girls=1, origin=elbasan)
    intervention(world.own, world.own_institution, datetime.date(2018, 2, 2), girls=1, origin=elbasan)
    for day in range(3, 9):
        intervention(world.own, world.own_institution, datetime.date(2018, 3, day), boys=2, origin=korce)
    summary = street_children_summary(world.own, world.period, suppressed=True)
    assert [o.name for o in summary.repeated_origins] == ["Korçë"]
    exact = street_children_summary(world.own, world.period, suppressed=False)
    assert sorted(o.name for o in exact.repeated_origins) == ["Elbasan", "Korçë"]
    assert_safe(world)


# --- In every grid, not only victims -----------------------------------------------------------


def employment_rows(world, by_group: dict[str, dict[str, int]]):
    """One row per group (women, age unknown), the stages given, the rest on the path."""
    rows = []
    for group, stages in by_group.items():
        values = dict.fromkeys(EmploymentFunnel.STAGES, 0)
        values.update(stages)
        values["interviewed"] = max(values["interviewed"], values["ready"] + values["needs_training"])
        values["received"] = max(values["received"], values["interviewed"])
        rows.append(EmploymentFunnel(group=group, sex=Sex.FEMALE, age_group=None, **values))
    employment_save(
        period=world.period,
        institution=world.other_institution,
        rows=rows,
        expected_stamp=employment_stamp(period=world.period, institution=world.other_institution),
    )


def test_employment_ready_67_with_63_visible(world):
    # Ready for work by group: 67, of which 63 visible, two "< 3" → 2 and 2.
    employment_rows(
        world,
        {
            VulnerableGroup.ECONOMIC_AID: {"ready": 30},
            VulnerableGroup.TRAFFICKING_SURVIVOR: {"ready": 2},
            VulnerableGroup.ROMA_EGYPTIAN: {"ready": 33},
            VulnerableGroup.DISABILITY: {"ready": 2},
        },
    )
    summary = employment_summary(world.own, world.period, suppressed=True)
    assert str(next(s for s in summary.stages if s.key == "ready").values[0]) in {"67", "x"}
    assert_safe(world)


def test_employment_completed_training_23_with_21_visible(world):
    employment_rows(
        world,
        {
            VulnerableGroup.ECONOMIC_AID: {
                "needs_training": 10,
                "referred_training": 10,
                "completed_training": 10,
            },
            VulnerableGroup.TRAFFICKING_SURVIVOR: {
                "needs_training": 1,
                "referred_training": 1,
                "completed_training": 1,
            },
            VulnerableGroup.ROMA_EGYPTIAN: {
                "needs_training": 11,
                "referred_training": 11,
                "completed_training": 11,
            },
            VulnerableGroup.DISABILITY: {
                "needs_training": 1,
                "referred_training": 1,
                "completed_training": 1,
            },
        },
    )
    assert_safe(world)


# --- From comparisons and charts ------------------------------------------------------------------


def test_the_previous_period_column_is_that_periods_own_pattern(world):
    # The previous period: ready 5, needs training 1, not employable 4 — assessed 10 shown
    # beside them gave the 1 away when each column was hidden on its own.
    previous = PeriodFactory(
        county=world.own,
        label="Shtator – Dhjetor 2017",
        start_date=datetime.date(2017, 9, 1),
        end_date=datetime.date(2017, 12, 31),
        deadline=datetime.date(2018, 1, 10),
    )
    values = dict.fromkeys(EmploymentFunnel.STAGES, 0)
    values.update(received=12, interviewed=10, ready=5, needs_training=1, not_employable=4)
    row = EmploymentFunnel(group=VulnerableGroup.ECONOMIC_AID, sex=Sex.MALE, age_group=None, **values)
    employment_save(
        period=previous,
        institution=world.other_institution,
        rows=[row],
        expected_stamp=employment_stamp(period=previous, institution=world.other_institution),
    )
    close_period(previous)  # an open period is no column for sharing (`Comparison.for_reader`)
    employment_rows(world, {VulnerableGroup.ECONOMIC_AID: {"ready": 9}})
    now = employment_summary(world.own, world.period, suppressed=True)
    then = employment_summary(world.own, previous, suppressed=True)
    column = {s.key: s.values[1] for s in now.stages}
    own = {s.key: s.values[0] for s in then.stages}
    assert column == own
    assert column["needs_training"].hidden
    assert_safe(world)


def test_charts_draw_a_hidden_count_as_zero(world):
    intervention(world.own, world.own_institution, datetime.date(2018, 2, 1), girls=1)
    intervention(world.own, world.own_institution, datetime.date(2018, 3, 1), girls=3, boys=2)
    summary = street_children_summary(world.own, world.period, suppressed=True)
    hidden = [c for c in summary.chart_cells if c.hidden]
    assert hidden and all(c.drawn == 0 for c in hidden)
    assert_safe(world)


def test_the_dashboard_shows_the_pages_pattern(world):
    save_victims(world.period, world.own_institution, 2, sex={"female": 1, "male": 1})
    close_period(world.period)  # published to the observer (`krat.access.figures_published`)
    panel = dashboard_panel(user=world.users["observer"], county=world.own, period=world.period)
    summary = victims_summary(world.own, world.period, suppressed=True)
    assert panel.context["totals"].victims == summary.statuses[0].total[0]


# --- Random grids of random institutions, every reader ---------------------------------------------

PERIOD = SimpleNamespace(pk=1, start_date=datetime.date(2018, 1, 1), end_date=datetime.date(2018, 4, 30))
AGES = ["11", "12", UNKNOWN]


def _victim_dimensions():
    from cases.choices import FIXED_DIMENSIONS

    found = {d: list(choices.values) for d, choices in FIXED_DIMENSIONS.items()}
    found[Dimension.AGE.value] = AGES
    return found


people = st.lists(
    st.tuples(
        st.integers(0, 3),  # institution
        st.sampled_from(VictimStatus.values),
        st.integers(0, 2),  # sex
        st.integers(0, 2),  # age
        st.integers(0, 6),  # form
        st.sampled_from([("albanian", None), ("foreign", "XK"), ("foreign", "GR"), (UNKNOWN, None)]),
        st.booleans(),  # referred
    ),
    max_size=14,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(victims=people, k=st.integers(2, 5))
def test_random_victims_grids_reveal_nothing_to_any_reader(victims, k):
    dims = _victim_dimensions()
    own: dict = {}
    for institution, status, sex, age, form, (citizenship, country), referred in victims:
        mine = own.setdefault(institution, {})
        keys = [
            (status, "total"),
            (status, "sex", dims["sex"][sex]),
            (status, "age", AGES[age]),
            (status, "exploitation", dims["exploitation"][form]),
            (status, "citizenship", citizenship),
            (status, "movement", UNKNOWN),
            (status, "identified_by", UNKNOWN),
        ]
        keys += [(status, "country", country)] if country else []
        keys += [(status, "referred")] if referred else []
        for key in keys:
            mine[key] = mine.get(key, 0) + 1
    figures = period_figures._victim_figures(PERIOD, SimpleNamespace(small_number_threshold=k), own, dims)
    hidden = protect(figures)
    marks = {key: figures.mark(key, key in hidden) for key in figures.published}
    assert [c for c in disclosure.audit(figures, marks) if not c.ok] == []


interventions = st.lists(
    st.tuples(
        st.integers(0, 2),  # institution
        st.integers(1, 4),  # month
        st.sampled_from(["Plazhi", "Sheshi"]),
        st.sampled_from(["Elbasan", "Korçë", UNKNOWN]),
        st.sampled_from(StreetActivity.values),
        st.sampled_from(StreetAction.values),
        st.lists(st.tuples(st.sampled_from(Sex.values), st.sampled_from(AGES)), min_size=1, max_size=3),
    ),
    max_size=6,
)


@settings(max_examples=15, deadline=None)
@given(records=interventions, k=st.integers(2, 5))
def test_random_street_interventions_reveal_nothing_to_any_reader(records, k):
    own: dict = {}
    for institution, month, place, origin, activity, action, children in records:
        mine = own.setdefault(institution, {})
        categories = {
            "month": f"2018-{month:02d}",
            "place": place,
            "origin": origin,
            "activity": activity,
            "action": action,
            "accompanied": UNKNOWN,
        }
        additions = {"total": len(children), "interventions": 1}
        for dimension, category in categories.items():
            additions[(dimension, category)] = len(children)
            additions[("int", dimension, category)] = 1
        for sex, age in children:
            for key in (("sa", f"{sex}:{age}"), ("sex", sex), ("age", age)):
                additions[key] = additions.get(key, 0) + 1
        for key, n in additions.items():
            mine[key] = mine.get(key, 0) + n
    groups = [SimpleNamespace(pk=int(a)) for a in AGES if a != UNKNOWN]
    figures = period_figures._street_figures(PERIOD, SimpleNamespace(small_number_threshold=k), own, groups)
    hidden = protect(figures)
    marks = {key: figures.mark(key, key in hidden) for key in figures.published}
    assert [c for c in disclosure.audit(figures, marks) if not c.ok] == []


paths = st.lists(
    st.tuples(
        st.integers(0, 1),  # institution
        st.sampled_from(VulnerableGroup.values[:3]),
        st.sampled_from(Sex.values),
        st.lists(st.integers(0, 4), min_size=9, max_size=9),
    ),
    max_size=3,
)


@settings(max_examples=15, deadline=None)
@given(rows=paths, k=st.integers(2, 5))
def test_random_employment_paths_reveal_nothing_to_any_reader(rows, k):
    own: dict = {}
    for institution, group, sex, draws in rows:
        # A valid path: each stage within the one it follows.
        received = draws[0] + draws[1] + draws[2] + draws[3]
        interviewed = received - draws[0]
        ready, needs = draws[1] + draws[4] // 2, draws[2]
        ready = min(ready, interviewed - needs)
        not_employable = min(draws[3], interviewed - ready - needs)
        vacancy, training = min(draws[5], ready), min(draws[6], needs)
        employed, completed = min(draws[7], vacancy), min(draws[8], training)
        stages = dict(
            zip(
                EmploymentFunnel.STAGES,
                [received, interviewed, ready, needs, not_employable, vacancy, training, employed, completed],
                strict=True,
            )
        )
        mine = own.setdefault(institution, {})
        for dimension, category in (("group", group), ("sex", sex), ("age", UNKNOWN)):
            for stage, n in stages.items():
                mine[(stage, dimension, category)] = mine.get((stage, dimension, category), 0) + n
    dims = {"group": VulnerableGroup.values, "sex": Sex.values, "age": [UNKNOWN]}
    figures = period_figures._employment_figures(PERIOD, SimpleNamespace(small_number_threshold=k), own, dims)
    hidden = protect(figures)
    marks = {key: figures.mark(key, key in hidden) for key in figures.published}
    assert [c for c in disclosure.audit(figures, marks) if not c.ok] == []


# --- The audit is part of the product ----------------------------------------------------------


def test_the_settings_page_shows_the_audit_for_observers_and_for_sharing(
    world, client, django_assert_max_num_queries
):
    save_victims(world.period, world.own_institution, 4, sex={"female": 1, "male": 3})
    intervention(world.own, world.own_institution, datetime.date(2018, 2, 1), girls=1)
    client.force_login(world.users["secretariat"])
    url = reverse("cases:settings", args=[world.own.slug])
    client.get(reverse("health"))  # the session's first request checks the second factor
    with django_assert_max_num_queries(40):
        page = client.get(url)
    audits = page.context["audits"]
    assert [a.reader for a in audits] == ["observer", "sharing"]
    assert all(a.ok and a.checks for a in audits)
    assert 'id="suppression-audit"' in page.content.decode()


def test_the_audit_command_prints_each_range_and_fails_on_a_leak(world, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    save_victims(world.period, world.own_institution, 4, sex={"female": 1, "male": 3})
    out = StringIO()
    call_command(
        "suppression_audit", county=world.own.slug, period=world.period.pk, reader="observer", stdout=out
    )
    text = out.getvalue()
    assert "hidden cell(s) checked" in text and "0 reveal(s)" in text
    assert "('victim', 'sex', 'female')" in text and "range 0..2" in text
    # Today's pattern (zeros shown, a complement that cannot move): the command says so.
    from cases.selectors import figures

    monkeypatch.setattr(
        figures,
        "protect",
        lambda f: {key for key in f.published if 0 < f.values[key] < f.k} | {("victim", "sex", "male")},
    )
    with pytest.raises(SystemExit) as exit_code:
        call_command(
            "suppression_audit",
            county=world.own.slug,
            period=world.period.pk,
            reader="observer",
            stdout=StringIO(),
        )
    assert exit_code.value.code == 1


def test_four_interventions_of_one_institution_in_one_place_and_month_are_protected():
    """The random test's falsifying example (k = 5: every count is small). HiGHS's presolve
    called the baseline attacker's problem infeasible though the true figures solve it;
    `krat.disclosure` now solves without presolve."""
    records = [
        (
            0,
            1,
            "Plazhi",
            "Elbasan",
            "selling",
            "returned",
            [("female", "11"), ("female", "11"), ("male", "11")],
        ),
        (
            0,
            1,
            "Plazhi",
            "Korçë",
            "begging",
            "returned",
            [("female", "11"), ("female", "12"), ("female", "12")],
        ),
        (0, 1, "Plazhi", "Elbasan", "selling", "returned", [("female", "11"), ("female", "12")]),
        (0, 1, "Plazhi", "Korçë", "begging", "returned", [("female", "12"), ("male", "11")]),
    ]
    test_random_street_interventions_reveal_nothing_to_any_reader.hypothesis.inner_test(records=records, k=5)
