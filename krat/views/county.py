from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from krat import access, services
from krat.forms import CountySettingsForm
from krat.http import AuthenticatedHttpRequest
from krat.views.common import record_form_view


@require_http_methods(["GET", "POST"])
@login_required
def county_settings(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug, manage=True)
    return record_form_view(
        request,
        form=CountySettingsForm(request.POST or None, request.FILES or None, instance=county),
        save=lambda record, form: services.county_settings_save(
            county=record, expected_version=form.cleaned_data["version"]
        ),
        template="krat/county_settings.html",
        success_message=_("The county's settings were saved."),
        success_url=lambda record: reverse("krat:dashboard", args=[record.slug]),
        context={"county": county},
    )
