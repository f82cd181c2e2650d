"""Forms of the period coordination report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from krat.concurrency import VersionedFormMixin
from krat.models import PeriodReport


class SummaryForm(VersionedFormMixin, forms.ModelForm):
    """The secretariat's summary (plain text; printed escaped)."""

    class Meta:
        model = PeriodReport
        fields = ["summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 12})}


class FinaliseForm(forms.Form):
    """What the chair chooses when finalising: the version for sharing or not, the language,
    and, from the second version on, the reason."""

    shared = forms.BooleanField(
        label=_("For sharing outside the table (small numbers hidden)"), required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("sq", "Shqip"), ("en", "English")], required=False, initial="sq"
    )
    reason = forms.CharField(
        label=_("Reason for a new version"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the report has already been finalised."),
    )

    # Set by the confirmation page: the chair has read what the report lacks.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, period_closed: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not period_closed:
            # Said before the chair tries: `final_report_create` refuses it anyway.
            shared = self.fields["shared"]
            shared.disabled = True
            self.initial["shared"] = False
            shared.help_text = _(
                "A version for sharing is finalised once the period is closed: until then "
                "its figures may still change and are not published."
            )
