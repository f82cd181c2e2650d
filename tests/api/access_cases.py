"""The permission matrix of the API (see tests/access.py).

The matrix calls with a signed-in session and no token; an anonymous call gets 401
(JSON, with `WWW-Authenticate: Token`), not the log-in page. It runs after the other
apps' builders, so the meeting, decision, activity and event they made are reused.

A write without `If-Match` is answered 428 before anything is saved, so the roles a
PUT or PATCH serves get 428 here; a create (POST) is sent a valid body, so those it
serves create (201) and everyone else is refused. Another county's record named in a
body is answered like one that does not exist (400), never used.
"""

from __future__ import annotations

from actionplan.choices import ProgressStatus
from actionplan.models import ActivityProgress, AwarenessEvent, TargetGroup
from cases.models import AgeGroup, EmploymentFunnel, StreetIntervention, VictimReport
from cases.selectors.age_groups import age_groups_for
from krat.api.tokens import token_create
from krat.models import Institution, PeriodSubmission, ReportingPeriod
from krat.submissions.services import submission_open
from meetings.models import Decision, Meeting
from tests.access import LOGGED_IN, Reference, Rows, Seen, Serve, action, api, api_results, form, page, pks
from tests.world import COUNTY_READERS, World

READERS = {"get": Serve(COUNTY_READERS)}
# The world's period is open: its county figures are not published to readers who do not
# see them exact (`krat.access.figures_published`), who are told they do not exist yet.
UNPUBLISHED = {"observer": 404, "national_observer": 404}
WHOLE_COUNTY_AND_OWN = frozenset(
    {"secretariat", "chair", "observer", "national_observer", "superuser", "representative"}
)
WRITERS = frozenset({"secretariat", "representative", "superuser"})
LABOUR_WRITERS = frozenset({"secretariat", "other_representative", "superuser"})
EVENT_CREATORS = frozenset({"secretariat", "representative", "other_representative"})


def build(world: World) -> None:
    world.extra["submission"] = submission_open(period=world.period, institution=world.own_institution)
    world.extra["progress"] = ActivityProgress.objects.create(
        activity=world.extra["activity"], period=world.period, status=ProgressStatus.IN_PROGRESS
    )
    world.extra["token"], _key = token_create(user=world.users["secretariat"], name="TIMS")
    world.extra["age_group"] = age_groups_for(world.own)[0]


def _pk(name: str):
    return lambda w: {"pk": w.extra[name].pk}


def _key(institution: str):
    return lambda w: {"key": f"{w.period.pk}-{getattr(w, institution).pk}"}


# --- What each role sees in the lists ------------------------------------------------------------


def _in_counties(model, path: str = "county"):
    def visible(seen: Seen) -> set:
        return pks(model.objects.filter(**{f"{path}__in": seen.counties}))

    return visible


def _submissions(seen: Seen) -> set:
    """Whole-county readers every submission, a representative their institution's."""
    found = PeriodSubmission.objects.filter(period__county__in=seen.counties)
    if seen.user.role == "representative":
        found = found.filter(institution_id=seen.user.institution_id)
    return pks(found)


def _grids(model):
    """Each (period, institution) with figures published to the reader (a closed period's,
    or one it sees exact), and whether they are hidden from it."""

    def visible(seen: Seen) -> set:
        keys = (
            model.objects.filter(county__in=seen.counties)
            .values_list("period", "period__is_closed", "institution")
            .distinct()
        )
        institutions = Institution.objects.select_related("county").in_bulk({i for _p, _c, i in keys})
        found = set()
        for p, closed, i in keys:
            exact = seen.exact(institutions[i].county, institutions[i])
            if exact or closed:
                found.add((f"{p}-{i}", not exact))
        return found

    return visible


def _interventions(seen: Seen) -> set:
    """One by one only to those who see them exact: a county's secretariat and chair (a
    superuser everywhere), a representative their institution's."""
    found = StreetIntervention.objects.filter(county__in=seen.counties)
    user = seen.user
    exact = [c for c in seen.counties if seen.exact(c)]
    if user.role == "representative":
        return pks(found.filter(institution_id=user.institution_id))
    return pks(found.filter(county__in=exact))


# --- Bodies of the creates -----------------------------------------------------------------------


def _event_body(w: World) -> dict:
    event = w.extra["event"]
    return {
        "title": "Takim informues",
        "date": "2018-06-01",
        "municipality": event.municipality_id,
        "organiser": w.own_institution.pk,
        "target_groups": [TargetGroup.objects.order_by("pk").first().pk],
        "status": "planned",
    }


