"""The demo names no real person: every text the demo loads, in every table, is searched
for the names of the people the seed news item (../shared/seeds/) names."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models

pytestmark = pytest.mark.django_db

# The Secretary General who chaired the real meeting of 25.04.2018, by first name and surname.
SEED_PEOPLE = ("Shyqyri", "Ballgjini")


def _texts():
    """(table, text) of every character field of every row, history tables included."""
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if value:
                    yield model._meta.db_table, value


def test_the_loaded_demo_names_no_person_of_the_seed():
    call_command("load_demo", stdout=io.StringIO())
    found = [(table, text[:80]) for table, text in _texts() for name in SEED_PEOPLE if name in text]
    assert found == []


def test_the_demo_chair_has_an_invented_name():
    from krat.choices import Role
    from krat.demo import LOGINS

    chair = next(login for login in LOGINS if login.role == Role.CHAIR)
    assert (chair.first_name, chair.last_name) == ("Agron", "Meçaj")
