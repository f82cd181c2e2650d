from django.contrib import admin

from actionplan.models import ActionPlan, Activity, ActivityProgress, AwarenessEvent, Objective, Pillar
from krat.admin_site import VersionedAdmin


@admin.register(ActionPlan)
class ActionPlanAdmin(VersionedAdmin):
    list_display = ["title", "county", "year"]
    list_filter = ["county"]
    list_select_related = ["county"]


@admin.register(Pillar)
class PillarAdmin(VersionedAdmin):
    list_display = ["name", "plan", "position"]
    list_select_related = ["plan"]


@admin.register(Objective)
class ObjectiveAdmin(VersionedAdmin):
    list_display = ["name", "pillar", "position"]
    list_select_related = ["pillar"]


@admin.register(Activity)
class ActivityAdmin(VersionedAdmin):
    list_display = ["code", "plan", "lead_institution", "start_date", "deadline"]
    list_filter = ["plan__county"]
    list_select_related = ["plan", "lead_institution"]
    search_fields = ["code", "description"]


@admin.register(ActivityProgress)
class ActivityProgressAdmin(VersionedAdmin):
    list_display = ["activity", "period", "status", "achieved"]
    list_select_related = ["activity", "period"]


@admin.register(AwarenessEvent)
class AwarenessEventAdmin(VersionedAdmin):
    list_display = ["title", "county", "date", "organiser", "status", "people_reached"]
    list_filter = ["county", "status"]
    list_select_related = ["county", "organiser"]
