"""The readable change history: simple-history's diffs, shown with names and labels."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from krat.choices import InstitutionKind
from krat.history import record_history
from tests.factories import CountyFactory, InstitutionFactory

pytestmark = pytest.mark.django_db


def test_each_version_lists_what_it_changed_with_labels_not_codes():
    county = CountyFactory(name="Durrës", slug="durres")
    institution = InstitutionFactory(county=county, name="Policia", kind=InstitutionKind.STATE_POLICE)
    institution.name = "Drejtoria Vendore e Policisë"
    institution.save()
    institution.kind = InstitutionKind.LABOUR_OFFICE
    institution.contact_email = "zp@example.al"
    institution.save()

    newest, middle, created = record_history(institution)
    assert [(c.old, c.new) for c in newest.changes] == [
        (str(InstitutionKind.STATE_POLICE.label), str(InstitutionKind.LABOUR_OFFICE.label)),
        ("—", "zp@example.al"),
    ]
    assert [(c.old, c.new) for c in middle.changes] == [("Policia", "Drejtoria Vendore e Policisë")]
    # The creation lists the fields it was made with; the locking counter never shows.
    assert {c.new for c in created.changes} >= {"Policia", "Durrës"}
    assert all(c.old == "" for c in created.changes)
    assert not any(c.field == "version" for entry in (newest, middle, created) for c in entry.changes)


def test_related_names_are_read_once_per_model_whatever_the_versions():
    county = CountyFactory(name="Durrës", slug="durres")
    institution = InstitutionFactory(county=county, name="Policia")
    for i in range(2):
        institution.name = f"Policia {i}"
        institution.save()
    with CaptureQueriesContext(connection) as few:
        record_history(institution)
    for i in range(20):
        institution.name = f"Policia {i + 2}"
        institution.save()
    with CaptureQueriesContext(connection) as many:
        record_history(institution)
    assert len(many.captured_queries) == len(few.captured_queries)
