from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.models import AgeGroup, CasesSettings, EmploymentFunnel, StreetIntervention, VictimReport


@admin.register(CasesSettings)
class CasesSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["county"]


@admin.register(AgeGroup)
class AgeGroupAdmin(admin.ModelAdmin):
    list_display = ["county", "label"]
    list_filter = ["county"]


class PeriodRecordAdmin(SimpleHistoryAdmin):
    list_filter = ["county", "period"]
    list_select_related = ["county", "period", "institution"]


@admin.register(VictimReport)
class VictimReportAdmin(PeriodRecordAdmin):
    list_display = ["institution", "period", "status", "total", "referred"]


@admin.register(StreetIntervention)
class StreetInterventionAdmin(PeriodRecordAdmin):
    list_display = ["date", "institution", "municipality", "children"]


@admin.register(EmploymentFunnel)
class EmploymentFunnelAdmin(PeriodRecordAdmin):
    list_display = ["institution", "period", "group", "sex", "received", "employed"]
