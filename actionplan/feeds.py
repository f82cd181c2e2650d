"""The public iCalendar feed of a county's awareness calendar (RFC 5545, via `icalendar`).

Only planned and held events are published, and only their public fields: never the
internal note or the count of people reached. The meetings app builds its own feed in
`krat/ical.py`; the two are to be unified later.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from actionplan.choices import EventStatus
from actionplan.models import AwarenessEvent
from krat.models import County

PRODID = "-//KRAT//Kalendari i aktiviteteve ndërgjegjësuese//SQ"


def _uid(event: AwarenessEvent, county: County) -> str:
    """Stable across downloads, so calendar programs update an event instead of adding it twice."""
    return f"krat-awareness-{event.pk}@{county.slug}.krat"


def calendar_bytes(
    county: County, events: Iterable[AwarenessEvent], *, now: datetime.datetime | None = None
) -> bytes:
    """The county's public events as an .ics file."""
    zone = ZoneInfo(settings.TIME_ZONE)
    stamp = (now or timezone.now()).astimezone(datetime.UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Awareness activities, %(county)s") % {"county": county.name})
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for item in events:
        if item.status not in (EventStatus.PLANNED, EventStatus.HELD):
            continue
        event = Event()
        event.add("uid", _uid(item, county))
        event.add("dtstamp", stamp)
        event.add("summary", item.title)
        if item.start_time:
            start = datetime.datetime.combine(item.date, item.start_time, tzinfo=zone)
            end_time = item.end_time or (start + datetime.timedelta(hours=2)).time()
            event.add("dtstart", start)
            event.add("dtend", datetime.datetime.combine(item.date, end_time, tzinfo=zone))
        else:
            event.add("dtstart", item.date)
            event.add("dtend", item.date + datetime.timedelta(days=1))
        place = ", ".join(filter(None, [item.venue, item.municipality.name]))
        event.add("location", place)
        lines = [item.description] if item.description else []
        lines.append(_("Organised by: %(institution)s") % {"institution": item.organiser.name})
        event.add("description", "\n".join(lines))
        event.add("status", "CONFIRMED")
        event.add("sequence", item.version)
        calendar.add_component(event)
    # Outlook needs the VTIMEZONE that the TZID parameters name.
    calendar.add_missing_timezones()
    return calendar.to_ical()
