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

        from krat.benchmarks import secretariat_page
        from krat.contributions import AppContribution, register
        from meetings import api, bench, demo, report
        from meetings.selectors import dashboard_panel, desk_items

        register(
            AppContribution(
                app=self.label,
                order=10,
                report_sections=(report.SECTION,),
                national_figures=report.NATIONAL,
                api_routes=api.register,
                dashboard_panel=dashboard_panel,
                desk_items=desk_items,
                demo_loader=demo.load,
                demo_after=("actionplan",),  # the demo meetings follow up the demo plan's activities
                bench_pages={
                    "meeting_list": secretariat_page("meetings:list"),
                    "meeting_detail": bench.held_meeting_page("meetings:detail"),
                },
                bench_pdfs={"meeting_summary": bench.held_meeting_page("meetings:summary_pdf")},
            )
        )
