import datetime
import itertools

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice

from krat import services
from krat.admin_site import VersionedAdmin
from krat.api.tokens import tokens_revoke_all
from krat.membership import is_member_during, with_member_today
from krat.models import (
    County,
    DownloadLog,
    Institution,
    Municipality,
    PeriodSubmission,
    RecoveryCodeDevice,
    ReportingPeriod,
    TableMembership,
    User,
)

# Recovery codes are kept hashed (krat.models.two_factor); django-otp's static device
# would let the admin type codes in clear, so it is not offered.
if admin.site.is_registered(StaticDevice):
    admin.site.unregister(StaticDevice)


@admin.register(County)
class CountyAdmin(VersionedAdmin):
    list_display = ["name", "prefecture_name", "small_number_threshold"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        """A new county is created with what every app keeps per county (`county_create`)."""
        if change:
            super().save_model(request, obj, form, change)
        else:
            services.county_create(county=obj)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "county"]
    list_filter = ["county"]
    search_fields = ["name"]


class MembershipFormSet(BaseInlineFormSet):
    """The memberships of one institution, as the admin edits them together: two of them
    sharing a day are refused here (each row's own check sees only the stored ones)."""

    def clean(self):
        super().clean()
        spans = sorted(
            (form.cleaned_data["start_date"], form.cleaned_data.get("end_date") or datetime.date.max)
            for form in self.forms
            if form.cleaned_data.get("start_date") and not form.cleaned_data.get("DELETE")
        )
        for (_start, end), (next_start, _end) in itertools.pairwise(spans):
            if next_start <= end:
                raise ValidationError(
                    _("Two memberships of this institution share a day."), code="membership_overlap"
                )


class MembershipInline(admin.TabularInline):
    model = TableMembership
    formset = MembershipFormSet
    fields = ["start_date", "end_date", "reference", "end_reference"]
    extra = 0


class MemberTodayFilter(admin.SimpleListFilter):
    title = _("member of the Technical Table today")
    parameter_name = "member_today"

    def lookups(self, request, model_admin):
        return [("1", _("yes")), ("0", _("no"))]

    def queryset(self, request, queryset):
        if self.value() not in ("0", "1"):
            return queryset
        today = timezone.localdate()
        member = is_member_during(today, today)
        return queryset.filter(member) if self.value() == "1" else queryset.exclude(member)


@admin.register(Institution)
class InstitutionAdmin(VersionedAdmin):
    list_display = ["name", "county", "kind", "member_today", "is_active"]
    list_filter = ["county", "kind", MemberTodayFilter, "is_active"]
    search_fields = ["name"]
    list_select_related = ["county"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return with_member_today(super().get_queryset(request))

    @admin.display(boolean=True, description=_("member of the Technical Table today"))
    def member_today(self, institution: Institution) -> bool:
        # with_member_today (get_queryset above) annotates it; the stubs know only the model.
        return institution.is_table_member  # type: ignore[attr-defined]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(VersionedAdmin):
    list_display = ["label", "county", "start_date", "end_date", "deadline", "is_closed"]
    list_filter = ["county", "is_closed"]
    list_select_related = ["county"]


class KratAdminPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's password page saves through `krat.services.person_password_set`, so the
    person's API tokens go with the old password (also when the password is switched off)."""

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        if self.cleaned_data["set_usable_password"]:
            return services.person_password_set(person=self.user, password=self.cleaned_data["password1"])
        with transaction.atomic():
            user = super().save()
            tokens_revoke_all(user=user)
        return user


@admin.register(User)
class KratUserAdmin(UserAdmin, VersionedAdmin):
    change_password_form = KratAdminPasswordChangeForm
    list_display = ["username", "first_name", "last_name", "role", "county", "institution", "is_active"]
    list_filter = ["role", "county", "is_active", "is_superuser"]
    list_select_related = ["county", "institution"]
    fieldsets = [
        *(UserAdmin.fieldsets or ()),
        (_("Role in KRAT"), {"fields": ["role", "county", "institution", "position", "job_title", "phone"]}),
    ]


@admin.register(PeriodSubmission)
class PeriodSubmissionAdmin(VersionedAdmin):
    list_display = ["institution", "period", "state", "submitted_at", "reviewed_at"]
    list_filter = ["state", "period__county"]
    list_select_related = ["institution", "period"]
    search_fields = ["institution__name"]


@admin.register(DownloadLog)
class DownloadLogAdmin(admin.ModelAdmin):
    list_display = ["downloaded_at", "user", "county", "period", "what", "suppressed"]
    list_filter = ["county", "suppressed"]
    list_select_related = ["user", "county", "period"]

    def has_change_permission(self, request, obj=None):
        return False  # the log is only ever added to

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RecoveryCodeDevice)
class RecoveryCodeDeviceAdmin(admin.ModelAdmin):
    """Shows who has recovery codes and lets staff remove them (a person who lost them
    enrols again); the codes themselves are hashes and are never shown or typed here."""

    list_display = ["user", "created_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__last_name"]
    readonly_fields = ("user", "name", "created_at", "last_used_at")
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
