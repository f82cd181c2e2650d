"""Albanian alphabetical order (krat/collation.py), alike on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.urls import reverse

from krat import selectors
from krat.collation import albanian, sort_key
from krat.models import County, Institution, User
from tests.factories import CountyFactory, InstitutionFactory, UserFactory

# The list, shuffled, and where the sq alphabet puts each name: ç after c, dh after
# d, ë after e, ll after l, sh after s, zh after z; case only breaks ties; a space before a letter.
ALBANIAN_ORDER = [
    "1 Maji",
    "Agjencia Kombëtare",
    "Bashkia",
    "Çerdhja Qendrore",
    "drejtoria e Arsimit",
    "Drejtoria e Kujdesit",
    "Drejtoria Vendore",
    "Dhoma e Tregtisë",
    "Elbasani",
    "Ëndrra",
    "Lura",
    "Llogara",
    "Sporti",
    "Shkolla",
    "Zyra",
    "Zyra e Punës",
    "Zhuli",
]
SHUFFLED = [
    "Zyra e Punës",
    "drejtoria e Arsimit",
    "Çerdhja Qendrore",
    "Ëndrra",
    "Drejtoria Vendore",
    "Zhuli",
    "Drejtoria e Kujdesit",
    "Shkolla",
    "Dhoma e Tregtisë",
    "Llogara",
    "Bashkia",
    "1 Maji",
    "Sporti",
    "Elbasani",
    "Zyra",
    "Agjencia Kombëtare",
    "Lura",
]


def test_sort_key_follows_the_albanian_alphabet():
    assert sorted(SHUFFLED, key=sort_key) == ALBANIAN_ORDER
    assert sorted(["b", "B", "a"], key=sort_key) == ["a", "b", "B"]
    assert sort_key(None) == sort_key("")


@pytest.fixture
def county(db):
    county = CountyFactory(name="Korçë", slug="korce")
    for name in SHUFFLED:
        InstitutionFactory(county=county, name=name)
    return county


def test_the_database_returns_institutions_in_albanian_order(county):
    assert list(county.institutions.values_list("name", flat=True)) == ALBANIAN_ORDER  # Meta.ordering
    assert (
        list(county.institutions.order_by(albanian("name").desc()).values_list("name", flat=True))
        == (ALBANIAN_ORDER[::-1])
    )


def test_the_database_and_python_agree(county):
    """The same names, ordered by the database and by `sort_key`, in the same order."""
    stored = list(Institution.objects.filter(county=county).order_by(albanian("name")))
    assert [i.name for i in stored] == sorted((i.name for i in stored), key=sort_key)


def test_selectors_and_related_orderings_follow_it(county):
    assert [i.name for i in selectors.institution_list(county)] == ALBANIAN_ORDER
    for position, (last, first) in enumerate([("Zeka", "Ana"), ("Çela", "Dritan"), ("Dhima", "Ëmira")]):
        UserFactory(county=county, last_name=last, first_name=first, username=f"p{position}")
    UserFactory(county=county, last_name="Çela", first_name="Arta", username="p9")
    people = User.objects.filter(county=county).values_list("last_name", "first_name")
    assert list(people) == [("Çela", "Arta"), ("Çela", "Dritan"), ("Dhima", "Ëmira"), ("Zeka", "Ana")]


def test_counties_are_listed_in_albanian_order(db):
    for name, slug in [("Vlorë", "vlore"), ("Dibër", "diber"), ("Shkodër", "shkoder"), ("Durrës", "durres")]:
        CountyFactory(name=name, slug=slug)
    CountyFactory(name="Korçë", slug="korce")
    assert [c.name for c in selectors.county_list(County.objects.all())] == [
        "Dibër",
        "Durrës",
        "Korçë",
        "Shkodër",
        "Vlorë",
    ]


def test_the_institution_page_lists_them_in_albanian_order(county, login):
    reader = UserFactory(county=county, username="lexuesi")
    page = login(reader).get(reverse("krat:institution_list", args=[county.slug]))
    assert page.status_code == 200
    text = page.content.decode()
    found = [text.index(f">{name}<") for name in ALBANIAN_ORDER]
    assert found == sorted(found)
