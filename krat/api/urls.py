"""/api/v1/: the router of every app's viewsets, the OpenAPI schema and its docs."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from krat.api import views
from krat.api.pages import DocsView
from krat.contributions import contributions

app_name = "api"

# No root view, and no `<route>.<format>` twin of each route: the API speaks JSON (ask with
# Accept), and a twin reaches a view with a `format` argument that its handlers do not take.
router = DefaultRouter()
router.include_root_view = False
router.include_format_suffixes = False
router.register("institutions", views.InstitutionViewSet, basename="institution")
router.register("periods", views.PeriodViewSet, basename="period")
router.register("submissions", views.SubmissionViewSet, basename="submission")

# Each app's viewsets, as it declares them (`krat.contributions`).
for contribution in contributions():
    if contribution.api_routes is not None:
        contribution.api_routes(router)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