def _progress_body(w: World) -> dict:
    return {"activity": w.extra["activity"].pk, "period": w.extra["later_period"].pk, "status": "in_progress"}


def _intervention_body(w: World) -> dict:
    child = next(g for g in age_groups_for(w.own) if g.is_child)
    return {
        "institution": w.own_institution.pk,
        "date": "2018-03-10",
        "municipality": w.extra["intervention"].municipality_id,
        "place": "Sheshi",
        "activity": "begging",
        "accompanied": "no",
        "action": "returned",
        "counts": [{"sex": "female", "age_group": child.pk, "count": 1}],
    }


# The other county's secretariat names records it cannot see: a validation error (400).
BLIND_POST = {"post:other_secretariat": 400}

CASES = {
    # The description of the API is for signed-in people only (issue 14, point 10).
    "api:schema": api({"get": Serve(LOGGED_IN)}),
    "api:docs": page(LOGGED_IN),
    "api:institution-list": api(
        {"get": Serve(LOGGED_IN)}, rows=Rows(api_results(), _in_counties(Institution))
    ),
    "api:institution-detail": api(READERS, lambda w: {"pk": w.own_institution.pk}),
    "api:period-list": api(
        {"get": Serve(LOGGED_IN)}, rows=Rows(api_results(), _in_counties(ReportingPeriod))
    ),
    "api:period-detail": api(READERS, lambda w: {"pk": w.period.pk}),
    # Opening a submission: the institution's writers get it back (it exists).
    "api:submission-list": api(
        {"get": Serve(LOGGED_IN), "post": Serve(WRITERS)},
        body={"post": lambda w: {"period": w.period.pk, "institution": w.own_institution.pk}},
        status_for=BLIND_POST,
        rows=Rows(api_results(), _submissions),
    ),
    # A representative of another institution is told it does not exist.
    "api:submission-detail": api(
        {"get": Serve(WHOLE_COUNTY_AND_OWN)}, _pk("submission"), status_for={"other_representative": 404}
    ),
    "api:submission-submit": api(
        {"post": Serve(WRITERS, 428)}, _pk("submission"), status_for={"other_representative": 404}
    ),
    "api:meeting-list": api({"get": Serve(LOGGED_IN)}, rows=Rows(api_results(), _in_counties(Meeting))),
    "api:meeting-detail": api(READERS, _pk("meeting")),
    "api:decision-list": api(
        {"get": Serve(LOGGED_IN)}, rows=Rows(api_results(), _in_counties(Decision, "meeting__county"))
    ),
    "api:decision-detail": api(
        {"get": Serve(COUNTY_READERS), "put": Serve(WRITERS, 428), "patch": Serve(WRITERS, 428)},
        _pk("decision"),
    ),
    # A person of a county creates its events; the national observer and the superuser have none.
    "api:event-list": api(
        {"get": Serve(LOGGED_IN), "post": Serve(EVENT_CREATORS, 201)},
        body={"post": _event_body},
        status_for=BLIND_POST,
        rows=Rows(api_results(), _in_counties(AwarenessEvent)),
    ),
    "api:event-detail": api(
        {"get": Serve(COUNTY_READERS), "put": Serve(WRITERS, 428), "patch": Serve(WRITERS, 428)},
        _pk("event"),
    ),
    "api:progress-list": api(
        {"get": Serve(LOGGED_IN), "post": Serve(WRITERS, 201)},
        body={"post": _progress_body},
        status_for=BLIND_POST,
        rows=Rows(api_results(), _in_counties(ActivityProgress, "activity__plan__county")),
    ),
    "api:progress-detail": api(
        {"get": Serve(COUNTY_READERS), "put": Serve(WRITERS, 428), "patch": Serve(WRITERS, 428)},
        _pk("progress"),
    ),
    "api:street-summary-detail": api(
        READERS,
        lambda w: {"period": w.period.pk},
        status_for={**UNPUBLISHED, "representative": 404, "other_representative": 404},
    ),
    "api:victim-grid-list": api(
        {"get": Serve(LOGGED_IN)}, rows=Rows(api_results("key", "suppressed"), _grids(VictimReport))
    ),
    "api:victim-grid-detail": api(
        {"get": Serve(COUNTY_READERS), "put": Serve(WRITERS, 428)},
        _key("own_institution"),
        status_for={"get:observer": 404, "get:national_observer": 404, "get:other_representative": 404},
    ),
    # Mixed ids: the own period with another county's institution is nobody's grid.
    "api:victim-grid-detail other-county-institution": api(
        {"get": Serve(frozenset()), "put": Serve(frozenset())}, _key("foreign_institution"), refused=404
    ),
    "api:employment-grid-list": api(
        {"get": Serve(LOGGED_IN)}, rows=Rows(api_results("key", "suppressed"), _grids(EmploymentFunnel))
    ),
    "api:employment-grid-detail": api(
        {"get": Serve(COUNTY_READERS), "put": Serve(LABOUR_WRITERS, 428)},
        _key("other_institution"),
        status_for={"get:observer": 404, "get:national_observer": 404, "get:representative": 404},
    ),
    "api:employment-grid-detail other-county-institution": api(
        {"get": Serve(frozenset()), "put": Serve(frozenset())}, _key("foreign_institution"), refused=404
    ),
    "api:street-intervention-list": api(
        {"get": Serve(LOGGED_IN), "post": Serve(WRITERS, 201)},
        body={"post": _intervention_body},
        status_for=BLIND_POST,
        rows=Rows(api_results(), _interventions),
    ),
    # One by one only to those who see it exact; the others are told it does not exist.
    "api:street-intervention-detail": api(
        {
            "get": Serve(frozenset({"secretariat", "chair", "representative", "superuser"})),
            "put": Serve(WRITERS, 428),
            "patch": Serve(WRITERS, 428),
        },
        _pk("intervention"),
        status_for=dict.fromkeys(("other_representative", "observer", "national_observer"), 404),
    ),
    "api:age-group-list": api({"get": Serve(LOGGED_IN)}, rows=Rows(api_results(), _in_counties(AgeGroup))),
    "api:age-group-detail": api(READERS, _pk("age_group")),
    "api_tokens": form(LOGGED_IN),
    # Only the token's owner may revoke it; anyone else is told it does not exist.
    "api_token_revoke": action({"secretariat"}, _pk("token"), refused=404),
}


