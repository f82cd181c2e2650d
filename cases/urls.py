from django.urls import path

from cases.views import county, employment, street, victims

app_name = "cases"

urlpatterns = [
    path("qarqe/<slug:slug>/", county.home, name="home"),
    path("qarqe/<slug:slug>/cilesimet/", county.settings_edit, name="settings"),
    path("periudha/<int:pk>/viktima/", victims.victims, name="victims"),
    path("periudha/<int:pk>/viktima/model.xlsx", victims.victims_template, name="victims_template"),
    path("periudha/<int:pk>/viktima/eksport.<str:fmt>", victims.victims_export, name="victims_export"),
    path("periudha/<int:pk>/viktima/<int:institution>/", victims.victims_entry, name="victims_entry"),
    path(
        "periudha/<int:pk>/viktima/<int:institution>/importo/", victims.victims_import, name="victims_import"
    ),
    path("periudha/<int:pk>/femije/", street.street, name="street"),
    path("periudha/<int:pk>/femije/e-re/", street.street_create, name="street_create"),
    path("periudha/<int:pk>/femije/importo/", street.street_import, name="street_import"),
    path("periudha/<int:pk>/femije/model.xlsx", street.street_template, name="street_template"),
    path("periudha/<int:pk>/femije/eksport.<str:fmt>", street.street_export, name="street_export"),
    path("nderhyrje/<int:pk>/ndrysho/", street.street_edit, name="street_edit"),
    path("periudha/<int:pk>/punesim/", employment.employment, name="employment"),
    path("periudha/<int:pk>/punesim/model.xlsx", employment.employment_template, name="employment_template"),
    path(
        "periudha/<int:pk>/punesim/eksport.<str:fmt>", employment.employment_export, name="employment_export"
    ),
    path(
        "periudha/<int:pk>/punesim/<int:institution>/", employment.employment_entry, name="employment_entry"
    ),
    path(
        "periudha/<int:pk>/punesim/<int:institution>/importo/",
        employment.employment_import,
        name="employment_import",
    ),
]
