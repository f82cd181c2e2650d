"""Forms of the table's core. They check input shape; the models hold the rules."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import SetPasswordMixin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from krat.access import COUNTY_MANAGED_ROLES
from krat.concurrency import VersionedFormMixin
from krat.models import County, Institution, ReportingPeriod, TableMembership, User


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The form's field `name`, a choice of records (whose queryset a form narrows per request).
    Raises TypeError when it is not one."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a ModelChoiceField")
    return field


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field `name`, a choice (whose choices a form sets per request).
    Raises TypeError when it is not one."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a ChoiceField")
    return field


#: The largest key a database column of the project can hold (a 64-bit integer).
LARGEST_KEY = 2**63 - 1


class RecordChoices(forms.ModelMultipleChoiceField):
    """A choice of several records (the institutions invited, an event's partners).

    A number no key can hold is refused as an unknown choice before any query: Django
    lets it reach an `__in` lookup, where SQLite cannot even bind it (OverflowError, a 500
    found by the fuzz test)."""

    def clean(self, value):
        for item in value if isinstance(value, list | tuple) else ():
            text = str(item).strip().lstrip("+-")
            # isdecimal, not isdigit: "²" is a digit that int() refuses (Django refuses it as
            # an invalid choice further on).
            if text.isdecimal() and int(text) > LARGEST_KEY:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super().clean(value)


class DateInput(forms.DateInput):
    """A text field for dates typed as 25.04.2018, with a button beside it that opens the
    browser's calendar (`static/js/datepicker.js`; without the script, typed as before)."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "placeholder": _("dd.mm.yyyy"),
                "inputmode": "numeric",
                "data-date-picker": _("Choose the date from a calendar"),
                **(attrs or {}),
            }
        )


def add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Attach a model's ValidationError to the form, on the field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def fix_owner(form: forms.ModelForm, name: str, owner) -> None:
    """Make `name` (a foreign key the view decides: the county, the meeting, the plan) a
    field of the form that the request cannot set.

    A disabled field takes its initial value whatever is posted (Django's documented
    `Field.disabled`), and being a field of the form it takes part in the model's
    validation, so the uniqueness rules and constraints that involve it are checked
    with the form's other fields (a field left off the form would be excluded from them).
    """
    form.fields[name] = forms.ModelChoiceField(
        queryset=type(owner)._default_manager.filter(pk=owner.pk),
        initial=owner.pk,
        disabled=True,
        widget=forms.HiddenInput,
    )
    setattr(form.instance, name, owner)


class CountyScopedForm(VersionedFormMixin, forms.ModelForm):
    """A form for a record of one county, given by the view and never by the request.

    The county is a fixed field (`fix_owner`) so that the per-county uniqueness rules
    are checked with the form's fields.
    """

    def __init__(self, *args, county: County, **kwargs):
        super().__init__(*args, **kwargs)
        fix_owner(self, "county", county)


class InstitutionForm(CountyScopedForm):
    """An institution's details; a new one also says from when it is a member of the
    Technical Table. A stored one's memberships are kept on its page (`MembershipForm`)."""

    member_since = forms.DateField(
        label=_("Member of the Technical Table since"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty for an institution that is invited to the table but not a member."),
    )
    reference = forms.CharField(
        label=_("Order"),
        max_length=200,
        required=False,
        help_text=_("The order that made it a member, for example “Urdhri i Prefektit nr. 12, 15.01.2018”."),
    )

    class Meta:
        model = Institution
        fields = [
            "county",
            "name",
            "kind",
            "contact_email",
            "contact_phone",
            "address",
            "is_active",
        ]

    def __init__(self, *args, county: County, **kwargs):
        super().__init__(*args, county=county, **kwargs)
        if self.instance.pk:
            del self.fields["member_since"], self.fields["reference"]
        else:
            self.fields["member_since"].initial = timezone.localdate()


class MembershipForm(VersionedFormMixin, forms.ModelForm):
    """A membership of the Technical Table, of the institution the view gives (never the
    request's): recorded or corrected, an end date included."""

    class Meta:
        model = TableMembership
        fields = ["institution", "start_date", "end_date", "reference", "end_reference"]
        widgets = {"start_date": DateInput, "end_date": DateInput}

    def __init__(self, *args, institution: Institution, **kwargs):
        super().__init__(*args, **kwargs)
        fix_owner(self, "institution", institution)


class ReportingPeriodForm(CountyScopedForm):
    class Meta:
        model = ReportingPeriod
        fields = ["county", "label", "start_date", "end_date", "deadline", "is_closed"]
        widgets = {"start_date": DateInput, "end_date": DateInput, "deadline": DateInput}


class CountySettingsForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = County
        fields = [
            "prefecture_name",
            "prefecture_address",
            "prefecture_phone",
            "prefecture_email",
            "logo",
            "small_number_threshold",
            "suppress_in_printed_report",
            "tourist_season_start",
            "tourist_season_end",
            "require_two_factor",
        ]


class PersonForm(SetPasswordMixin, CountyScopedForm):
    """A representative or county observer, as the secretariat manages them.

    Only the roles of `krat.access.COUNTY_MANAGED_ROLES` can be given here: the secretariat,
    the chair and national observers are made by a superuser in the administration site.
    The form has no county, staff or superuser field, so posting one changes nothing.
    """

    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Password"), label2=_("Password confirmation")
    )

    class Meta:
        model = User
        fields = [
            "county",
            "username",
            "first_name",
            "last_name",
            "email",
            "job_title",
            "phone",
            "role",
            "institution",
            "position",
            "is_active",
        ]

    def __init__(self, *args, county: County, **kwargs):
        super().__init__(*args, county=county, **kwargs)
        choice_field(self, "role").choices = [(r.value, r.label) for r in COUNTY_MANAGED_ROLES]
        self.fields["role"].required = True
        model_choice_field(self, "institution").queryset = county.institutions.filter(is_active=True)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self.fields["email"].required = True
        if self.instance.pk:
            for name in ("password1", "password2"):
                self.fields[name].required = False
                self.fields[name].help_text = _("Leave empty to keep the current password.")

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("password1")) != bool(cleaned.get("password2")):
            self.add_error("password2", _("Type the new password twice."))
        self.validate_passwords()
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        if self.cleaned_data.get("password1"):
            self.validate_password_for_user(self.instance)

    def new_password(self) -> str | None:
        return self.cleaned_data.get("password1") or None


__all__ = [
    "NON_FIELD_ERRORS",
    "CountySettingsForm",
    "DateInput",
    "InstitutionForm",
    "PersonForm",
    "ReportingPeriodForm",
    "add_errors",
]
