from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("qarku/<slug:slug>/", views.meeting_list, name="list"),
    path("qarku/<slug:slug>/i-ri/", views.meeting_create, name="create"),
    path("qarku/<slug:slug>/vendimet.xlsx", views.decisions_xlsx, name="decisions_xlsx"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/ndrysho/", views.meeting_edit, name="edit"),
    path("<int:pk>/statusi/", views.meeting_status, name="status"),
    path("<int:pk>/rendi-i-dites/e-re/", views.agenda_item_create, name="agenda_add"),
    path("<int:pk>/rendi-i-dites/radha/", views.agenda_reorder, name="agenda_reorder"),
    path("pika/<int:pk>/ndrysho/", views.agenda_item_edit, name="agenda_edit"),
    path("pika/<int:pk>/fshi/", views.agenda_item_delete, name="agenda_delete"),
    path("pika/<int:pk>/zhvendos/", views.agenda_item_move, name="agenda_move"),
    path("<int:pk>/pjesemarrja/", views.attendance_edit, name="attendance"),
    path("<int:pk>/procesverbali/", views.minutes_edit, name="minutes"),
    path("<int:pk>/vendime/i-ri/", views.decision_create, name="decision_add"),
    path("vendime/<int:pk>/ndrysho/", views.decision_edit, name="decision_edit"),
    path("vendime/<int:pk>/ndjekja/", views.decision_status, name="decision_status"),
    path("<int:pk>/miratimi/", views.minutes_approve, name="approve"),
    path("<int:pk>/rihapja/", views.minutes_reopen, name="reopen"),
    path("<int:pk>/ftesat/", views.invitations_send, name="invite"),
    path("<int:pk>/ftesa.pdf", views.invitation_pdf, name="invitation_pdf"),
    path("<int:pk>/takimi.ics", views.meeting_ics, name="ics"),
    path("<int:pk>/permbledhja/", views.summary_print, name="summary"),
    path("<int:pk>/permbledhja.pdf", views.summary_pdf, name="summary_pdf"),
    path("procesverbali/<int:pk>.pdf", views.minutes_version_pdf, name="minutes_version_pdf"),
    path("<int:pk>/dokumente/i-ri/", views.attachment_create, name="attachment_add"),
    path("dokumente/<int:pk>/", views.attachment_download, name="attachment"),
    path("dokumente/<int:pk>/fshi/", views.attachment_delete, name="attachment_delete"),
]
