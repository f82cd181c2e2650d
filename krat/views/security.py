"""The Security pages: two-factor log-in (enrol, verify, recovery codes, switch off) and
the password change, and the reset of a forgotten password."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from krat import password_reset, services, two_factor
from krat.forms import add_errors
from krat.http import AuthenticatedHttpRequest

logger = logging.getLogger(__name__)


class CodeForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def code_first(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page that changes the second factor: a session that gave only the password,
    of a person who has a device, is sent to the code prompt (GET or POST alike), and
    comes back here after it. Checked here, not only by the middleware."""

    @functools.wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args, **kwargs) -> HttpResponse:  # login_required below
        if two_factor.needs_code(request.user):
            back = request.path if request.method == "GET" else reverse("security")
            return redirect_to_login(back, login_url=reverse("two_factor_verify"))
        return view(request, *args, **kwargs)

    return login_required(wrapped)


@require_safe
@login_required
def security(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "krat/security.html",
        {"enrolled": two_factor.is_enrolled(user), "required": two_factor.is_required(user)},
    )


@require_http_methods(["GET", "POST"])
@code_first
def enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.enrolment_confirm(request=request, token=form.cleaned_data["token"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Two-factor log-in is on."))
            return render(request, "krat/security_recovery_codes.html", {"codes": codes})
    device = two_factor.pending_device(request=request)
    return render(
        request,
        "krat/security_enrol.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_data_uri(device),
            "secret": two_factor.secret_for_typing(device),
            "required": two_factor.is_required(request.user),
            "enrolled": two_factor.is_enrolled(request.user),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    # django-otp's OTPMiddleware gives request.user is_verified(); the stubs know only the model.
    if not two_factor.is_enrolled(request.user) or request.user.is_verified():  # type: ignore[attr-defined]
        return redirect("krat:home")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.verify(request=request, token=form.cleaned_data["token"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            target = request.GET.get("next", "")
            safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
            return redirect(target if safe and target else "krat:home")
    return render(
        request, "krat/security_verify.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@require_POST
@code_first
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        codes = two_factor.recovery_codes_renew(request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("security")
    return render(request, "krat/security_recovery_codes.html", {"codes": codes})


@require_POST
@code_first
def disable(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        two_factor.disable(request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Two-factor log-in is off."))
    return redirect("security")


class ThrottledPasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, with the old password checked through `authenticate()`.

    Django's own check (`user.check_password`) bypasses the log-in throttle, so whoever
    holds a stolen session could guess the old password without limit and then change it.
    Through `authenticate()` each wrong guess counts as a failed log-in of the person, and
    a locked person is refused here as at the log-in page.
    """

    def __init__(self, user, *args, request: HttpRequest, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    @method_decorator(sensitive_variables("old_password"))
    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        authenticated = authenticate(self.request, username=self.user.get_username(), password=old_password)
        if getattr(self.request, "axes_locked_out", False):
            raise ValidationError(
                _("Too many wrong passwords. Try again later, or ask the secretariat to unlock you."),
                code="locked_out",
            )
        if authenticated is None or authenticated.pk != self.user.pk:
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change page, saving through `krat.services.person_password_set`
    (which revokes the person's API tokens). Other sessions end as in Django: their
    stored password hash no longer matches; this one is kept. The old password is
    checked through the log-in throttle (`ThrottledPasswordChangeForm`)."""

    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        services.person_password_set(person=form.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetView(auth_views.PasswordResetView):
    """Django's "forgot your password" page: the e-mail (in the page's language) links to
    SITE_URL, never to the Host header the request came with, and goes out only within the
    limits of `krat.password_reset.reset_allowed`. Every address, known or not, throttled
    or not, gets the same "check your e-mail" page."""

    form_class = password_reset.PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if not password_reset.reset_allowed(request=self.request, email=email):
            return HttpResponseRedirect(self.get_success_url())
        site = password_reset.site_address()
        if site is None:
            logger.error("Password reset asked for, but SITE_URL is not set: no e-mail sent.")
            return HttpResponseRedirect(self.get_success_url())
        domain, https = site
        form.save(
            domain_override=domain,
            use_https=https,
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            extra_email_context={"valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
        )
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's page behind the e-mail's link, saving through
    `krat.services.person_password_set` (which revokes the person's API tokens, as a
    password change does). The person then logs in, second factor included: the reset
    neither signs them in nor touches their devices. Their other sessions end, as their
    stored password hash no longer matches. Failed log-ins stay counted: only the
    secretariat unlocks a person (`person_unlock`)."""

    def form_valid(self, form):
        services.person_password_set(person=form.user, password=form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())
