"""Fill the fixed list of target groups, so events can be filtered by them."""

from django.db import migrations

CODES = [
    "pupils",
    "parents",
    "teachers",
    "roma_egyptian",
    "tourists",
    "employers",
    "jobseekers",
    "youth",
    "professionals",
    "general_public",
]


def create(apps, schema_editor):
    TargetGroup = apps.get_model("actionplan", "TargetGroup")
    for code in CODES:
        TargetGroup.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("actionplan", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
