"""A small two-county world with one person per role, shared by the access tests.

`own` is the county every role but `other_secretariat` and `national_observer`
belongs to; `representative` writes for `own_institution`, `other_representative`
for another institution of the same county.
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
]
COUNTY_READERS = frozenset(
    {"secretariat", "chair", "representative", "other_representative", "observer", "national_observer"}
)
WHOLE_COUNTY_READERS = frozenset({"secretariat", "chair", "observer", "national_observer"})
MANAGERS = frozenset({"secretariat"})
HISTORY_READERS = frozenset({"secretariat", "chair"})


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
        "secretariat": UserFactory(username="sekretaria", role=Role.SECRETARIAT, county=own),
        "chair": UserFactory(username="kryetari", role=Role.CHAIR, county=own),
        "representative": UserFactory(
            username="perfaqesuesi",
            role=Role.REPRESENTATIVE,
            county=own,
            institution=own_institution,
            position=Position.REPRESENTATIVE,
        ),
        "other_representative": UserFactory(
            username="perfaqesuesi2", role=Role.REPRESENTATIVE, county=own, institution=other_institution
        ),
        "observer": UserFactory(username="vezhguesi", role=Role.OBSERVER, county=own),
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