def _their(key: str, attribute: str = "pk"):
    return lambda w: getattr(w.mirror.extra[key], attribute)


def _their_child_group(w: World) -> int:
    return next(g for g in age_groups_for(w.other) if g.is_child).pk


# Writes naming a record of another county (see tests/access.py, Reference). The secretariat
# sees only its county's records; a superuser sees them all, so its writes show that the
# rule is the record's own, not only the list of choices.
REFERENCES = [
    Reference("api:submission-list", "institution", lambda w: w.foreign_institution.pk),
    Reference("api:submission-list", "institution", lambda w: w.foreign_institution.pk, role="superuser"),
    Reference("api:submission-list", "period", lambda w: w.foreign_period.pk, role="superuser"),
    Reference("api:event-list", "organiser", lambda w: w.foreign_institution.pk),
    Reference("api:event-list", "partners", lambda w: [w.foreign_institution.pk]),
    Reference("api:event-list", "municipality", _their("event", "municipality_id")),
    Reference("api:event-list", "activity", _their("activity")),
    Reference("api:progress-list", "period", lambda w: w.foreign_period.pk),
    Reference("api:progress-list", "period", lambda w: w.foreign_period.pk, role="superuser"),
    Reference("api:progress-list", "activity", _their("activity"), role="superuser"),
    Reference("api:street-intervention-list", "municipality", _their("intervention", "municipality_id")),
    Reference(
        "api:street-intervention-list",
        "municipality",
        _their("intervention", "municipality_id"),
        role="superuser",
    ),
    Reference(
        "api:street-intervention-list", "institution", lambda w: w.foreign_institution.pk, role="superuser"
    ),
    Reference("api:street-intervention-list", "counts.0.age_group", _their_child_group, role="superuser"),
    Reference(
        "api:event-detail",
        "organiser",
        lambda w: w.foreign_institution.pk,
        method="patch",
        own=lambda w: w.own_institution.pk,
    ),
    Reference(
        "api:event-detail",
        "municipality",
        _their("event", "municipality_id"),
        method="patch",
        own=lambda w: w.extra["event"].municipality_id,
    ),
    Reference(
        "api:street-intervention-detail",
        "municipality",
        _their("intervention", "municipality_id"),
        role="superuser",
        method="patch",
        own=lambda w: w.extra["intervention"].municipality_id,
    ),
]
