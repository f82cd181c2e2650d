from django.contrib import admin

from krat.admin_site import VersionedAdmin
from meetings.models import AgendaItem, Attachment, Attendance, Decision, Meeting


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    raw_id_fields = ["responsible", "agenda_item"]


@admin.register(Meeting)
class MeetingAdmin(VersionedAdmin):
    list_display = ["title", "county", "body", "starts_at", "status", "minutes_status"]
    list_filter = ["county", "body", "status", "minutes_status"]
    search_fields = ["title"]
    list_select_related = ["county"]
    inlines = [AgendaItemInline, DecisionInline]
    raw_id_fields = ["chair", "approved_by", "period"]


@admin.register(Decision)
class DecisionAdmin(VersionedAdmin):
    list_display = ["__str__", "meeting", "responsible", "due_date", "status"]
    list_filter = ["status"]
    list_select_related = ["meeting", "responsible"]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["meeting", "institution", "status"]
    list_select_related = ["meeting", "institution"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "content_type", "size", "uploaded_at"]
    list_select_related = ["meeting"]
