from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from krat import access, selectors, services, throttle
from krat.forms import PersonForm
from krat.http import AuthenticatedHttpRequest
from krat.models import User
from krat.views.common import record_form_view


def _success_url(person: User) -> str:
    assert person.county is not None  # the people pages list a county's people only
    return reverse("krat:person_list", args=[person.county.slug])


def _saver(request: HttpRequest):
    def save(person, form):
        return services.person_save(
            person=person,
            expected_version=form.cleaned_data["version"],
            password=form.new_password(),
            by=request.user,
        )

    return save


@require_safe
@login_required
def person_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug)
    access.require(access.can_read_whole_county(request.user, county))
    return render(
        request,
        "krat/person_list.html",
        {
            "county": county,
            "people": selectors.person_list(county),
            "can_manage": access.can_manage_county(request.user, county),
            "can_read_history": access.can_read_history(request.user, county),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def person_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug, manage=True)
    return record_form_view(
        request,
        form=PersonForm(request.POST or None, county=county),
        save=_saver(request),
        template="krat/person_form.html",
        success_message=_("The person was saved."),
        success_url=_success_url,
        context={"county": county},
    )


@require_http_methods(["GET", "POST"])
@login_required
def person_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = access.person_for_manager(request.user, pk)
    assert person.county is not None  # person_for_manager finds only people of a county
    return record_form_view(
        request,
        form=PersonForm(request.POST or None, instance=person, county=person.county),
        save=_saver(request),
        template="krat/person_form.html",
        success_message=_("The person was saved."),
        success_url=_success_url,
        context={
            "county": person.county,
            "person": person,
            "login_state": throttle.person_login_state(person.username),
        },
    )


@require_POST
@login_required
def person_unlock(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = access.person_for_manager(request.user, pk)
    try:
        services.person_unlock(person=person, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(person)s can log in again.") % {"person": person})
    return redirect("krat:person_edit", person.pk)
