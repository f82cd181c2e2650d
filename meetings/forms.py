"""Forms of the meetings app: input shape only; the models and services hold the rules."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionplan.models import ActionPlan
from krat.choices import Role
from krat.collation import albanian
from krat.concurrency import StampedFormMixin, VersionedFormMixin, VersionField
from krat.forms import CountyScopedForm, DateInput, RecordChoices, choice_field, fix_owner, model_choice_field
from krat.membership import members_on
from krat.models import ReportingPeriod, User
from meetings import selectors
from meetings.choices import AttendanceStatus, Body, MeetingStatus
from meetings.models import AgendaItem, Decision, Meeting
from meetings.uploads import CONTENT_TYPES


class DateTimeInput(forms.DateTimeInput):
    def __init__(self, attrs=None):
        super().__init__(attrs={"placeholder": _("dd.mm.yyyy hh:mm"), **(attrs or {})})


class MeetingForm(CountyScopedForm):
    """The plan of a meeting. The reporting period is found from the date when left empty.

    A meeting of the same body at the same date and time as another is a step of its own:
    the form warns, names the other meeting and shows the "create anyway" tick, which
    stays hidden until then.
    """

    confirm_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # Only on a new meeting: one that already took place is entered as held in one go.
    held = forms.BooleanField(
        label=_("Already held"),
        required=False,
        help_text=_("Tick it to enter a past meeting as held: attendance, minutes and decisions follow."),
    )

    field_order = ["county", "body", "title", "starts_at", "ends_at", "held"]

    class Meta:
        model = Meeting
        fields = [
            "county",
            "body",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "chair",
            "action_plan",
            "action_plan_label",
            "period",
            "invited_institutions",
            "other_invitees",
            "introduction",
        ]
        widgets = {
            "starts_at": DateTimeInput,
            "ends_at": DateTimeInput,
            "invited_institutions": forms.CheckboxSelectMultiple,
            "other_invitees": forms.Textarea(attrs={"rows": 3}),
            "introduction": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {"invited_institutions": RecordChoices}

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, county=county, **kwargs)
        chair = model_choice_field(self, "chair")
        chair.queryset = User.objects.filter(
            county=county, is_active=True, role__in=[Role.CHAIR, Role.SECRETARIAT, Role.OBSERVER]
        ).order_by(albanian("last_name"), albanian("first_name"))
        # "Name — role": two people of the same name are told apart, and the chair is found.
        chair.label_from_instance = lambda user: f"{user} — {user.get_role_display()}"
        model_choice_field(self, "period").queryset = ReportingPeriod.objects.filter(county=county)
        model_choice_field(self, "action_plan").queryset = ActionPlan.objects.filter(county=county)
        self.fields["period"].required = False
        model_choice_field(self, "invited_institutions").queryset = county.institutions.filter(
            is_active=True
        ).order_by(albanian("name"))
        self.fields["starts_at"].input_formats = ["%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M"]
        self.fields["ends_at"].input_formats = ["%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M"]
        if not self.instance.pk:
            self.fields["body"].initial = Body.TECHNICAL_TABLE
            # The county's chair chairs, and every member of the table is invited, unless changed.
            self.fields["chair"].initial = next(
                (user.pk for user in chair.queryset if user.role == Role.CHAIR), None
            )
            self.fields["invited_institutions"].initial = [
                institution.pk for institution in members_on(county, timezone.localdate())
            ]
        else:
            del self.fields["held"]
        self.fields["confirm_duplicate"].label = (
            _("Create anyway") if not self.instance.pk else _("Save anyway")
        )

    #: A meeting of the table takes place in these years: a date far outside is a typing
    #: slip, and one near year 1 or 9999 cannot even be turned into UTC (the fuzz test's 500).
    YEARS = (2000, 2100)

    def _within_years(self, name: str) -> datetime.datetime | None:
        value = self.cleaned_data.get(name)
        if value is not None and not self.YEARS[0] <= value.year <= self.YEARS[1]:
            raise forms.ValidationError(
                _("Enter a date between the years %(first)s and %(last)s."),
                code="year_out_of_range",
                params={"first": self.YEARS[0], "last": self.YEARS[1]},
            )
        return value

    def clean_starts_at(self) -> datetime.datetime | None:
        return self._within_years("starts_at")

    def clean_ends_at(self) -> datetime.datetime | None:
        return self._within_years("ends_at")

    def clean(self):
        cleaned = super().clean()
        starts_at = cleaned.get("starts_at")
        body = cleaned.get("body")
        # An edit that leaves the slot as it was is not asked again (it was confirmed once).
        moved = not self.instance.pk or (body, starts_at) != (self.instance.body, self.instance.starts_at)
        if starts_at and body and moved and not cleaned.get("confirm_duplicate"):
            self._warn_of_duplicates(body, starts_at)
        if cleaned.get("held") and starts_at:
            if starts_at > timezone.now():
                # The model's own rule, said here: its error would name a field the form lacks.
                self.add_error(
                    "held",
                    ValidationError(
                        _("A meeting cannot be marked held before its date (%(date)s)."),
                        code="held_in_future",
                        params={"date": f"{timezone.localtime(starts_at):%d.%m.%Y %H:%M}"},
                    ),
                )
            else:
                self.instance.status = MeetingStatus.HELD
        if starts_at and not cleaned.get("period"):
            day = starts_at.date() if isinstance(starts_at, datetime.datetime) else starts_at
            cleaned["period"] = (
                model_choice_field(self, "period")
                .queryset.filter(start_date__lte=day, end_date__gte=day)
                .first()
            )
            self.instance.period = cleaned["period"]
        if starts_at and not cleaned.get("action_plan") and not cleaned.get("action_plan_label"):
            year = starts_at.year
            cleaned["action_plan"] = (
                model_choice_field(self, "action_plan").queryset.filter(year=year).first()
            )
            self.instance.action_plan = cleaned["action_plan"]
        return cleaned

    def _warn_of_duplicates(self, body: str, starts_at: datetime.datetime) -> None:
        others = selectors.meetings_in_slot(
            county=self.instance.county, body=body, starts_at=starts_at, exclude_pk=self.instance.pk
        )
        if not others:
            return
        field = self.fields["confirm_duplicate"]
        field.widget = forms.CheckboxInput()
        # The warning heads the form; the tick sits beside Save, marked too.
        self.add_error(
            None,
            ValidationError(
                _(
                    "The %(body)s already has a meeting at %(when)s: “%(title)s”. Is this the same "
                    "meeting? If not, tick “%(confirm)s”."
                ),
                code="duplicate",
                params={
                    "body": others[0].get_body_display(),
                    "when": f"{timezone.localtime(starts_at):%d.%m.%Y %H:%M}",
                    "title": others[0].title,
                    "confirm": field.label,
                },
            ),
        )
        self.add_error(
            "confirm_duplicate",
            ValidationError(_("Tick it only if both meetings really take place."), code="duplicate"),
        )


class AgendaItemForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = AgendaItem
        # No order number to type: an item is added at the end and moved with ↑/↓ on the
        # meeting's page (`services.agenda_item_move`).
        fields = ["meeting", "title", "presenter", "discussion"]
        widgets = {"discussion": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        fix_owner(self, "meeting", meeting)
        model_choice_field(self, "presenter").queryset = meeting.county.institutions.filter(
            is_active=True
        ).order_by(albanian("name"))


class MinutesForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["introduction", "chair_remarks", "guests"]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 5}),
            "chair_remarks": forms.Textarea(attrs={"rows": 8}),
            "guests": forms.Textarea(attrs={"rows": 3}),
        }


class DecisionForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["text", "agenda_item", "responsible", "due_date", "status"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "due_date": DateInput}

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.meeting = meeting
        # A forged id of another county's institution is refused here, and by the model too.
        model_choice_field(self, "responsible").queryset = meeting.county.institutions.filter(
            is_active=True
        ).order_by(albanian("name"))
        model_choice_field(self, "agenda_item").queryset = meeting.agenda_items.order_by("position")


class DecisionStatusForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["status", "status_note"]


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        max_length=100,
        widget=forms.TextInput,
        help_text=_("Kept in the history beside the approved version."),
    )


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, DOCX, XLSX, PPTX, ODT, JPG or PNG, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(CONTENT_TYPES)}),
    )


class AttendanceForm(StampedFormMixin, forms.Form):
    """One status and one name per institution, plus the guests. `rows` are
    `selectors.AttendanceSheetRow`s, which carry the values the sheet opens with."""

    # The meeting's version: the sheet is locked like an edit of the meeting (required: a
    # sheet that does not say what it was opened on could overwrite a newer one).
    version = VersionField(min_value=1)

    def __init__(self, *args, rows, guests: str = "", version: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version
        self.rows = rows
        choices = [("", _("not recorded")), *AttendanceStatus.choices]
        for row in rows:
            institution = row.institution
            self.fields[f"status_{institution.pk}"] = forms.ChoiceField(
                label=institution.name,
                choices=choices,
                required=False,
                initial=row.status,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"attendee_{institution.pk}"] = forms.CharField(
                label=_("Who came from %(institution)s") % {"institution": institution.name},
                max_length=200,
                required=False,
                initial=row.attendee,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
        self.fields["guests"] = forms.CharField(
            label=_("Guests"),
            required=False,
            initial=guests,
            widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
            help_text=_("Guests who attended, one per line."),
        )

    def table(self):
        return [
            (row.institution, self[f"status_{row.institution.pk}"], self[f"attendee_{row.institution.pk}"])
            for row in self.rows
        ]


class MeetingFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    year = forms.TypedChoiceField(
        label=_("Year"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    body = forms.ChoiceField(
        label=_("Body"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    institution = forms.TypedChoiceField(
        label=_("Institution"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, years: list[int], institutions, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "year").choices = [("", _("All years")), *[(y, y) for y in years]]
        choice_field(self, "body").choices = [("", _("All bodies")), *Body.choices]
        choice_field(self, "institution").choices = [
            ("", _("All institutions")),
            *[(i.pk, i.name) for i in institutions],
        ]
