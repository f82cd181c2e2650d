from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionplanConfig(AppConfig):
    name = "actionplan"
    verbose_name = _("Action plan")

    def ready(self) -> None:
        from actionplan.models import (
            ActionPlan,
            Activity,
            ActivityProgress,
            AwarenessEvent,
            Objective,
            Pillar,
            ProgressComment,
            TargetGroup,
        )
        from krat import history, portability

        history.register(ActionPlan, county_of=lambda plan: plan.county)
        history.register(Activity, county_of=lambda activity: activity.plan.county)
        history.register(ActivityProgress, county_of=lambda progress: progress.activity.plan.county)
        history.register(AwarenessEvent, county_of=lambda event: event.county)

        portability.register(
            ActionPlan, Pillar, Objective, Activity, ActivityProgress, ProgressComment, AwarenessEvent
        )
        # Target groups are one fixed list in every installation: events name them by code.
        portability.register_reference(TargetGroup, field="code")

        from actionplan import submission_parts

        submission_parts.register()

        from actionplan import search

        search.register()

        from actionplan import api, bench, demo, report
        from actionplan.selectors import dashboard_panel
        from krat.contributions import AppContribution, register

        register(
            AppContribution(
                app=self.label,
                order=20,
                report_sections=report.SECTIONS,
                national_figures=report.NATIONAL,
                api_routes=api.register,
                dashboard_panel=dashboard_panel,
                demo_loader=demo.load,
                bench_pages={
                    "plan_overview": bench.plan_overview_page,
                    "calendar_month": bench.calendar_month_page,
                },
            )
        )
