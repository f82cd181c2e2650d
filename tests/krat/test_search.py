"""Search as people type: without ë and ç, in any case (krat/search.py), on both databases."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from krat.search import NameMatcher, excerpt, fold, site_search
from meetings.models import Attachment
from meetings.selectors import MeetingFilters, meeting_list
from tests.actionplan.factories import (
    ActivityFactory,
    EventFactory,
    ObjectiveFactory,
    PillarFactory,
    PlanFactory,
)
from tests.meetings.factories import AgendaItemFactory, DecisionFactory, MeetingFactory, aware

SPELLINGS = ["fëmijët", "femijet", "FEMIJET", "FËMIJËT", "Fëmijët"]


def test_fold_lowers_and_drops_diacritics():
    assert fold("FËMIJËT Ç Élan") == "femijet c elan"


@pytest.fixture
def records(world):
    """Records that speak of children (fëmijët) in each searchable kind, and one elsewhere."""
    own = world.own
    first = MeetingFactory(
        county=own, title="Mbrojtja e fëmijëve: fëmijët në rrugë", starts_at=aware(datetime.date(2018, 3, 1))
    )
    second = MeetingFactory(county=own, title="Takimi i prillit", starts_at=aware(datetime.date(2018, 4, 25)))
    AgendaItemFactory(meeting=second, title="Raportimi", discussion="U diskutua për FËMIJËT e braktisur.")
    DecisionFactory(meeting=second, text="Të ndiqen fëmijët në plazh.", responsible=world.own_institution)
    MeetingFactory(county=own, title="Buxheti vjetor")
    Attachment.objects.create(
        meeting=first, title="Udhëzuesi për fëmijët", file="x.pdf", original_name="udhezuesi.pdf",
        content_type="application/pdf", size=1,
    )  # fmt: skip
    plan = PlanFactory(county=own)
    objective = ObjectiveFactory(pillar=PillarFactory(plan=plan))
    ActivityFactory(objective=objective, plan=plan, code="1.1", description="Sesione për fëmijët në shkolla")
    EventFactory(county=own, title="Dita e fëmijëve", organiser=world.own_institution)
    # The other county speaks of children too: nobody of ours may find it.
    MeetingFactory(county=world.other, title="Fëmijët e Vlorës")
    return {"first": first, "second": second}


def test_the_meeting_list_finds_the_same_meetings_however_it_is_typed(world, records):
    found = {text: {m.pk for m in meeting_list(world.own, MeetingFilters(q=text))} for text in SPELLINGS}
    assert found["fëmijët"] == {records["first"].pk, records["second"].pk}
    assert all(pks == found["fëmijët"] for pks in found.values())


def _found(results) -> dict[str, list[str]]:
    return {group.kind.key: [hit.title for hit in group.hits] for group in results.groups}


def test_the_site_search_finds_every_kind_however_it_is_typed(world, records):
    reader = world.users["representative"]
    expected = {
        "meetings.meeting": ["Mbrojtja e fëmijëve: fëmijët në rrugë"],
        "meetings.agenda": ["Raportimi"],
        "meetings.decision": ["Të ndiqen fëmijët në plazh."],
        "meetings.document": ["Udhëzuesi për fëmijët"],
        "actionplan.activity": ["1.1 Sesione për fëmijët në shkolla"],
        "actionplan.event": ["Dita e fëmijëve"],
    }
    # "fëmij" is a part of "fëmijëve" and "fëmijët" alike.
    for text in ["fëmij", "femij", "FEMIJ", "FËMIJ"]:
        results = site_search(reader, text)
        assert _found(results) == expected, text
        assert results.total == 6
    assert _found(site_search(reader, "femijet")) == {
        "meetings.meeting": ["Mbrojtja e fëmijëve: fëmijët në rrugë"],
        "meetings.agenda": ["Raportimi"],
        "meetings.decision": ["Të ndiqen fëmijët në plazh."],
        "meetings.document": ["Udhëzuesi për fëmijët"],
        "actionplan.activity": ["1.1 Sesione për fëmijët në shkolla"],
    }


def test_the_excerpt_shows_the_words_around_the_match(world, records):
    results = site_search(world.users["representative"], "femijet")
    agenda = next(g for g in results.groups if g.kind.key == "meetings.agenda")
    assert agenda.hits[0].excerpt == ("U diskutua për ", "FËMIJËT", " e braktisur.")
    assert agenda.hits[0].url == reverse("meetings:detail", args=[records["second"].pk]) + "#agenda-heading"
    assert agenda.hits[0].date == datetime.date(2018, 4, 25)
    long = "fjalë " * 30 + "fëmijët" + " tjetër" * 30
    before, match, after = excerpt(long, ["femijet"])
    assert match == "fëmijët" and before.startswith("…") and after.endswith("…")
    assert len(before) < 80 and len(after) < 80


def test_every_word_must_occur_and_the_title_ranks_first(world, records):
    reader = world.users["secretariat"]
    assert _found(site_search(reader, "femijet plazh")) == {
        "meetings.decision": ["Të ndiqen fëmijët në plazh."]
    }
    assert _found(site_search(reader, "femijet hena")) == {}
    MeetingFactory(county=world.own, title="Pa titull", introduction="Flitet për mbrojtjen e fëmijëve.")
    meetings = _found(site_search(reader, "mbrojtja e femijeve"))["meetings.meeting"]
    assert meetings == ["Mbrojtja e fëmijëve: fëmijët në rrugë"]
    meetings = _found(site_search(reader, "femijeve"))["meetings.meeting"]
    assert meetings == ["Mbrojtja e fëmijëve: fëmijët në rrugë", "Pa titull"]  # the title's match weighs more


def test_a_reader_finds_only_what_they_may_open(world, records):
    national = world.users["national_observer"]
    assert _found(site_search(national, "vlores")) == {"meetings.meeting": ["Fëmijët e Vlorës"]}
    for role in ("secretariat", "representative", "observer", "chair"):
        assert _found(site_search(world.users[role], "vlores")) == {}, role
    assert _found(site_search(world.users["other_secretariat"], "femij")) == {
        "meetings.meeting": ["Fëmijët e Vlorës"]
    }


def test_too_short_or_empty_text_searches_nothing(world, records):
    reader = world.users["secretariat"]
    assert site_search(reader, "").groups == [] and not site_search(reader, "").too_short
    assert site_search(reader, " f ").too_short and site_search(reader, " f ").groups == []
    assert site_search(reader, "%").groups == []  # a LIKE wildcard is a letter like others
    assert site_search(reader, "_" * 3).groups == []


def test_the_search_page_groups_by_kind_in_a_bounded_number_of_queries(
    world, records, login, django_assert_max_num_queries
):
    client = login(world.users["representative"])
    with django_assert_max_num_queries(20):
        page = client.get(reverse("krat:search"), {"q": "FEMIJ"})
    assert page.status_code == 200
    text = page.content.decode()
    for title in (
        "Mbrojtja e fëmijëve: fëmijët në rrugë",
        "Raportimi",
        "Dita e fëmijëve",
        "Udhëzuesi për fëmijët",
    ):
        assert title in text
    assert "Fëmijët e Vlorës" not in text
    assert 'id="nav-search"' in text  # the box in the navigation
    only = client.get(reverse("krat:search"), {"q": "femij", "lloji": "actionplan.event"})
    assert [g.kind.key for g in only.context["results"].groups] == ["actionplan.event"]


def test_the_search_page_asks_for_two_letters(world, login):
    page = login(world.users["secretariat"]).get(reverse("krat:search"), {"q": "a"})
    assert page.status_code == 200 and page.context["results"].too_short


def test_a_national_reader_sees_each_hit_s_county(world, records, login):
    page = login(world.users["national_observer"]).get(reverse("krat:search"), {"q": "femijet"})
    assert "Vlorë" in page.content.decode() and page.context["show_county"]


# --- Names an import looks up ------------------------------------------------------------------


def test_a_name_typed_without_diacritics_is_found_when_it_fits_one():
    names = NameMatcher([("Durrës", 1), ("Shkodër", 2), ("Kavajë", 3)])
    assert names.get("Durres") == 1 and names.get("DURRËS") == 1 and names.get(" durres ") == 1
    assert names.get("Tirana") is None and names.ambiguous("Tirana") == []


def test_a_name_that_fits_several_is_refused_unless_typed_as_stored():
    names = NameMatcher([("Zyra e Punës", 1), ("Zyra e Punes", 2), ("Policia", 3)])
    assert names.get("Zyra e Punës") == 1 and names.get("ZYRA E PUNES") == 2  # as stored, any case
    assert names.get("Zyra e Pûnes") is None
    assert names.ambiguous("Zyra e Pûnes") == ["Zyra e Punes", "Zyra e Punës"]
    # Two names of one record (a label in two languages) are no ambiguity.
    assert NameMatcher([("Femër", "F"), ("Femer", "F")]).get("FEMËR") == "F"


def test_search_is_for_people_who_log_in(client):
    page = client.get(reverse("krat:search"), {"q": "femijet"})
    assert page.status_code == 302
