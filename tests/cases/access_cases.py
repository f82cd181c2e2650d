"""The permission matrix of the period data: who reads, who enters which figures.

The world's `own_institution` is the police (reports victims and street children),
`other_institution` the labour office (reports employment only); the builder adds the
social services, whose figures the police's representative reads only with small numbers hidden.
"""

from __future__ import annotations

import datetime

from cases.models import EmploymentFunnel, StreetIntervention
from cases.services.employment import employment_save
from krat.choices import InstitutionKind
from tests.access import Reference, Rows, Seen, Serve, UrlCase, form, in_context, page, pks
from tests.factories import InstitutionFactory
from tests.world import COUNTY_READERS, MANAGERS, World

POLICE_WRITERS = frozenset({"secretariat", "representative", "superuser"})
LABOUR_WRITERS = frozenset({"secretariat", "other_representative", "superuser"})


def build(world: World) -> None:
    from tests.cases.factories import intervention, municipality, save_victims

    social = InstitutionFactory(
        county=world.own, name=f"Shërbimi Social {world.own.name}", kind=InstitutionKind.SOCIAL_SERVICES
    )
    world.extra["social_services"] = social
    place = municipality(world.own, world.own.name)
    save_victims(world.period, world.own_institution, 4, 1)
    save_victims(world.period, social, 2, 0)
    world.extra["intervention"] = intervention(
        world.own, world.own_institution, datetime.date(2018, 2, 3), girls=2, where=place
    )
    intervention(world.own, social, datetime.date(2018, 2, 4), girls=1, where=place)
    path = EmploymentFunnel(
        group="economic_aid",
        sex="female",
        received=10,
        interviewed=8,
        ready=4,
        referred_vacancy=3,
        employed=2,
    )
    employment_save(period=world.period, institution=world.other_institution, rows=[path], expected_stamp=0)


# The world's period is open: its county figures are not published to readers who do not
# see them exact (`krat.access.figures_published`); a representative exports its own.
UNPUBLISHED = {"observer": 404, "national_observer": 404}


def _period(w: World) -> dict:
    return {"pk": w.period.pk}


def _police(w: World) -> dict:
    return {"pk": w.period.pk, "institution": w.own_institution.pk}


def _labour(w: World) -> dict:
    return {"pk": w.period.pk, "institution": w.other_institution.pk}


def _other_county_institution(w: World) -> dict:
    return {"pk": w.period.pk, "institution": w.foreign_institution.pk}


def _interventions(seen: Seen) -> set:
    """One by one, to those who see them exact: all of the period's, or the representative's own."""
    period = seen.world.period
    listed = StreetIntervention.objects.filter(period=period)
    if seen.exact(period.county):
        return pks(listed)
    user = seen.user
    mine = (
        listed.filter(institution_id=user.institution_id) if user.role == "representative" else listed.none()
    )
    return pks(mine)


# Mixed ids: the own period with another county's institution is nobody's grid.
NOBODY_ENTERS = UrlCase(
    methods={"get": Serve(frozenset()), "post": Serve(frozenset())},
    kwargs=_other_county_institution,
    refused=404,
)

CASES: dict[str, UrlCase] = {
    "cases:home": page(COUNTY_READERS, lambda w: {"slug": w.own.slug}, status=302),
    "cases:settings": form(MANAGERS, lambda w: {"slug": w.own.slug}),
    "cases:victims": page(COUNTY_READERS, _period),
    "cases:victims_template": page(COUNTY_READERS, _period),
    "cases:victims_export": page(
        COUNTY_READERS, lambda w: {"pk": w.period.pk, "fmt": "csv"}, status_for=UNPUBLISHED
    ),
    "cases:victims_entry": form(POLICE_WRITERS, _police),
    "cases:victims_entry other-county-institution": NOBODY_ENTERS,
    "cases:victims_import": form(POLICE_WRITERS, _police),
    "cases:victims_import other-county-institution": NOBODY_ENTERS,
    "cases:street": page(COUNTY_READERS, _period, rows=Rows(in_context("interventions"), _interventions)),
    "cases:street_create": form(POLICE_WRITERS, _period),
    "cases:street_import": form(POLICE_WRITERS, _period),
    "cases:street_template": page(COUNTY_READERS, _period),
    "cases:street_export": page(
        COUNTY_READERS, lambda w: {"pk": w.period.pk, "fmt": "xlsx"}, status_for=UNPUBLISHED
    ),
    "cases:street_edit": form(POLICE_WRITERS, lambda w: {"pk": w.extra["intervention"].pk}),
    "cases:employment": page(COUNTY_READERS, _period),
    "cases:employment_template": page(COUNTY_READERS, _period),
    "cases:employment_export": page(
        COUNTY_READERS, lambda w: {"pk": w.period.pk, "fmt": "xlsx"}, status_for=UNPUBLISHED
    ),
    "cases:employment_entry": form(LABOUR_WRITERS, _labour),
    "cases:employment_entry other-county-institution": NOBODY_ENTERS,
    "cases:employment_import": form(LABOUR_WRITERS, _labour),
    "cases:employment_import other-county-institution": NOBODY_ENTERS,
}


def _their_municipality(w: World) -> int:
    return w.mirror.extra["intervention"].municipality_id


# Writes naming a record of another county (see tests/access.py, Reference).
REFERENCES = [
    Reference("cases:street_edit", "municipality", _their_municipality),
    Reference("cases:street_edit", "municipality", _their_municipality, role="superuser"),
    Reference("cases:employment_entry", "form-0-age_group", lambda w: w.mirror.extra["age_group"].pk),
]
