"""Forms of the period data. They check input shape; services and models hold the rules."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.choices import MAX_COUNT, UNKNOWN, Country, Dimension, Sex, VictimStatus, victim_categories
from cases.models import AgeGroup, CasesSettings, EmploymentFunnel, StreetIntervention
from cases.selectors.grids import NEVER_SAVED, StoredVictimGrid
from cases.services.victims import VictimGrid, victim_grid_errors
from krat.choices import InstitutionKind
from krat.collation import albanian
from krat.concurrency import StampedFormMixin, VersionedFormMixin, VersionField
from krat.forms import DateInput, model_choice_field
from krat.models import County, Institution, Municipality

COUNTRY_SLOTS = 4


def count_input(label="", **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_COUNT,
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": MAX_COUNT, "step": 1, "inputmode": "numeric"}),
        **kwargs,
    )


class VictimGridForm(StampedFormMixin, forms.Form):
    """Both statuses of one institution's victims grid for one period.

    Fields: `<status>-version` (the version of the status the page shows, 0 for none),
    `<status>-total`, `<status>-referred`, `<status>-<dimension>-<category>`,
    and foreign victims by country as `country-<i>` with `<status>-country-<i>`.
    A cell left empty has no value: it opens empty, and is never read as 0.
    """

    def __init__(self, *args, age_groups: list[AgeGroup], stored: Mapping[str, StoredVictimGrid], **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = victim_categories(age_groups)
        self.age_groups = age_groups
        stored_countries = sorted(
            {cat for grid in stored.values() for (dim, cat) in grid.cells if dim == Dimension.COUNTRY}
        )
        self.country_slots = max(COUNTRY_SLOTS, len(stored_countries))
        for status in VictimStatus.values:
            grid = stored.get(status, NEVER_SAVED)
            self.fields[f"{status}-version"] = VersionField(initial=grid.version or 0)
            self.fields[f"{status}-total"] = count_input(_("Total"), initial=grid.total)
            self.fields[f"{status}-referred"] = count_input(
                _("Referred to services or a shelter"), initial=grid.referred
            )
            for dimension, options in self.categories.items():
                for value, label in options:
                    self.fields[f"{status}-{dimension}-{value}"] = count_input(
                        label, initial=grid.cells.get((dimension, value))
                    )
            for slot in range(self.country_slots):
                code = stored_countries[slot] if slot < len(stored_countries) else ""
                self.fields[f"{status}-country-{slot}"] = count_input(
                    _("Count"), initial=grid.cells.get((Dimension.COUNTRY, code)) if code else None
                )
        self._mark_cells()
        for slot in range(self.country_slots):
            self.fields[f"country-{slot}"] = forms.ChoiceField(
                label=_("Country"),
                choices=[("", "—"), *Country.choices],
                required=False,
                initial=stored_countries[slot] if slot < len(stored_countries) else "",
                widget=forms.Select(
                    attrs={"class": "form-select form-select-sm", "aria-label": _("Country")}
                ),
            )

    def _mark_cells(self) -> None:
        """Data attributes for static/cases/grid.js, and a label that names the cell."""
        statuses = dict(VictimStatus.choices)
        for name, field in self.fields.items():
            parts = name.split("-", 2)
            if parts[0] not in statuses or parts[1] == "version":
                continue
            attrs = {"class": "form-control form-control-sm text-end", "data-status": parts[0]}
            if parts[1] in ("total", "referred"):
                attrs["data-" + parts[1]] = parts[0]
                cell = str(field.label)
            else:
                attrs["data-dim"] = parts[1]
                attrs["data-category"] = parts[2]
                cell = f"{Dimension(parts[1]).label}: {field.label}"
            attrs["aria-label"] = f"{cell} · {statuses[parts[0]]}"
            field.widget.attrs.update(attrs)

    def _value(self, name: str) -> int | None:
        """The number entered, or None for a cell left empty (no value, not 0)."""
        return self.cleaned_data.get(name)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.grids: dict[str, VictimGrid] = {}
        seen = {}
        for slot in range(self.country_slots):
            code = cleaned.get(f"country-{slot}")
            if code and code in seen:
                self.add_error(f"country-{slot}", gettext("This country is already in the list."))
            seen[code] = slot
        for status in VictimStatus.values:
            grid = VictimGrid(
                total=self._value(f"{status}-total"), referred=self._value(f"{status}-referred")
            )
            for dimension, options in self.categories.items():
                for value, _label in options:
                    count = self._value(f"{status}-{dimension}-{value}")
                    if count is not None:
                        grid.cells[(dimension, value)] = count
            for slot in range(self.country_slots):
                code = cleaned.get(f"country-{slot}")
                count = self._value(f"{status}-country-{slot}")
                if count and not code:  # a 0 with no country places nobody: nothing to keep
                    self.add_error(f"country-{slot}", gettext("Choose the country of these victims."))
                if code and count is not None:
                    grid.cells[(Dimension.COUNTRY, code)] = count
            self.grids[status] = grid
            for dimension, message in victim_grid_errors(grid, self.age_groups):
                if dimension == "referred":
                    field = f"{status}-referred"
                elif dimension == Dimension.COUNTRY:
                    field = f"{status}-country-0"
                elif dimension:
                    field = f"{status}-{dimension}-{UNKNOWN}"
                else:
                    field = f"{status}-total"
                self.add_error(field, message)
        return cleaned

    def versions(self) -> dict[str, int | None]:
        return {s: self.cleaned_data.get(f"{s}-version") for s in VictimStatus.values}

    def rows(self) -> list[dict]:
        """The grid as the template draws it: one block per breakdown, one row per category."""
        blocks = []
        for dimension, options in self.categories.items():
            blocks.append(
                {
                    "key": dimension,
                    "label": Dimension(dimension).label,
                    "rows": [
                        {
                            "label": label,
                            "fields": [self[f"{s}-{dimension}-{value}"] for s in VictimStatus.values],
                        }
                        for value, label in options
                    ],
                }
            )
        return blocks

    def country_rows(self) -> list[dict]:
        return [
            {
                "choice": self[f"country-{slot}"],
                "fields": [self[f"{s}-country-{slot}"] for s in VictimStatus.values],
            }
            for slot in range(self.country_slots)
        ]

    def header_rows(self) -> list[dict]:
        return [
            {"key": key, "label": label, "fields": [self[f"{s}-{key}"] for s in VictimStatus.values]}
            for key, label in (("total", _("Total")), ("referred", _("Referred to services or a shelter")))
        ]


class UploadForm(StampedFormMixin, forms.Form):
    """A spreadsheet that replaces a grid, with the stamps of the grid the page showed
    (`stamps`: field name → version), so that it does not replace a newer save unseen."""

    file = forms.FileField(label=_("Spreadsheet (.xlsx)"))

    def __init__(self, *args, stamps: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, value in (stamps or {}).items():
            self.fields[name] = VersionField(initial=value)

    def stamps(self) -> dict[str, int]:
        return {
            name: self.cleaned_data[name] for name, f in self.fields.items() if isinstance(f, VersionField)
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload the .xlsx template."), code="not_xlsx")
        return upload


class GridStampForm(StampedFormMixin, forms.Form):
    """The stamp of the employment grid the page showed (see `employment_stamp`)."""

    stamp = VersionField()


class InstitutionChoiceMixin:
    fields: dict[str, forms.Field]  # the form's, which this mixes into

    def add_institution_field(self, institutions: list[Institution] | None) -> None:
        if institutions is not None:
            self.fields["institution"] = forms.ModelChoiceField(
                label=_("Reporting institution"),
                queryset=Institution.objects.filter(pk__in=[i.pk for i in institutions]),
            )


class StreetInterventionForm(InstitutionChoiceMixin, VersionedFormMixin, forms.ModelForm):
    """An intervention with its children counted by sex × age group (no names, ever)."""

    class Meta:
        model = StreetIntervention
        fields = ["date", "municipality", "place", "origin", "activity", "accompanied", "action"]
        widgets = {"date": DateInput}

    def __init__(
        self, *args, county: County, age_groups: list[AgeGroup], institutions=None, counts=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.instance.county = county
        model_choice_field(self, "municipality").queryset = Municipality.objects.filter(county=county)
        model_choice_field(self, "origin").queryset = Municipality.objects.order_by(albanian("name"))
        model_choice_field(self, "origin").empty_label = gettext("Not known")
        self.age_groups = [g for g in age_groups if g.is_child]
        self.add_institution_field(institutions)
        counts = counts or {}
        for sex, sex_label in Sex.choices:
            for group in [*self.age_groups, None]:
                key = group.pk if group else None
                self.fields[self.count_name(sex, key)] = count_input(
                    f"{sex_label} · {group.label if group else gettext('unknown age')}",
                    initial=counts.get((sex, key)),
                )

    @staticmethod
    def count_name(sex: str, group_id: int | None) -> str:
        return f"n-{sex}-{group_id or UNKNOWN}"

    def counts(self) -> dict[tuple[str, int | None], int]:
        """The counts entered (0 included); a cell left empty is left out: no value."""
        found = {}
        for sex in Sex.values:
            for g in [*self.age_groups, None]:
                value = self.cleaned_data.get(self.count_name(sex, g.pk if g else None))
                if value is not None:
                    found[(sex, g.pk if g else None)] = value
        return found

    def count_table(self) -> list[dict]:
        return [
            {
                "label": label,
                "fields": [self[self.count_name(sex, g.pk if g else None)] for g in [*self.age_groups, None]],
            }
            for sex, label in Sex.choices
        ]

    def main_fields(self):
        names = ["institution"] if "institution" in self.fields else []
        return [self[n] for n in [*names, *self.Meta.fields, "version"]]

    def _post_clean(self):
        if "institution" in self.cleaned_data:
            self.instance.institution = self.cleaned_data["institution"]
        super()._post_clean()


class EmploymentRowForm(forms.ModelForm):
    """One fixed row of the employment grid: a category (group, sex, age group — empty:
    unknown), carried in hidden fields, and its stages. A stage left empty has no value
    (None, not 0); a row with no stage entered holds nothing: it is not kept (a stored row
    emptied is deleted), so its model rules are not asked."""

    class Meta:
        model = EmploymentFunnel
        fields = ["group", "sex", "age_group", *EmploymentFunnel.STAGES]
        widgets = {"group": forms.HiddenInput, "sex": forms.HiddenInput, "age_group": forms.HiddenInput}

    def __init__(self, *args, age_groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "age_group").queryset = AgeGroup.objects.filter(
            pk__in=[g.pk for g in age_groups]
        )
        for stage in EmploymentFunnel.STAGES:
            self.fields[stage].widget.attrs.update(
                {"min": 0, "max": MAX_COUNT, "class": "form-control form-control-sm", "data-stage": stage}
            )
            self.fields[stage].max_value = MAX_COUNT

    @property
    def is_empty(self) -> bool:
        """No stage entered (read after validation)."""
        data = getattr(self, "cleaned_data", {})
        return all(data.get(stage) is None for stage in EmploymentFunnel.STAGES)

    def _post_clean(self):
        if self.is_empty and not self.errors:
            return  # nothing to keep: the model's rules (some stage entered) do not apply
        super()._post_clean()


# A county has at most 5 groups × 3 sexes (female, male, unknown) × (working-age groups +
# unknown) rows. The cap also bounds what a forged TOTAL_FORMS can make the server build
# (found by the fuzzer: Django's default of 2,000 forms kept a worker busy for 20 seconds per
# request).
EMPLOYMENT_MAX_ROWS = 150


def employment_formset(*, extra: int):
    """The grid's formset class: the stored rows, and `extra` rows for the categories that
    have none (their category given as `initial`)."""
    return forms.modelformset_factory(
        EmploymentFunnel,
        form=EmploymentRowForm,
        extra=extra,
        can_delete=False,
        max_num=EMPLOYMENT_MAX_ROWS,
        absolute_max=EMPLOYMENT_MAX_ROWS,
        validate_max=True,
    )


class CasesSettingsForm(VersionedFormMixin, forms.ModelForm):
    victims_kinds = forms.MultipleChoiceField(
        label=_("Institution kinds that report victims"),
        choices=InstitutionKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    street_children_kinds = forms.MultipleChoiceField(
        label=_("Institution kinds that report children in street situations"),
        choices=InstitutionKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    employment_kinds = forms.MultipleChoiceField(
        label=_("Institution kinds that report employment"),
        choices=InstitutionKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    age_bounds = forms.CharField(
        label=_("Age groups start at"),
        help_text=_("Ages separated by commas, such as “0, 14, 18, 25” for 0–13, 14–17, 18–24, 25+."),
        required=False,
    )

    class Meta:
        model = CasesSettings
        fields = ["victims_kinds", "street_children_kinds", "employment_kinds"]

    def clean_age_bounds(self):
        raw = self.cleaned_data["age_bounds"].strip()
        if not raw:
            return None
        try:
            return [int(part) for part in raw.replace(";", ",").split(",") if part.strip()]
        except ValueError:
            raise forms.ValidationError(_("Write whole ages separated by commas."), code="bad_ages") from None
