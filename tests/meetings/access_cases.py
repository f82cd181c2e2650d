"""Permission matrix cases of the meetings app (see tests/access.py)."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings

from meetings.models import Attachment, MinutesVersion
from tests.access import UrlCase
from tests.meetings.factories import AgendaItemFactory, DecisionFactory, MeetingFactory, aware
from tests.world import COUNTY_READERS, MANAGERS, World

ACCESS_FILE = "meetings/access-matrix/regullorja.pdf"


def build(world: World) -> None:
    meeting = MeetingFactory(county=world.own, chair=world.users["chair"])
    world.extra["meeting"] = meeting
    world.extra["item"] = AgendaItemFactory(meeting=meeting, position=1)
    world.extra["decision"] = DecisionFactory(meeting=meeting, responsible=world.own_institution)
    # One small fixed file under MEDIA_ROOT (git-ignored), written the same by every run.
    path = Path(settings.MEDIA_ROOT) / ACCESS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4\n%%EOF\n")
    common = {"meeting": meeting, "content_type": "application/pdf", "size": 15}
    world.extra["attachment"] = Attachment.objects.create(
        title="Rregullorja", file=ACCESS_FILE, original_name="regullorja.pdf", **common
    )
    # A stored version of approved minutes (its own meeting, so the one above stays open).
    approved = MeetingFactory(
        county=world.own,
        title="Takimi i miratuar",
        chair=world.users["chair"],
        starts_at=aware(datetime.date(2018, 4, 26)),
    )
    version = MinutesVersion(
        meeting=approved,
        number=1,
        approved_by=world.users["chair"],
        approved_at=approved.starts_at,
        summary={},
    )
    version.store(b"%PDF-1.4\n%%EOF\n")
    version.save()
    world.extra["minutes_version"] = version
    # The one the delete case removes: its file is not there, so nothing shared is lost.
    world.extra["attachment_to_delete"] = Attachment.objects.create(
        title="Prezantimi", file="meetings/access-matrix/missing.pdf", original_name="p.pdf", **common
    )


def _slug(w: World) -> dict:
    return {"slug": w.own.slug}


def _meeting(w: World) -> dict:
    return {"pk": w.extra["meeting"].pk}


def _pk(key: str):
    return lambda w: {"pk": w.extra[key].pk}


CHAIR = frozenset({"chair"})
FOLLOW_UP = frozenset({"secretariat", "representative"})

CASES: dict[str, UrlCase] = {
    "meetings:list": UrlCase(allowed=COUNTY_READERS, kwargs=_slug),
    "meetings:create": UrlCase(allowed=MANAGERS, kwargs=_slug),
    "meetings:decisions_xlsx": UrlCase(allowed=COUNTY_READERS, kwargs=_slug),
    "meetings:detail": UrlCase(allowed=COUNTY_READERS, kwargs=_meeting),
    "meetings:edit": UrlCase(allowed=MANAGERS, kwargs=_meeting),
    "meetings:status": UrlCase(allowed=MANAGERS, kwargs=_meeting, method="post", ok_status=302),
    "meetings:agenda_add": UrlCase(allowed=MANAGERS, kwargs=_meeting),
    "meetings:agenda_edit": UrlCase(allowed=MANAGERS, kwargs=_pk("item")),
    "meetings:agenda_delete": UrlCase(allowed=MANAGERS, kwargs=_pk("item"), method="post", ok_status=302),
    "meetings:attendance": UrlCase(allowed=MANAGERS, kwargs=_meeting),
    "meetings:minutes": UrlCase(allowed=MANAGERS, kwargs=_meeting),
    "meetings:decision_add": UrlCase(allowed=MANAGERS, kwargs=_meeting),
    "meetings:decision_edit": UrlCase(allowed=MANAGERS, kwargs=_pk("decision")),
    "meetings:decision_status": UrlCase(allowed=FOLLOW_UP, kwargs=_pk("decision")),
    "meetings:approve": UrlCase(allowed=CHAIR, kwargs=_meeting, method="post", ok_status=302),
    "meetings:reopen": UrlCase(allowed=CHAIR, kwargs=_meeting),
    "meetings:invite": UrlCase(allowed=MANAGERS, kwargs=_meeting, method="post", ok_status=302),
    "meetings:invitation_pdf": UrlCase(allowed=COUNTY_READERS, kwargs=_meeting),
    "meetings:ics": UrlCase(allowed=COUNTY_READERS, kwargs=_meeting),
    "meetings:summary": UrlCase(allowed=COUNTY_READERS, kwargs=_meeting),
    "meetings:summary_pdf": UrlCase(allowed=COUNTY_READERS, kwargs=_meeting),
    "meetings:minutes_version_pdf": UrlCase(allowed=COUNTY_READERS, kwargs=_pk("minutes_version")),
    "meetings:attachment_add": UrlCase(allowed=MANAGERS, kwargs=_meeting),
    "meetings:attachment": UrlCase(allowed=COUNTY_READERS, kwargs=_pk("attachment")),
    "meetings:attachment_delete": UrlCase(
        allowed=MANAGERS, kwargs=_pk("attachment_to_delete"), method="post", ok_status=302
    ),
}
