from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionplanConfig(AppConfig):
    name = "actionplan"
    verbose_name = _("Action plan")

    def ready(self) -> None:
        from actionplan.models import ActionPlan, Activity, ActivityProgress, AwarenessEvent
        from krat import history

        history.register(ActionPlan, county_of=lambda plan: plan.county)
        history.register(Activity, county_of=lambda activity: activity.plan.county)
        history.register(ActivityProgress, county_of=lambda progress: progress.activity.plan.county)
        history.register(AwarenessEvent, county_of=lambda event: event.county)

        from actionplan import submission_parts

        submission_parts.register()
