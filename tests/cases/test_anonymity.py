"""No model of cases/ (nor its history) can hold anything that identifies a person."""

import re

from django.apps import apps

FORBIDDEN = re.compile(
    r"(^|_)(name|first_name|last_name|surname|birth|birthday|dob|personal_number|id_number|nid|phone|"
    r"mobile|address|email|e_mail)(_|$)"
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
