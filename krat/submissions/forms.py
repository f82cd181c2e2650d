"""Forms of period submissions: they check input shape; the services hold the rules."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from krat.concurrency import VersionedFormMixin
from krat.forms import model_choice_field
from krat.models import County, Institution, PeriodSubmission
from krat.submissions.parts import PartStatus
from krat.submissions.services import EDITABLE_FIELDS

PART_PREFIX = "part__"


class SubmissionForm(VersionedFormMixin, forms.ModelForm):
    """The narrative in six sections, each with its "nothing to report" box, and one
    "nothing to report" box per structured part that applies to the institution."""

    class Meta:
        model = PeriodSubmission
        fields = EDITABLE_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in EDITABLE_FIELDS[::2]}

    def __init__(self, *args, parts: Sequence[PartStatus] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.part_keys = {}
        for status in parts:
            name = f"{PART_PREFIX}{status.part.key}"
            self.part_keys[name] = status.part.key
            self.fields[name] = forms.BooleanField(
                required=False,
                initial=status.is_nothing_to_report,
                label=gettext("%(part)s: nothing to report") % {"part": status.part.title},
            )

    def nothing_to_report_parts(self) -> set[str]:
        return {key for name, key in self.part_keys.items() if self.cleaned_data.get(name)}


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the institution fix?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), widget=forms.Textarea(attrs={"rows": 2}))


class RemindForm(forms.Form):
    """The board's reminder buttons: all who have not submitted, or one institution."""

    institution = forms.ModelChoiceField(queryset=Institution.objects.none(), required=False)

    def __init__(self, *args, county: County, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "institution").queryset = Institution.objects.filter(county=county)
