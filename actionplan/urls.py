from django.urls import path

from actionplan.views import events, plans, progress

app_name = "actionplan"

urlpatterns = [
    path("<slug:slug>/", plans.plan_list, name="plan_list"),
    path("<slug:slug>/i-ri/", plans.plan_create, name="plan_create"),
    path("plan/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plan/<int:pk>/ndrysho/", plans.plan_edit, name="plan_edit"),
    path("plan/<int:pk>/ecuria/", plans.plan_overview, name="plan_overview"),
    path("plan/<int:pk>/shtylla/e-re/", plans.pillar_create, name="pillar_create"),
    path("shtylla/<int:pk>/ndrysho/", plans.pillar_edit, name="pillar_edit"),
    path("plan/<int:pk>/objektiv/i-ri/", plans.objective_create, name="objective_create"),
    path("objektiv/<int:pk>/ndrysho/", plans.objective_edit, name="objective_edit"),
    path("plan/<int:pk>/aktivitet/i-ri/", plans.activity_create, name="activity_create"),
    path("plan/<int:pk>/importo/", plans.plan_import, name="plan_import"),
    path("plan/<int:pk>/shablloni.xlsx", plans.plan_template, name="plan_template"),
    path("plan/<int:pk>/plani.xlsx", plans.plan_export, name="plan_export"),
    path("aktivitet/<int:pk>/", progress.activity_detail, name="activity_detail"),
    path("aktivitet/<int:pk>/ndrysho/", plans.activity_edit, name="activity_edit"),
    path("aktivitet/<int:pk>/ecuria/<int:period_pk>/", progress.progress_edit, name="progress_edit"),
    path("aktivitet/<int:pk>/koment/<int:period_pk>/", progress.comment_add, name="comment_add"),
    path("<slug:slug>/kalendari/", events.event_month, name="event_month"),
    path("<slug:slug>/kalendari/lista/", events.event_list, name="event_list"),
    path("<slug:slug>/kalendari/i-ri/", events.event_create, name="event_create"),
    path("<slug:slug>/kalendari.ics", events.event_feed, name="event_feed"),
    path("ngjarje/<int:pk>/", events.event_detail, name="event_detail"),
    path("ngjarje/<int:pk>/ndrysho/", events.event_edit, name="event_edit"),
]
