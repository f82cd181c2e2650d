from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from cases.models import (
    AgeGroup,
    CasesSettings,
    EmploymentFunnel,
    PeriodRecord,
    StreetIntervention,
    VictimReport,
)
from cases.services.reporting import refuse_closed
from krat.admin_site import VersionedAdmin


@admin.register(CasesSettings)
class CasesSettingsAdmin(VersionedAdmin):
    list_display = ["county"]


@admin.register(AgeGroup)
class AgeGroupAdmin(admin.ModelAdmin):
    """Shown, not edited: a county's age groups change through its period data settings
    (`cases.services.settings.age_groups_set`), which refuses once figures use them."""

    list_display = ["county", "label"]
    list_filter = ["county"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AgeGroup | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AgeGroup | None = None) -> bool:
        return False


class PeriodRecordForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if self.instance.pk is not None:
            # The stored record's period, not the one the form was built from (a history
            # revert builds it from an old version): a record leaves no closed period either.
            stored = (
                type(self.instance)
                ._default_manager.select_related("period")
                .filter(pk=self.instance.pk)
                .first()
            )
            if stored is not None:
                refuse_closed(stored.period)
        if cleaned.get("period") is not None:
            refuse_closed(cleaned["period"])
        return cleaned


class PeriodRecordAdmin(VersionedAdmin):
    """A closed period's records are read here, never changed (as every page refuses it,
    `cases.services.reporting.check_writable`): its figures are published, and the
    national report keeps what it computed of them (`published_headlines`)."""

    form = PeriodRecordForm
    list_filter = ["county", "period"]
    list_select_related = ["county", "period", "institution"]

    def has_change_permission(self, request: HttpRequest, obj: PeriodRecord | None = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or not obj.period.is_closed)

    def has_delete_permission(self, request: HttpRequest, obj: PeriodRecord | None = None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or not obj.period.is_closed)


@admin.register(VictimReport)
class VictimReportAdmin(PeriodRecordAdmin):
    list_display = ["institution", "period", "status", "total", "referred"]


@admin.register(StreetIntervention)
class StreetInterventionAdmin(PeriodRecordAdmin):
    list_display = ["date", "institution", "municipality", "children"]


@admin.register(EmploymentFunnel)
class EmploymentFunnelAdmin(PeriodRecordAdmin):
    list_display = ["institution", "period", "group", "sex", "received", "employed"]
