"""Every county has its period data settings and age groups from its creation on
(`krat.services.county_create`); reads no longer create them on first use. This creates them
for the counties that never had them read."""

from django.db import migrations

# The defaults of cases.services.settings (0–13, 14–17, 18–24, 25+), as they were when this ran.
DEFAULT_AGE_GROUPS = [(0, 13), (14, 17), (18, 24), (25, None)]


def create_missing_defaults(apps, schema_editor):
    County = apps.get_model("krat", "County")
    CasesSettings = apps.get_model("cases", "CasesSettings")
    AgeGroup = apps.get_model("cases", "AgeGroup")
    with_settings = set(CasesSettings.objects.values_list("county_id", flat=True))
    with_groups = set(AgeGroup.objects.values_list("county_id", flat=True).distinct())
    counties = list(County.objects.order_by("pk").values_list("pk", flat=True))
    CasesSettings.objects.bulk_create(
        [CasesSettings(county_id=pk) for pk in counties if pk not in with_settings]
    )
    AgeGroup.objects.bulk_create(
        [
            AgeGroup(county_id=pk, min_age=low, max_age=high)
            for pk in counties
            if pk not in with_groups
            for low, high in DEFAULT_AGE_GROUPS
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_bounded_numbers"),
    ]

    operations = [
        migrations.RunPython(create_missing_defaults, migrations.RunPython.noop),
    ]
