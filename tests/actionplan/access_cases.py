"""Permission cases of the action plan and calendar URLs (see tests/access.py)."""

from __future__ import annotations

import re

from actionplan.choices import EventStatus
from actionplan.models import ActionPlan, Activity, AwarenessEvent
from tests.access import LOGGED_IN, Reference, Rows, Seen, Serve, UrlCase, action, form, links, page, pks
from tests.actionplan.factories import ActivityFactory, EventFactory, ObjectiveFactory, PlanFactory
from tests.world import COUNTY_READERS, MANAGERS, World


def build(world: World) -> None:
    plan = PlanFactory(county=world.own, year=2018)
    objective = ObjectiveFactory(pillar=plan.pillars.create(name="Parandalimi"))
    activity = ActivityFactory(objective=objective, lead_institution=world.own_institution)
    activity.partners.add(world.other_institution)
    event = EventFactory(county=world.own, organiser=world.own_institution)
    # Not in the public calendar.
    EventFactory(county=world.own, organiser=world.own_institution, status=EventStatus.CANCELLED)
    world.extra.update(plan=plan, objective=objective, activity=activity, event=event)


def _slug(w: World) -> dict:
    return {"slug": w.own.slug}


def _plan(w: World) -> dict:
    return {"pk": w.extra["plan"].pk}


def _activity(w: World) -> dict:
    return {"pk": w.extra["activity"].pk}


def _event(w: World) -> dict:
    return {"pk": w.extra["event"].pk}


def _progress(w: World) -> dict:
    return {"pk": w.extra["activity"].pk, "period_pk": w.period.pk}


def _progress_other_county(w: World) -> dict:
    return {"pk": w.extra["activity"].pk, "period_pk": w.foreign_period.pk}


def _plans(seen: Seen) -> set:
    return pks(ActionPlan.objects.filter(county__in=seen.counties))


def _activities(seen: Seen) -> set:
    return pks(Activity.objects.filter(plan=seen.world.extra["plan"]))


def _events(seen: Seen) -> set:
    return pks(AwarenessEvent.objects.filter(county__in=seen.counties))


def _public_events(seen: Seen) -> set:
    public = (EventStatus.PLANNED, EventStatus.HELD)
    return pks(AwarenessEvent.objects.filter(county__in=seen.counties, status__in=public))


def _feed_events(response) -> set:
    return {int(pk) for pk in re.findall(r"UID:krat-awareness-(\d+)@", response.content.decode())}


# Only the lead institution (world.own_institution) and the secretariat record progress;
# partners (world.other_institution) comment.
PROGRESS = frozenset({"secretariat", "representative", "superuser"})
COMMENTERS = frozenset({"secretariat", "other_representative", "superuser"})
EVENT_CREATORS = frozenset({"secretariat", "representative", "other_representative", "superuser"})
EVENT_EDITORS = frozenset({"secretariat", "representative", "superuser"})

CASES: dict[str, UrlCase] = {
    "actionplan:plan_list": page(COUNTY_READERS, _slug, rows=Rows(links("actionplan:plan_detail"), _plans)),
    "actionplan:plan_create": form(MANAGERS, _slug),
    "actionplan:plan_detail": page(
        COUNTY_READERS, _plan, rows=Rows(links("actionplan:activity_detail"), _activities)
    ),
    "actionplan:plan_overview": page(COUNTY_READERS, _plan),
    "actionplan:plan_export": page(COUNTY_READERS, _plan),
    "actionplan:plan_edit": form(MANAGERS, _plan),
    "actionplan:plan_import": form(MANAGERS, _plan),
    "actionplan:plan_template": page(MANAGERS, _plan),
    "actionplan:pillar_create": form(MANAGERS, _plan),
    "actionplan:pillar_edit": form(MANAGERS, lambda w: {"pk": w.extra["objective"].pillar_id}),
    "actionplan:objective_create": form(MANAGERS, _plan),
    "actionplan:objective_edit": form(MANAGERS, lambda w: {"pk": w.extra["objective"].pk}),
    "actionplan:activity_create": form(MANAGERS, _plan),
    "actionplan:activity_edit": form(MANAGERS, _activity),
    "actionplan:activity_detail": page(COUNTY_READERS, _activity),
    "actionplan:progress_edit": form(PROGRESS, _progress),
    # Mixed ids: the own activity with another county's period is found for nobody.
    "actionplan:progress_edit other-county-period": UrlCase(
        methods={"get": Serve(PROGRESS, 404), "post": Serve(PROGRESS, 404)}, kwargs=_progress_other_county
    ),
    # An empty comment is answered with a redirect and a message.
    "actionplan:comment_add": action(COMMENTERS, _progress),
    "actionplan:comment_add other-county-period": action(COMMENTERS, _progress_other_county, status=404),
    "actionplan:event_month": page(
        COUNTY_READERS,
        _slug,
        query={"muaji": "2018-05"},
        rows=Rows(links("actionplan:event_detail"), _events),
    ),
    "actionplan:event_list": page(
        COUNTY_READERS, _slug, rows=Rows(links("actionplan:event_detail"), _events)
    ),
    "actionplan:event_detail": page(COUNTY_READERS, _event),
    "actionplan:event_create": form(EVENT_CREATORS, _slug),
    "actionplan:event_edit": form(EVENT_EDITORS, _event),
    # The calendar is public by design: anyone, signed in or not, reads its planned and held events.
    "actionplan:event_feed": page(LOGGED_IN, _slug, public=True, rows=Rows(_feed_events, _public_events)),
}


# Writes naming a record of another county (see tests/access.py, Reference).
REFERENCES = [
    Reference("actionplan:objective_edit", "pillar", lambda w: w.mirror.extra["objective"].pillar_id),
    Reference("actionplan:activity_edit", "objective", lambda w: w.mirror.extra["objective"].pk),
    Reference("actionplan:activity_edit", "lead_institution", lambda w: w.foreign_institution.pk),
    Reference("actionplan:activity_edit", "partners", lambda w: [w.foreign_institution.pk]),
    Reference("actionplan:event_edit", "organiser", lambda w: w.foreign_institution.pk),
    Reference("actionplan:event_edit", "partners", lambda w: [w.foreign_institution.pk]),
    Reference("actionplan:event_edit", "municipality", lambda w: w.mirror.extra["event"].municipality_id),
    Reference("actionplan:event_edit", "activity", lambda w: w.mirror.extra["activity"].pk),
]
