from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from krat import access, selectors, services
from krat.forms import InstitutionForm, MembershipForm
from krat.http import AuthenticatedHttpRequest
from krat.models import Institution, TableMembership
from krat.views.common import record_form_view


def _institution_for_user(request: AuthenticatedHttpRequest, pk: int, *, manage: bool) -> Institution:
    institution = get_object_or_404(Institution.objects.select_related("county"), pk=pk)
    access.require_readable(request.user, institution.county)
    if manage:
        access.require(access.can_manage_county(request.user, institution.county))
    return institution


@require_safe
@login_required
def institution_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug)
    return render(
        request,
        "krat/institution_list.html",
        {
            "county": county,
            "institutions": selectors.institution_list(county),
            "can_manage": access.can_manage_county(request.user, county),
        },
    )


@require_safe
@login_required
def institution_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    institution = _institution_for_user(request, pk, manage=False)
    county = institution.county
    page = selectors.institution_page(institution)
    return render(
        request,
        "krat/institution_detail.html",
        {
            "county": county,
            "institution": institution,
            "memberships": page.memberships,
            "membership_today": page.membership_today,
            "people": page.people,
            "can_manage": access.can_manage_county(request.user, county),
            "can_read_history": access.can_read_history(request.user, county),
        },
    )


def _save_institution(institution, form):
    return services.institution_save(
        institution=institution,
        expected_version=form.cleaned_data["version"],
        member_since=form.cleaned_data.get("member_since"),
        reference=form.cleaned_data.get("reference", ""),
    )


@require_http_methods(["GET", "POST"])
@login_required
def institution_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    county = access.county_for_user(request.user, slug, manage=True)
    return record_form_view(
        request,
        form=InstitutionForm(request.POST or None, county=county),
        save=_save_institution,
        template="krat/institution_form.html",
        success_message=_("The institution was saved."),
        success_url=lambda record: reverse("krat:institution_detail", args=[record.pk]),
        context={"county": county},
    )


@require_http_methods(["GET", "POST"])
@login_required
def institution_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    institution = _institution_for_user(request, pk, manage=True)
    return record_form_view(
        request,
        form=InstitutionForm(request.POST or None, instance=institution, county=institution.county),
        save=_save_institution,
        template="krat/institution_form.html",
        success_message=_("The institution was saved."),
        success_url=lambda record: reverse("krat:institution_detail", args=[record.pk]),
        context={"county": institution.county, "institution": institution},
    )


def _save_membership(membership, form):
    return services.membership_save(membership=membership, expected_version=form.cleaned_data["version"])


def _membership_done(membership: TableMembership) -> str:
    return reverse("krat:institution_detail", args=[membership.institution_id])


@require_http_methods(["GET", "POST"])
@login_required
def membership_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a membership of the Technical Table, the Prefect's order in hand (the secretariat)."""
    institution = _institution_for_user(request, pk, manage=True)
    return record_form_view(
        request,
        form=MembershipForm(request.POST or None, institution=institution),
        save=_save_membership,
        template="krat/membership_form.html",
        success_message=_("The membership was saved."),
        success_url=_membership_done,
        context={"county": institution.county, "institution": institution},
    )


@require_http_methods(["GET", "POST"])
@login_required
def membership_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """End a membership (its last day) or correct its dates and orders (the secretariat)."""
    membership = get_object_or_404(TableMembership.objects.select_related("institution__county"), pk=pk)
    institution = membership.institution
    access.require_readable(request.user, institution.county)
    access.require(access.can_manage_county(request.user, institution.county))
    return record_form_view(
        request,
        form=MembershipForm(request.POST or None, instance=membership, institution=institution),
        save=_save_membership,
        template="krat/membership_form.html",
        success_message=_("The membership was saved."),
        success_url=_membership_done,
        context={"county": institution.county, "institution": institution, "membership": membership},
    )
