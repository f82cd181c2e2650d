from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("qarqe/<slug:slug>/", views.home, name="home"),
    path("qarqe/<slug:slug>/cilesimet/", views.settings_edit, name="settings"),
    path("periudha/<int:pk>/viktima/", views.victims, name="victims"),
    path("periudha/<int:pk>/viktima/model.xlsx", views.victims_template, name="victims_template"),
    path("periudha/<int:pk>/viktima/eksport.<str:fmt>", views.victims_export, name="victims_export"),
    path("periudha/<int:pk>/viktima/<int:institution>/", views.victims_entry, name="victims_entry"),
    path("periudha/<int:pk>/viktima/<int:institution>/importo/", views.victims_import, name="victims_import"),
    path("periudha/<int:pk>/femije/", views.street, name="street"),
    path("periudha/<int:pk>/femije/e-re/", views.street_create, name="street_create"),
    path("periudha/<int:pk>/femije/importo/", views.street_import, name="street_import"),
    path("periudha/<int:pk>/femije/model.xlsx", views.street_template, name="street_template"),
    path("periudha/<int:pk>/femije/eksport.<str:fmt>", views.street_export, name="street_export"),
    path("nderhyrje/<int:pk>/ndrysho/", views.street_edit, name="street_edit"),
    path("periudha/<int:pk>/punesim/", views.employment, name="employment"),
    path("periudha/<int:pk>/punesim/model.xlsx", views.employment_template, name="employment_template"),
    path("periudha/<int:pk>/punesim/eksport.<str:fmt>", views.employment_export, name="employment_export"),
    path("periudha/<int:pk>/punesim/<int:institution>/", views.employment_entry, name="employment_entry"),
    path(
        "periudha/<int:pk>/punesim/<int:institution>/importo/",
        views.employment_import,
        name="employment_import",
    ),
]
