"""The public iCalendar feed of a county's awareness calendar (RFC 5545, via `icalendar`).

Only planned and held events are published, and only their public fields: never the
internal note or the count of people reached. The file itself is built by `krat.ical`,
as the meeting invitations are.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from actionplan.choices import EventStatus
from actionplan.models import AwarenessEvent
from krat import ical
from krat.models import County

DEFAULT_DURATION = datetime.timedelta(hours=2)


def _uid(event: AwarenessEvent, county: County) -> str:
    """Stable across downloads, so calendar programs update an event instead of adding it twice."""
    return f"krat-awareness-{event.pk}@{county.slug}.krat"


def calendar_bytes(
    county: County, events: Iterable[AwarenessEvent], *, now: datetime.datetime | None = None
) -> bytes:
    """The county's public events as an .ics file."""
    return ical.calendar_bytes(
        [
            _public_event(item, county)
            for item in events
            if item.status in (EventStatus.PLANNED, EventStatus.HELD)
        ],
        name=_("Awareness activities, %(county)s") % {"county": county.name},
        now=now,
    )


def _public_event(item: AwarenessEvent, county: County) -> ical.CalendarEvent:
    zone = ZoneInfo(settings.TIME_ZONE)
    start: datetime.date  # a moment (a datetime) or, for a whole-day event, a date
    end: datetime.date
    if item.start_time:
        start = datetime.datetime.combine(item.date, item.start_time, tzinfo=zone)
        if item.end_time:
            end = datetime.datetime.combine(item.date, item.end_time, tzinfo=zone)
        else:
            # Two hours by default, added to the moment (not to the time of day), so that
            # an event starting at 23:00 ends at 01:00 the next day.
            end = start + DEFAULT_DURATION
    else:
        start, end = item.date, item.date + datetime.timedelta(days=1)
    lines = [item.description] if item.description else []
    lines.append(_("Organised by: %(institution)s") % {"institution": item.organiser.name})
    return ical.CalendarEvent(
        uid=_uid(item, county),
        start=start,
        end=end,
        summary=item.title,
        location=", ".join(filter(None, [item.venue, item.municipality.name])),
        description="\n".join(lines),
        status="CONFIRMED",
        sequence=item.version,
    )
