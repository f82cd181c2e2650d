"""The permission matrix of the period data: who reads, who enters which figures.

The world's `own_institution` is the police (reports victims and street children),
`other_institution` the labour office (reports employment only).
"""

from __future__ import annotations

import datetime

from tests.access import UrlCase
from tests.world import COUNTY_READERS, MANAGERS, World

POLICE_WRITERS = frozenset({"secretariat", "representative"})
LABOUR_WRITERS = frozenset({"secretariat", "other_representative"})


def build(world: World) -> None:
    from tests.cases.factories import intervention, save_victims

    save_victims(world.period, world.own_institution, 4, 1)
    world.extra["intervention"] = intervention(
        world.own, world.own_institution, datetime.date(2018, 2, 3), girls=2
    )


def _period(w: World) -> dict:
    return {"pk": w.period.pk}


def _police(w: World) -> dict:
    return {"pk": w.period.pk, "institution": w.own_institution.pk}


def _labour(w: World) -> dict:
    return {"pk": w.period.pk, "institution": w.other_institution.pk}


CASES: dict[str, UrlCase] = {
    "cases:home": UrlCase(allowed=COUNTY_READERS, kwargs=lambda w: {"slug": w.own.slug}, ok_status=302),
    "cases:settings": UrlCase(allowed=MANAGERS, kwargs=lambda w: {"slug": w.own.slug}),
    "cases:victims": UrlCase(allowed=COUNTY_READERS, kwargs=_period),
    "cases:victims_template": UrlCase(allowed=COUNTY_READERS, kwargs=_period),
    "cases:victims_export": UrlCase(
        allowed=COUNTY_READERS, kwargs=lambda w: {"pk": w.period.pk, "fmt": "csv"}
    ),
    "cases:victims_entry": UrlCase(allowed=POLICE_WRITERS, kwargs=_police),
    "cases:victims_import": UrlCase(allowed=POLICE_WRITERS, kwargs=_police),
    "cases:street": UrlCase(allowed=COUNTY_READERS, kwargs=_period),
    "cases:street_create": UrlCase(allowed=POLICE_WRITERS, kwargs=_period),
    "cases:street_import": UrlCase(allowed=POLICE_WRITERS, kwargs=_period),
    "cases:street_template": UrlCase(allowed=COUNTY_READERS, kwargs=_period),
    "cases:street_export": UrlCase(
        allowed=COUNTY_READERS, kwargs=lambda w: {"pk": w.period.pk, "fmt": "xlsx"}
    ),
    "cases:street_edit": UrlCase(allowed=POLICE_WRITERS, kwargs=lambda w: {"pk": w.extra["intervention"].pk}),
    "cases:employment": UrlCase(allowed=COUNTY_READERS, kwargs=_period),
    "cases:employment_template": UrlCase(allowed=COUNTY_READERS, kwargs=_period),
    "cases:employment_export": UrlCase(
        allowed=COUNTY_READERS, kwargs=lambda w: {"pk": w.period.pk, "fmt": "xlsx"}
    ),
    "cases:employment_entry": UrlCase(allowed=LABOUR_WRITERS, kwargs=_labour),
    "cases:employment_import": UrlCase(allowed=LABOUR_WRITERS, kwargs=_labour),
}
