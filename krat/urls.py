from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.i18n import set_language

from krat.views import (
    audit,
    county,
    dashboard,
    health,
    history,
    institutions,
    people,
    periods,
    search,
    security,
    session,
)
from krat.views import report as report_views
from krat.views import submissions as submission_views

FORM_METHODS = require_http_methods(["GET", "POST"])

core_patterns = [
    path("", dashboard.home, name="home"),
    path("sesioni/", session.session_keepalive, name="session_keepalive"),
    path("qarqe/<slug:slug>/", dashboard.dashboard, name="dashboard"),
    path("qarqe/<slug:slug>/cilesimet/", county.county_settings, name="county_settings"),
    path("qarqe/<slug:slug>/institucione/", institutions.institution_list, name="institution_list"),
    path("qarqe/<slug:slug>/institucione/e-re/", institutions.institution_create, name="institution_create"),
    path("institucione/<int:pk>/", institutions.institution_detail, name="institution_detail"),
    path("institucione/<int:pk>/ndrysho/", institutions.institution_edit, name="institution_edit"),
    path("institucione/<int:pk>/anetaresia/e-re/", institutions.membership_create, name="membership_create"),
    path("anetaresi/<int:pk>/ndrysho/", institutions.membership_edit, name="membership_edit"),
    path("qarqe/<slug:slug>/persona/", people.person_list, name="person_list"),
    path("qarqe/<slug:slug>/persona/e-re/", people.person_create, name="person_create"),
    path("persona/<int:pk>/ndrysho/", people.person_edit, name="person_edit"),
    path("persona/<int:pk>/zhblloko/", people.person_unlock, name="person_unlock"),
    path("qarqe/<slug:slug>/periudha/", periods.period_list, name="period_list"),
    path("qarqe/<slug:slug>/periudha/e-re/", periods.period_create, name="period_create"),
    path("periudha/<int:pk>/ndrysho/", periods.period_edit, name="period_edit"),
    path("historiku/<str:label>/<int:pk>/", history.record_history, name="record_history"),
    path("kerko/", search.search, name="search"),
    path("qarqe/<slug:slug>/shkarkimet/", audit.download_log, name="download_log"),
    path("qarqe/<slug:slug>/raportet/", submission_views.submission_todo, name="submission_todo"),
    path(
        "qarqe/<slug:slug>/plotesia/",
        submission_views.submission_board_current,
        name="submission_board_current",
    ),
    path("periudha/<int:pk>/plotesia/", submission_views.submission_board, name="submission_board"),
    path("periudha/<int:pk>/plotesia/kujto/", submission_views.submission_remind, name="submission_remind"),
    path(
        "periudha/<int:pk>/institucione/<int:institution_pk>/raporti/",
        submission_views.submission_open,
        name="submission_open",
    ),
    path("raporte/<int:pk>/", submission_views.submission_detail, name="submission_detail"),
    path("raporte/<int:pk>/ndrysho/", submission_views.submission_edit, name="submission_edit"),
    path("raporte/<int:pk>/ruaj/", submission_views.submission_autosave, name="submission_autosave"),
    path("raporte/<int:pk>/kthe/", submission_views.submission_return, name="submission_return"),
    path("raporte/<int:pk>/mirato/", submission_views.submission_approve, name="submission_approve"),
    path("raporte/<int:pk>/rihap/", submission_views.submission_reopen, name="submission_reopen"),
    path("periudha/<int:pk>/raporti/", report_views.report_preview, name="report_preview"),
    path("periudha/<int:pk>/raporti/pdf/", report_views.report_pdf, name="report_pdf"),
    path("periudha/<int:pk>/raporti/xlsx/", report_views.report_xlsx, name="report_xlsx"),
    path(
        "periudha/<int:pk>/raporti/permbledhja/", report_views.report_summary_edit, name="report_summary_edit"
    ),
    path("periudha/<int:pk>/raporti/finalizo/", report_views.report_finalise, name="report_finalise"),
    path("raporte-perfundimtare/<int:pk>/", report_views.final_report_download, name="final_report_download"),
    path("raporti-kombetar/", report_views.national_report_list, name="national_report_list"),
    path("raporti-kombetar/<str:start>/", report_views.national_report, name="national_report"),
    path("raporti-kombetar/<str:start>/pdf/", report_views.national_report_pdf, name="national_report_pdf"),
    path(
        "raporti-kombetar/<str:start>/xlsx/", report_views.national_report_xlsx, name="national_report_xlsx"
    ),
]

urlpatterns = [
    path("", include((core_patterns, "krat"))),
    path("takime/", include("meetings.urls")),
    path("plani/", include("actionplan.urls")),
    path("te-dhena/", include("cases.urls")),
    path("api/v1/", include("krat.api.urls")),
    # Django's views answer methods they do not use (a PUT redirects, or posts the form):
    # each address takes only the methods its page uses, and 405 for the others.
    path(
        "hyrje/",
        FORM_METHODS(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("dalje/", auth_views.LogoutView.as_view(), name="logout"),
    path("fjalekalimi/", FORM_METHODS(security.PasswordChangeView.as_view()), name="password_change"),
    path(
        "fjalekalimi/u-ndryshua/",
        require_safe(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    # A forgotten password: Django's reset by e-mail (krat.password_reset says how it is limited).
    path("fjalekalimi/harruar/", FORM_METHODS(security.PasswordResetView.as_view()), name="password_reset"),
    path(
        "fjalekalimi/harruar/derguar/",
        require_safe(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "fjalekalimi/rivendos/<uidb64>/<token>/",
        FORM_METHODS(security.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "fjalekalimi/rivendos/u-krye/",
        require_safe(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("siguria/", security.security, name="security"),
    path("siguria/aktivizo/", security.enrol, name="two_factor_enrol"),
    path("siguria/kodet-rezerve/", security.recovery_codes, name="two_factor_recovery_codes"),
    path("siguria/caktivizo/", security.disable, name="two_factor_disable"),
    path("hyrje/kodi/", security.verify, name="two_factor_verify"),
    path("siguria/api/", include("krat.api.token_urls")),
    path("gjendja/", health.health, name="health"),
    path("i18n/setlang/", require_POST(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

# Errors outside a view, in the site's language; JSON under /api/ (krat.views.errors).
handler400 = "krat.views.errors.bad_request"
handler403 = "krat.views.errors.permission_denied"
handler404 = "krat.views.errors.page_not_found"
handler500 = "krat.views.errors.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
