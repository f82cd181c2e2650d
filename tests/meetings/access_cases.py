"""Permission matrix cases of the meetings app (see tests/access.py)."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings

from meetings.models import Attachment, Decision, Meeting, MinutesVersion
from tests.access import Reference, Rows, Seen, UrlCase, action, form, links, page, pks, xlsx_column
from tests.meetings.factories import AgendaItemFactory, DecisionFactory, MeetingFactory, aware
from tests.world import CHAIRS, COUNTY_READERS, MANAGERS, World

ACCESS_FILE = "meetings/access-matrix/regullorja.pdf"


def build(world: World) -> None:
    meeting = MeetingFactory(county=world.own, chair=world.users["chair"])
    world.extra["meeting"] = meeting
    world.extra["item"] = AgendaItemFactory(meeting=meeting, position=1)
    world.extra["decision"] = DecisionFactory(meeting=meeting, responsible=world.own_institution)
    # Another meeting of the county, whose agenda no decision of the first may name.
    world.extra["other_item"] = AgendaItemFactory(meeting=MeetingFactory(county=world.own), position=1)
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


FOLLOW_UP = frozenset({"secretariat", "representative", "superuser"})


def _decision_texts(seen: Seen) -> set:
    return set(Decision.objects.filter(meeting__county__in=seen.counties).values_list("text", flat=True))


def _attachments(seen: Seen) -> set:
    return pks(Attachment.objects.filter(meeting=seen.world.extra["meeting"]))


def _meetings(seen: Seen) -> set:
    return pks(Meeting.objects.filter(county__in=seen.counties))


CASES: dict[str, UrlCase] = {
    "meetings:list": page(COUNTY_READERS, _slug, rows=Rows(links("meetings:detail"), _meetings)),
    "meetings:create": form(MANAGERS, _slug),
    "meetings:decisions_xlsx": page(COUNTY_READERS, _slug, rows=Rows(xlsx_column(3), _decision_texts)),
    "meetings:detail": page(COUNTY_READERS, _meeting, rows=Rows(links("meetings:attachment"), _attachments)),
    "meetings:edit": form(MANAGERS, _meeting),
    "meetings:status": action(MANAGERS, _meeting),
    "meetings:agenda_add": form(MANAGERS, _meeting),
    "meetings:agenda_edit": form(MANAGERS, _pk("item")),
    "meetings:agenda_delete": action(MANAGERS, _pk("item")),
    "meetings:agenda_move": action(MANAGERS, _pk("item")),
    "meetings:agenda_reorder": action(MANAGERS, _meeting),
    "meetings:attendance": form(MANAGERS, _meeting),
    "meetings:minutes": form(MANAGERS, _meeting),
    "meetings:decision_add": form(MANAGERS, _meeting),
    "meetings:decision_edit": form(MANAGERS, _pk("decision")),
    "meetings:decision_status": form(FOLLOW_UP, _pk("decision")),
    "meetings:approve": form(CHAIRS, _meeting, post_status=302),  # no version: refused, with a message
    "meetings:reopen": form(CHAIRS, _meeting),
    "meetings:invite": action(MANAGERS, _meeting),
    "meetings:invitation_pdf": page(COUNTY_READERS, _meeting),
    "meetings:ics": page(COUNTY_READERS, _meeting),
    "meetings:summary": page(COUNTY_READERS, _meeting),
    "meetings:summary_pdf": page(COUNTY_READERS, _meeting),
    "meetings:minutes_version_pdf": page(COUNTY_READERS, _pk("minutes_version")),
    "meetings:attachment_add": form(MANAGERS, _meeting),
    "meetings:attachment": page(COUNTY_READERS, _pk("attachment")),
    "meetings:attachment_delete": action(MANAGERS, _pk("attachment_to_delete")),
}


# Writes naming a record of another county, or of another meeting (see tests/access.py, Reference).
REFERENCES = [
    Reference("meetings:edit", "chair", lambda w: w.mirror.users["chair"].pk),
    Reference("meetings:edit", "period", lambda w: w.foreign_period.pk),
    Reference("meetings:edit", "action_plan", lambda w: w.mirror.extra["plan"].pk),
    Reference("meetings:edit", "invited_institutions", lambda w: [w.foreign_institution.pk]),
    Reference("meetings:agenda_edit", "presenter", lambda w: w.foreign_institution.pk),
    Reference("meetings:decision_edit", "agenda_item", lambda w: w.mirror.extra["item"].pk),
    Reference("meetings:decision_edit", "agenda_item", lambda w: w.extra["other_item"].pk),
    Reference("meetings:decision_edit", "responsible", lambda w: w.foreign_institution.pk),
]
