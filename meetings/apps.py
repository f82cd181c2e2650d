from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from krat import history
        from meetings.models import AgendaItem, Attachment, Attendance, Decision, Meeting, MinutesVersion

        history.register(Meeting, county_of=lambda meeting: meeting.county)
        history.register(AgendaItem, county_of=lambda item: item.meeting.county)
        history.register(Decision, county_of=lambda decision: decision.meeting.county)

        from krat import portability

        portability.register(Meeting, AgendaItem, Attendance, Decision, Attachment, MinutesVersion)

        from meetings import search

        search.register()
