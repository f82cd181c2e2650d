"""A small two-county world with one person per role, shared by the access tests.

`own` is the county every role but `other_secretariat`, `national_observer` and `superuser`
belongs to; `representative` writes for `own_institution`, `other_representative` for
another institution of the same county.

`build_world()` builds the own county's people (and a bare other county: one institution,
one period, its secretariat). `build_two_counties()` builds, for the access matrix, the
other county as fully as the own one, seen from its own side as `world.mirror` (its own
people in every role), and a superuser with a verified second factor.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from krat.choices import InstitutionKind, Position, Role
from krat.models import County, Institution, ReportingPeriod, User
from tests.factories import CountyFactory, InstitutionFactory, PeriodFactory, UserFactory

ROLES = [
    "anonymous",
    "secretariat",
    "chair",
    "representative",
    "other_representative",
    "observer",
    "national_observer",
    "other_secretariat",
    "superuser",
]
# The superuser has no county: it reads every county, manages and chairs everywhere.
COUNTY_READERS = frozenset(
    {
        "secretariat",
        "chair",
        "representative",
        "other_representative",
        "observer",
        "national_observer",
        "superuser",
    }
)
WHOLE_COUNTY_READERS = frozenset({"secretariat", "chair", "observer", "national_observer", "superuser"})
MANAGERS = frozenset({"secretariat", "superuser"})
HISTORY_READERS = frozenset({"secretariat", "chair", "superuser"})
CHAIRS = frozenset({"chair", "superuser"})
# Who sees the own county's figures exact (the others read small numbers hidden).
EXACT_READERS = frozenset({"secretariat", "chair", "superuser"})
NATIONAL = frozenset({"national_observer", "superuser"})
# Seen from the other county, the own county's people are strangers and its secretariat
# is "ours": `MIRROR_ROLE[role]` is the role whose answer `role` gets on the other county's records.
MIRROR_ROLE = {
    "anonymous": "anonymous",
    "secretariat": "other_secretariat",
    "chair": "other_secretariat",
    "representative": "other_secretariat",
    "other_representative": "other_secretariat",
    "observer": "other_secretariat",
    "national_observer": "national_observer",
    "other_secretariat": "secretariat",
    "superuser": "superuser",
}


@dataclass
class World:
    own: County
    other: County
    own_institution: Institution
    other_institution: Institution
    foreign_institution: Institution
    period: ReportingPeriod
    foreign_period: ReportingPeriod
    users: dict[str, User]
    extra: dict[str, object] = field(default_factory=dict)
    mirror: World | None = None


def _people(
    county: County, institution: Institution, other_institution: Institution, suffix: str, secretariat=None
) -> dict:
    return {
        "secretariat": secretariat
        or UserFactory(username=f"sekretaria{suffix}", role=Role.SECRETARIAT, county=county),
        "chair": UserFactory(username=f"kryetari{suffix}", role=Role.CHAIR, county=county),
        "representative": UserFactory(
            username=f"perfaqesuesi{suffix}",
            role=Role.REPRESENTATIVE,
            county=county,
            institution=institution,
            position=Position.REPRESENTATIVE,
        ),
        "other_representative": UserFactory(
            username=f"perfaqesuesi2{suffix}",
            role=Role.REPRESENTATIVE,
            county=county,
            institution=other_institution,
        ),
        "observer": UserFactory(username=f"vezhguesi{suffix}", role=Role.OBSERVER, county=county),
    }


def build_world() -> World:
    own = CountyFactory(name="Durrës", slug="durres", prefecture_name="Prefektura e Qarkut Durrës")
    other = CountyFactory(name="Vlorë", slug="vlore", prefecture_name="Prefektura e Qarkut Vlorë")
    own_institution = InstitutionFactory(county=own, name="Policia Durrës", kind=InstitutionKind.STATE_POLICE)
    other_institution = InstitutionFactory(
        county=own, name="Zyra e Punës Durrës", kind=InstitutionKind.LABOUR_OFFICE
    )
    foreign_institution = InstitutionFactory(county=other, name="Policia Vlorë")
    period = PeriodFactory(county=own, label="Janar – Prill 2018")
    foreign_period = PeriodFactory(county=other, label="Janar – Prill 2018")
    users = {
        **_people(own, own_institution, other_institution, ""),
        "national_observer": UserFactory(username="kombetar", role=Role.NATIONAL_OBSERVER, county=None),
        "other_secretariat": UserFactory(username="sekretaria.vlore", role=Role.SECRETARIAT, county=other),
    }
    return World(
        own=own,
        other=other,
        own_institution=own_institution,
        other_institution=other_institution,
        foreign_institution=foreign_institution,
        period=period,
        foreign_period=foreign_period,
        users=users,
    )


def build_two_counties() -> World:
    """`build_world()`, a superuser, and the other county's own side as `world.mirror`:
    a second institution, its people in every role, and (once the builders have run on
    both sides) the same records as the own county."""
    world = build_world()
    world.users["superuser"] = UserFactory(
        username="admin", role="", county=None, is_superuser=True, is_staff=True
    )
    other_labour = InstitutionFactory(
        county=world.other, name="Zyra e Punës Vlorë", kind=InstitutionKind.LABOUR_OFFICE
    )
    theirs = _people(
        world.other, world.foreign_institution, other_labour, ".vlore", world.users["other_secretariat"]
    )
    world.mirror = World(
        own=world.other,
        other=world.own,
        own_institution=world.foreign_institution,
        other_institution=other_labour,
        foreign_institution=world.own_institution,
        period=world.foreign_period,
        foreign_period=world.period,
        users={
            **theirs,
            "national_observer": world.users["national_observer"],
            "other_secretariat": world.users["secretariat"],
            "superuser": world.users["superuser"],
        },
    )
    world.mirror.mirror = world
    return world
