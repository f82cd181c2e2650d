"""Permission cases of the action plan and calendar URLs (see tests/access.py)."""

from __future__ import annotations

from tests.access import UrlCase
from tests.actionplan.factories import ActivityFactory, EventFactory, ObjectiveFactory, PlanFactory
from tests.world import COUNTY_READERS, MANAGERS, World


def build(world: World) -> None:
    plan = PlanFactory(county=world.own, year=2018)
    objective = ObjectiveFactory(pillar=plan.pillars.create(name="Parandalimi"))
    activity = ActivityFactory(objective=objective, lead_institution=world.own_institution)
    activity.partners.add(world.other_institution)
    event = EventFactory(county=world.own, organiser=world.own_institution)
    world.extra.update(plan=plan, objective=objective, activity=activity, event=event)


def _slug(w: World) -> dict:
    return {"slug": w.own.slug}


def _plan(w: World) -> dict:
    return {"pk": w.extra["plan"].pk}


def _activity(w: World) -> dict:
    return {"pk": w.extra["activity"].pk}


def _event(w: World) -> dict:
    return {"pk": w.extra["event"].pk}


CASES: dict[str, UrlCase] = {
    "actionplan:plan_list": UrlCase(allowed=COUNTY_READERS, kwargs=_slug),
    "actionplan:plan_create": UrlCase(allowed=MANAGERS, kwargs=_slug),
    "actionplan:plan_detail": UrlCase(allowed=COUNTY_READERS, kwargs=_plan),
    "actionplan:plan_overview": UrlCase(allowed=COUNTY_READERS, kwargs=_plan),
    "actionplan:plan_export": UrlCase(allowed=COUNTY_READERS, kwargs=_plan),
    "actionplan:plan_edit": UrlCase(allowed=MANAGERS, kwargs=_plan),
    "actionplan:plan_import": UrlCase(allowed=MANAGERS, kwargs=_plan),
    "actionplan:plan_template": UrlCase(allowed=MANAGERS, kwargs=_plan),
    "actionplan:pillar_create": UrlCase(allowed=MANAGERS, kwargs=_plan),
    "actionplan:pillar_edit": UrlCase(
        allowed=MANAGERS, kwargs=lambda w: {"pk": w.extra["objective"].pillar_id}
    ),
    "actionplan:objective_create": UrlCase(allowed=MANAGERS, kwargs=_plan),
    "actionplan:objective_edit": UrlCase(allowed=MANAGERS, kwargs=lambda w: {"pk": w.extra["objective"].pk}),
    "actionplan:activity_create": UrlCase(allowed=MANAGERS, kwargs=_plan),
    "actionplan:activity_edit": UrlCase(allowed=MANAGERS, kwargs=_activity),
    "actionplan:activity_detail": UrlCase(allowed=COUNTY_READERS, kwargs=_activity),
    # Only the lead institution (world.own_institution) and the secretariat record progress.
    "actionplan:progress_edit": UrlCase(
        allowed=frozenset({"secretariat", "representative"}),
        kwargs=lambda w: {"pk": w.extra["activity"].pk, "period_pk": w.period.pk},
    ),
    # Partners (world.other_institution) comment; an empty post is answered with a redirect.
    "actionplan:comment_add": UrlCase(
        allowed=frozenset({"secretariat", "other_representative"}),
        kwargs=lambda w: {"pk": w.extra["activity"].pk, "period_pk": w.period.pk},
        method="post",
        ok_status=302,
    ),
    "actionplan:event_month": UrlCase(allowed=COUNTY_READERS, kwargs=_slug),
    "actionplan:event_list": UrlCase(allowed=COUNTY_READERS, kwargs=_slug),
    "actionplan:event_detail": UrlCase(allowed=COUNTY_READERS, kwargs=_event),
    "actionplan:event_create": UrlCase(
        allowed=frozenset({"secretariat", "representative", "other_representative"}), kwargs=_slug
    ),
    "actionplan:event_edit": UrlCase(allowed=frozenset({"secretariat", "representative"}), kwargs=_event),
    # The calendar is public by design: anyone, signed in or not, reads the feed.
    "actionplan:event_feed": UrlCase(
        allowed=frozenset(COUNTY_READERS | {"other_secretariat"}), kwargs=_slug, public=True
    ),
}
