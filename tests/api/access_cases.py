"""The permission matrix of the API (see tests/access.py).

The matrix calls with a signed-in session and no token; an anonymous call gets 401
(JSON, with `WWW-Authenticate: Token`), not the login page. It runs after the other
apps' builders, so the meeting, decision, activity and event they made are reused.
"""

from __future__ import annotations

from actionplan.choices import ProgressStatus
from actionplan.models import ActivityProgress
from cases.services.settings import age_groups_for
from krat.api.tokens import token_create
from krat.submissions.services import submission_open
from tests.access import LOGGED_IN, UrlCase
from tests.world import COUNTY_READERS, World

ANONYMOUS_401 = {"anonymous": 401}
WHOLE_COUNTY_AND_OWN = frozenset({"secretariat", "chair", "observer", "national_observer", "representative"})


def build(world: World) -> None:
    world.extra["submission"] = submission_open(period=world.period, institution=world.own_institution)
    world.extra["progress"] = ActivityProgress.objects.create(
        activity=world.extra["activity"], period=world.period, status=ProgressStatus.IN_PROGRESS
    )
    world.extra["token"], _key = token_create(user=world.users["secretariat"], name="TIMS")
    world.extra["age_group"] = age_groups_for(world.own)[0]


def api(allowed, kwargs=lambda w: {}, **options) -> UrlCase:
    return UrlCase(
        allowed=frozenset(allowed), kwargs=kwargs, public=True, status_for=ANONYMOUS_401, **options
    )


def _pk(name: str):
    return lambda w: {"pk": w.extra[name].pk}


CASES: dict[str, UrlCase] = {
    "api:schema": UrlCase(allowed=LOGGED_IN, public=True),
    "api:docs": UrlCase(allowed=LOGGED_IN, public=True),
    "api:institution-list": api(LOGGED_IN),
    "api:institution-detail": api(COUNTY_READERS, lambda w: {"pk": w.own_institution.pk}),
    "api:period-list": api(LOGGED_IN),
    "api:period-detail": api(COUNTY_READERS, lambda w: {"pk": w.period.pk}),
    "api:submission-list": api(LOGGED_IN),
    "api:submission-detail": api(WHOLE_COUNTY_AND_OWN, _pk("submission")),
    # Without If-Match the writers get 428, before anything is saved.
    "api:submission-submit": api(
        {"secretariat", "representative"}, _pk("submission"), method="post", ok_status=428
    ),
    "api:meeting-list": api(LOGGED_IN),
    "api:meeting-detail": api(COUNTY_READERS, _pk("meeting")),
    "api:decision-list": api(LOGGED_IN),
    "api:decision-detail": api(COUNTY_READERS, _pk("decision")),
    "api:event-list": api(LOGGED_IN),
    "api:event-detail": api(COUNTY_READERS, _pk("event")),
    "api:progress-list": api(LOGGED_IN),
    "api:progress-detail": api(COUNTY_READERS, _pk("progress")),
    "api:street-summary-detail": api(COUNTY_READERS, lambda w: {"period": w.period.pk}),
    "api:victim-grid-list": api(LOGGED_IN),
    "api:victim-grid-detail": api(COUNTY_READERS, lambda w: {"key": f"{w.period.pk}-{w.own_institution.pk}"}),
    "api:employment-grid-list": api(LOGGED_IN),
    "api:employment-grid-detail": api(
        COUNTY_READERS, lambda w: {"key": f"{w.period.pk}-{w.other_institution.pk}"}
    ),
    "api:street-intervention-list": api(LOGGED_IN),
    # One by one only to those who see the figures exact: the others read the summary.
    "api:street-intervention-detail": api({"secretariat", "chair", "representative"}, _pk("intervention")),
    "api:age-group-list": api(LOGGED_IN),
    "api:age-group-detail": api(COUNTY_READERS, _pk("age_group")),
    "api_tokens": UrlCase(allowed=LOGGED_IN),
    # Only the token's owner may revoke it; anyone else is told it does not exist.
    "api_token_revoke": UrlCase(
        allowed=frozenset({"secretariat"}), kwargs=_pk("token"), method="post", ok_status=302
    ),
}
