"""Pages kept until the data changes (krat/freshness.py): every kind of write is noticed,
after its commit and not before, and the report preview never shows old figures."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.urls import reverse

from krat import freshness
from krat.freshness import data_stamp, fresh, is_data_write
from krat.models import Institution
from tests.factories import InstitutionFactory


@pytest.mark.parametrize(
    "sql",
    [
        'INSERT INTO "cases_victimreport" ("total") VALUES (%s)',
        'UPDATE "krat_institution" SET "name" = %s',
        '  delete from "meetings_decision" WHERE id = 1',
        'TRUNCATE "actionplan_activity", "krat_county"',
        "UPDATE krat_county SET name = 'x'",
    ],
)
def test_a_write_to_a_data_table_counts(sql):
    assert is_data_write(sql)


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT "krat_institution"."id" FROM "krat_institution"',
        'UPDATE "django_session" SET "expire_date" = %s',
        'INSERT INTO "axes_accessattempt" ("username") VALUES (%s)',
        'UPDATE "otp_totp_totpdevice" SET "last_t" = %s',
        'INSERT INTO "krat_downloadlog" ("what") VALUES (%s)',
        'UPDATE "krat_apitoken" SET "last_used_at" = %s',
        'DELETE FROM "krat_recoverycode" WHERE "id" = %s',
        'UPDATE "krat_recoverycodedevice" SET "throttling_failure_count" = %s',
        "SAVEPOINT s1",
    ],
)
def test_reads_and_bookkeeping_do_not_count(sql):
    assert not is_data_write(sql)


def test_every_connection_is_watched(db):
    assert freshness.notice_writes in connection.execute_wrappers


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "write",
    [
        lambda i: InstitutionFactory(),
        lambda i: Institution.objects.filter(pk=i.pk).update(name="Renamed"),
        lambda i: Institution.objects.bulk_update([i], ["name"]),
        lambda i: i.delete(),
        lambda i: connection.cursor().execute(
            "UPDATE krat_institution SET name = 'Raw' WHERE id = %s", [i.pk]
        ),
    ],
    ids=["create", "update", "bulk", "delete", "raw"],
)
def test_each_kind_of_write_replaces_the_stamp_after_it_commits(write):
    institution = InstitutionFactory()
    before = data_stamp()
    with transaction.atomic():
        write(institution)
        assert data_stamp() == before  # not before the commit: the rows are not visible yet
    assert data_stamp() != before


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_keeps_the_stamp():
    before = data_stamp()
    with pytest.raises(RuntimeError), transaction.atomic():
        InstitutionFactory()
        raise RuntimeError
    assert data_stamp() == before


@pytest.mark.django_db(transaction=True)
def test_kept_until_a_write_then_built_again():
    built = []

    def build():
        built.append(Institution.objects.count())
        return built[-1]

    assert fresh(("count",), build) == 0
    assert fresh(("count",), build) == 0
    assert built == [0]  # kept
    InstitutionFactory()
    assert fresh(("count",), build) == 1
    assert built == [0, 1]


def test_inside_a_transaction_that_wrote_nothing_is_kept(db):
    """Its rows could still be rolled back: what it builds is never kept for others."""
    InstitutionFactory()
    built = []
    for _ in range(2):
        fresh(("uncommitted",), lambda: built.append(1) or len(built))
    assert built == [1, 1]


@pytest.mark.django_db(transaction=True)
def test_the_report_preview_shows_a_new_figure_at_once(client):
    from tests.cases.factories import save_victims
    from tests.world import build_world

    world = build_world()
    client.force_login(world.users["secretariat"])
    url = reverse("krat:report_preview", args=[world.period.pk]) + "?ndarje=0"
    client.get(url)
    first = client.get(url).content.decode()  # the kept page
    save_victims(world.period, world.own_institution, victims=17, potential=23)
    page = client.get(url).content.decode()
    assert page != first
    assert ">17<" in page.replace(" ", "") and ">23<" in page.replace(" ", "")


@pytest.mark.django_db(transaction=True)
def test_each_language_and_version_is_kept_apart(client):
    from tests.cases.factories import save_victims
    from tests.world import build_world

    world = build_world()
    save_victims(world.period, world.own_institution, victims=2, potential=9)
    client.force_login(world.users["secretariat"])
    url = reverse("krat:report_preview", args=[world.period.pk])
    exact = client.get(url + "?ndarje=0").content.decode()
    shared = client.get(url + "?ndarje=1").content.decode()
    assert "&lt; 3" in shared and "&lt; 3" not in exact
    client.cookies["django_language"] = "en"
    english = client.get(url + "?ndarje=0").content.decode()
    assert "Victims and potential victims" in english
    assert "Victims and potential victims" not in exact


@pytest.mark.django_db(transaction=True)
def test_a_kept_read_is_keyed_by_its_arguments():
    from krat.freshness import kept

    calls = []

    @kept("tests.names")
    def names(county, *, active: bool):
        calls.append((county.pk, active))
        return sorted(county.institutions.filter(is_active=active).values_list("name", flat=True))

    first, second = InstitutionFactory(name="A"), InstitutionFactory(name="B")
    assert names(first.county, active=True) == ["A"]
    assert names(second.county, active=True) == ["B"]
    assert names(first.county, active=False) == []
    assert names(first.county, active=True) == ["A"]
    assert len(calls) == 3  # the fourth was kept
    with pytest.raises(TypeError):
        names([first.county], active=True)  # a list cannot name what the result depends on


@pytest.mark.django_db(transaction=True)
def test_the_kept_submission_board_is_the_board():
    """A kept board is pickled: its parts travel by their registry key."""
    import pickle

    from krat.submissions.parts import registered_parts
    from krat.submissions.selectors import submission_board
    from tests.world import build_world

    world = build_world()
    board = submission_board.uncached(period=world.period)
    copy = pickle.loads(pickle.dumps(board))  # noqa: S301 - our own bytes, as the cache does
    assert [row.label for row in copy.rows] == [row.label for row in board.rows]
    assert all(part in registered_parts() for row in copy.rows for part in [s.part for s in row.parts])
    assert [row.label for row in submission_board(period=world.period).rows] == [r.label for r in board.rows]


@pytest.mark.django_db(transaction=True)
def test_a_kept_fragment_is_rendered_once_per_value_until_a_write():
    from django.template import Context, Template

    page = Template(
        '{% load kept %}{% kept "tests.fragment" county %}{{ county.name }}{{ tick.next }}{% endkept %}'
    )

    class Tick:
        n = 0

        def next(self):
            self.n += 1
            return self.n

    tick = Tick()
    first, second = InstitutionFactory().county, InstitutionFactory().county
    assert page.render(Context({"county": first, "tick": tick})) == f"{first.name}1"
    assert page.render(Context({"county": first, "tick": tick})) == f"{first.name}1"  # kept
    assert page.render(Context({"county": second, "tick": tick})) == f"{second.name}2"
    InstitutionFactory(county=first)
    assert page.render(Context({"county": first, "tick": tick})) == f"{first.name}3"


def test_a_kept_fragment_needs_a_quoted_name():
    from django.template import Template, TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        Template("{% load kept %}{% kept county %}x{% endkept %}")


@pytest.mark.django_db(transaction=True)
def test_each_reader_keeps_their_own_dashboard(client):
    from tests.world import build_world

    world = build_world()
    url = reverse("krat:dashboard", args=[world.own.slug])
    pages = {}
    for role in ("secretariat", "representative", "secretariat", "representative"):
        client.force_login(world.users[role])
        pages.setdefault(role, []).append(client.get(url).content.decode())
    board = reverse("krat:submission_board", args=[world.period.pk])
    assert board in pages["secretariat"][1] and board not in pages["representative"][1]
    assert reverse("krat:submission_todo", args=[world.own.slug]) in pages["representative"][1]
    assert reverse("krat:submission_todo", args=[world.own.slug]) not in pages["secretariat"][1]


def test_the_system_check_refuses_a_stamp_store_it_cannot_write(settings, tmp_path):
    from krat.checks import data_stamp_is_writable

    assert data_stamp_is_writable(None) == []
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    # Django resets its caches when CACHES changes, and again when the fixture restores it.
    settings.CACHES = {**settings.CACHES, "stamps": {**settings.CACHES["stamps"], "LOCATION": str(blocked)}}
    assert [e.id for e in data_stamp_is_writable(None)] == ["krat.E001"]


@pytest.mark.django_db(transaction=True)
def test_each_reader_keeps_their_own_meeting_page(client):
    from tests.meetings.factories import DecisionFactory, MeetingFactory
    from tests.world import build_world

    world = build_world()
    decision = DecisionFactory(meeting=MeetingFactory(county=world.own), responsible=world.own_institution)
    url = reverse("meetings:detail", args=[decision.meeting.pk])
    follow_up = reverse("meetings:decision_status", args=[decision.pk])
    pages = {}
    for role in ("representative", "observer", "representative", "observer"):
        client.force_login(world.users[role])
        pages[role] = client.get(url).content.decode()
    assert follow_up in pages["representative"]
    assert follow_up not in pages["observer"]
