"""A county's period data settings and age groups are created with the county, wherever it
is created, and reads never create them (issue 17)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from cases.choices import DataKind
from cases.models import AgeGroup, CasesSettings, default_victims_kinds
from cases.selectors.age_groups import AgeGroupsMissing, age_groups_for, age_groups_of
from cases.selectors.reporting import SettingsMissing, settings_for
from krat.models import County
from krat.services import county_create, county_defaults_ensure
from tests.factories import sign_in_superuser

pytestmark = pytest.mark.django_db

DEFAULT_LABELS = ["0–13", "14–17", "18–24", "25+"]


def _labels(county: County) -> list[str]:
    return [g.label for g in AgeGroup.objects.filter(county=county).order_by("min_age")]


def test_a_county_is_created_with_its_settings_and_age_groups():
    county = county_create(county=County(name="Kukës", slug="kukes", prefecture_name="Prefektura e Kukësit"))
    assert _labels(county) == DEFAULT_LABELS
    settings = CasesSettings.objects.get(county=county)
    assert settings.kinds_for(DataKind.VICTIMS) == default_victims_kinds()
    assert settings.history.count() == 1


def test_asking_again_creates_nothing_more():
    county = county_create(county=County(name="Kukës", slug="kukes", prefecture_name="Prefektura e Kukësit"))
    county_defaults_ensure(county=county)
    assert AgeGroup.objects.filter(county=county).count() == 4
    assert CasesSettings.objects.filter(county=county).count() == 1


def test_a_county_refused_by_its_rules_leaves_nothing():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        county_create(county=County(name="Kukës", slug="kukes", prefecture_name="", small_number_threshold=1))
    assert not County.objects.filter(slug="kukes").exists()
    assert not AgeGroup.objects.exists() and not CasesSettings.objects.exists()


def test_load_counties_creates_every_countys_defaults():
    call_command("load_counties", verbosity=0)
    assert County.objects.count() == 12
    assert CasesSettings.objects.count() == 12
    assert {c.pk: [g.label for g in groups] for c, groups in _groups_by_county()} == {
        c.pk: DEFAULT_LABELS for c in County.objects.all()
    }


def _groups_by_county():
    counties = list(County.objects.all())
    found = age_groups_of(counties)
    return [(c, found[c.pk]) for c in counties]


def test_a_county_added_in_the_administration_site_has_its_defaults(client):
    sign_in_superuser(client)
    response = client.post(
        reverse("admin:krat_county_add"),
        {
            "name": "Kukës",
            "slug": "kukes",
            "prefecture_name": "Prefektura e Qarkut Kukës",
            "small_number_threshold": 3,
            "tourist_season_start": 6,
            "tourist_season_end": 9,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    county = County.objects.get(slug="kukes")
    assert _labels(county) == DEFAULT_LABELS
    assert CasesSettings.objects.filter(county=county).exists()


def test_reads_never_create_them(world):
    """A county made without them (by hand, not by county_create) is an error the read names."""
    bare = County.objects.create(name="Kukës", slug="kukes", prefecture_name="Prefektura e Kukësit")
    with pytest.raises(AgeGroupsMissing, match="kukes"):
        age_groups_for(bare)
    with pytest.raises(AgeGroupsMissing):
        age_groups_of([world.own, bare])
    with pytest.raises(SettingsMissing, match="kukes"):
        settings_for(bare)
    assert not AgeGroup.objects.filter(county=bare).exists()
    assert not CasesSettings.objects.filter(county=bare).exists()


def test_the_api_lists_age_groups_without_creating_any(world, client):
    bare = County.objects.create(name="Kukës", slug="kukes", prefecture_name="Prefektura e Kukësit")
    world.users["secretariat"].county = bare
    world.users["secretariat"].save()
    client.force_login(world.users["secretariat"])
    before = AgeGroup.objects.count()
    response = client.get(reverse("api:age-group-list"))
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert AgeGroup.objects.count() == before


def test_the_migration_creates_what_older_counties_lack(world):
    """Counties made before cases 0004 had their defaults created on first read, if ever."""
    AgeGroup.objects.filter(county=world.other).delete()
    CasesSettings.objects.filter(county=world.other).delete()
    own_groups = list(AgeGroup.objects.filter(county=world.own).values_list("pk", flat=True))
    migration = importlib.import_module("cases.migrations.0004_county_defaults")
    migration.create_missing_defaults(apps, None)
    assert _labels(world.other) == DEFAULT_LABELS
    assert (
        CasesSettings.objects.get(county=world.other).kinds_for(DataKind.VICTIMS) == default_victims_kinds()
    )
    # What existed stays as it was.
    assert list(AgeGroup.objects.filter(county=world.own).values_list("pk", flat=True)) == own_groups
    assert CasesSettings.objects.filter(county=world.own).count() == 1
