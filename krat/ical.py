"""iCalendar (RFC 5545) files for meetings and events, built with the `icalendar` package."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from krat.inputs import strip_bidi

PRODID = "-//KRAT//Komiteti Rajonal Antitrafik//SQ"


@dataclass(frozen=True)
class CalendarEvent:
    """One VEVENT. `uid` must stay the same for the same event across files, so that
    calendars update the event instead of adding a copy. Datetimes should be aware."""

    uid: str
    start: datetime.datetime | datetime.date
    end: datetime.datetime | datetime.date
    summary: str
    location: str = ""
    description: str = ""
    status: str = ""  # e.g. CONFIRMED
    sequence: int = 0  # raise it when the event changes, so calendars take the change

    def __post_init__(self) -> None:
        # A calendar program shows an event that ends before it starts nowhere or at the
        # wrong time; every producer (meetings, the awareness feed) is held to it here.
        if isinstance(self.start, datetime.datetime) != isinstance(self.end, datetime.datetime):
            raise ValueError(f"{self.uid}: start and end must both be dates or both datetimes")
        if self.end <= self.start:
            raise ValueError(f"{self.uid}: the end ({self.end}) must come after the start ({self.start})")


def calendar_bytes(
    events: Iterable[CalendarEvent], *, name: str = "", now: datetime.datetime | None = None
) -> bytes:
    """A VCALENDAR holding `events`, as bytes ready to attach or serve as text/calendar.

    The time zones the events name are included (Outlook needs their VTIMEZONE).
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    if name:
        calendar.add("x-wr-calname", name)
    stamp = (now or timezone.now()).astimezone(datetime.UTC)
    for item in events:
        # Calendar programs show bidirectional controls too (krat.inputs).
        item = replace(
            item,
            summary=strip_bidi(item.summary),
            location=strip_bidi(item.location),
            description=strip_bidi(item.description),
        )
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
        event.add("summary", item.summary)
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        if item.status:
            event.add("status", item.status)
        if item.sequence:
            event.add("sequence", item.sequence)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
