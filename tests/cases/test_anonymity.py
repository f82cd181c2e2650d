"""No model of cases/ (nor its history) can hold anything that identifies a person."""

import re

from django.apps import apps

FORBIDDEN = re.compile(
    r"(^|_)(name|first_name|last_name|surname|birth|birthday|dob|personal_number|id_number|nid|phone|"
    r"address|email|e_mail)(_|$)"
)


def test_no_model_of_cases_has_a_field_for_a_persons_identity():
    models = list(apps.get_app_config("cases").get_models())
    assert any(m.__name__.startswith("Historical") for m in models)
    offenders = [
        f"{model.__name__}.{field.name}"
        for model in models
        for field in model._meta.get_fields()
        if FORBIDDEN.search(field.name) or "name" in field.name.split("_")
    ]
    assert offenders == []


def test_the_place_of_an_intervention_warns_not_to_write_names():
    from cases.models import StreetIntervention

    field = StreetIntervention._meta.get_field("place")
    assert field.max_length <= 100
    assert "name" in str(field.help_text)


def test_no_form_import_template_or_export_has_a_column_for_a_person():

    from cases import forms, sheets
    from cases.models import AgeGroup
    from krat.models import County

    county = County(pk=1, name="Durrës", slug="durres")
    groups = [AgeGroup(pk=1, county=county, min_age=0, max_age=13), AgeGroup(pk=2, county=county, min_age=14)]
    names = list(forms.VictimGridForm(age_groups=groups, stored={}).fields)
    names += list(forms.EmploymentRowForm(age_groups=[]).fields)
    names += list(forms.StreetInterventionForm.Meta.fields)
    names += list(forms.CasesSettingsForm.base_fields)
    names += [c.key for c in sheets.VICTIMS_TEMPLATE.columns]
    names += [c.key for c in sheets.employment_template_for(groups).columns]
    titles = [str(h) for h in sheets.interventions_rows([])[0]]
    offenders = [n for n in names if FORBIDDEN.search(n.replace("-", "_"))]
    offenders += [t for t in titles if FORBIDDEN.search(t.lower().replace(" ", "_"))]
    assert offenders == []
