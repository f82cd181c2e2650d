"""Forms of the action plan and the calendar. They check input shape; the models hold the rules."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from actionplan.choices import EventStatus, ProgressStatus
from actionplan.models import (
    ActionPlan,
    Activity,
    ActivityProgress,
    AwarenessEvent,
    Objective,
    Pillar,
    TargetGroup,
)
from krat.concurrency import VersionedFormMixin
from krat.forms import CountyScopedForm, DateInput, RecordChoices, fix_owner, model_choice_field
from krat.models import County, Institution, Municipality


class NumberField(forms.DecimalField):
    """A decimal typed as 3,5 (Albanian) or 3.5; with both marks, 1.250,5 reads as 1250.5."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "")
            if "," in value and "." in value:
                value = value.replace(".", "")
            value = value.replace(",", ".")
        return super().to_python(value)


class PlanForm(CountyScopedForm):
    class Meta:
        model = ActionPlan
        fields = ["county", "year", "title"]


class PillarForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Pillar
        fields = ["name", "position"]


class ObjectiveForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["pillar", "name", "position"]

    def __init__(self, *args, plan: ActionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "pillar").queryset = plan.pillars.all()


class ActivityForm(VersionedFormMixin, forms.ModelForm):
    """An activity of `plan`; the institutions offered are the plan's county's."""

    class Meta:
        model = Activity
        fields = [
            "plan",
            "objective",
            "code",
            "description",
            "lead_institution",
            "partners",
            "start_date",
            "deadline",
            "indicator",
            "target",
            "unit",
            "budget",
            "budget_source",
        ]
        field_classes = {"target": NumberField, "budget": NumberField, "partners": RecordChoices}
        widgets = {
            "start_date": DateInput,
            "deadline": DateInput,
            "description": forms.Textarea(attrs={"rows": 3}),
            "partners": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, plan: ActionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        fix_owner(self, "plan", plan)
        institutions = Institution.objects.filter(county_id=plan.county_id, is_active=True)
        model_choice_field(self, "objective").queryset = Objective.objects.filter(
            pillar__plan=plan
        ).select_related("pillar")
        # Labels the choices of this form's field only (Django reads it per field instance).
        model_choice_field(self, "objective").label_from_instance = (  # type: ignore[method-assign]
            lambda obj: f"{obj.pillar.name} — {obj.name}"
        )
        model_choice_field(self, "lead_institution").queryset = institutions
        model_choice_field(self, "partners").queryset = institutions


class ProgressForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ActivityProgress
        fields = ["status", "achieved", "narrative"]
        field_classes = {"achieved": NumberField}
        widgets = {"narrative": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["achieved"].error_messages["invalid"] = _(
            "Enter the value achieved as a number, such as 12 or 3,5."
        )
        self.fields["status"].initial = ProgressStatus.IN_PROGRESS


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class PlanImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"})
    )


class EventForm(CountyScopedForm):
    """An awareness event. A representative's events are always organised by their institution."""

    class Meta:
        model = AwarenessEvent
        fields = [
            "county",
            "title",
            "date",
            "start_time",
            "end_time",
            "municipality",
            "venue",
            "organiser",
            "partners",
            "target_groups",
            "activity",
            "description",
            "status",
            "people_reached",
            "note",
        ]
        field_classes = {"partners": RecordChoices, "target_groups": RecordChoices}
        widgets = {
            "date": DateInput,
            "start_time": forms.TimeInput(attrs={"placeholder": "10:00"}),
            "end_time": forms.TimeInput(attrs={"placeholder": "12:00"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "partners": forms.CheckboxSelectMultiple,
            "target_groups": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, county: County, organiser: Institution | None = None, **kwargs):
        super().__init__(*args, county=county, **kwargs)
        institutions = Institution.objects.filter(county=county, is_active=True)
        model_choice_field(self, "organiser").queryset = institutions
        model_choice_field(self, "partners").queryset = institutions
        model_choice_field(self, "municipality").queryset = Municipality.objects.filter(county=county)
        model_choice_field(self, "target_groups").queryset = TargetGroup.objects.all()
        model_choice_field(self, "activity").queryset = Activity.objects.filter(
            plan__county=county
        ).select_related("plan")
        # Labels the choices of this form's field only (Django reads it per field instance).
        model_choice_field(self, "activity").label_from_instance = (  # type: ignore[method-assign]
            lambda obj: f"{obj.plan.year} · {obj.code} {obj.description[:60]}"
        )
        if organiser is not None:
            # Representatives organise for their own institution only: never trust a posted value.
            self.instance.organiser = organiser
            del self.fields["organiser"]


class EventFilter(django_filters.FilterSet):
    """The calendar's list: by month, status, organiser, target group and municipality."""

    month = django_filters.DateFilter(
        label=_("Month"),
        method="filter_month",
        input_formats=["%m.%Y", "%Y-%m"],
        widget=forms.TextInput(attrs={"placeholder": _("mm.yyyy")}),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EventStatus.choices)
    organiser = django_filters.ModelChoiceFilter(
        label=_("Organising institution"), queryset=Institution.objects.none()
    )
    target_groups = django_filters.ModelChoiceFilter(
        label=_("Target group"), queryset=TargetGroup.objects.all()
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"), queryset=Municipality.objects.none()
    )

    class Meta:
        model = AwarenessEvent
        fields = ["month", "status", "organiser", "target_groups", "municipality"]

    def __init__(self, *args, county: County, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["organiser"].queryset = Institution.objects.filter(county=county)
        self.filters["municipality"].queryset = Municipality.objects.filter(county=county)

    def filter_month(self, queryset, name, value):
        return queryset.filter(date__year=value.year, date__month=value.month)
