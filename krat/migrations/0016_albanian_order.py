"""Lists in Albanian alphabetical order (krat/collation.py).

PostgreSQL built with ICU imports `sq-x-icu` into every database; one whose import was
skipped gets it here. SQLite gets its `krat_sq` collation on each connection instead.
"""

import krat.collation
from django.db import migrations


def create_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            """
            DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'sq-x-icu') THEN
                    CREATE COLLATION "sq-x-icu" (provider = icu, locale = 'sq');
                END IF;
            END $$
            """
        )


class Migration(migrations.Migration):

    dependencies = [
        ('krat', '0015_remove_institution_is_table_member'),
    ]

    operations = [
        migrations.RunPython(create_collation, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name='county',
            options={'ordering': [krat.collation.albanian('name')], 'verbose_name': 'county', 'verbose_name_plural': 'counties'},
        ),
        migrations.AlterModelOptions(
            name='institution',
            options={'ordering': [krat.collation.albanian('name')], 'verbose_name': 'institution', 'verbose_name_plural': 'institutions'},
        ),
        migrations.AlterModelOptions(
            name='municipality',
            options={'ordering': [krat.collation.albanian('name')], 'verbose_name': 'municipality', 'verbose_name_plural': 'municipalities'},
        ),
        migrations.AlterModelOptions(
            name='periodsubmission',
            options={'ordering': ['period', krat.collation.albanian('institution__name')], 'verbose_name': 'period submission', 'verbose_name_plural': 'period submissions'},
        ),
        migrations.AlterModelOptions(
            name='user',
            options={'ordering': [krat.collation.albanian('last_name'), krat.collation.albanian('first_name'), 'username'], 'verbose_name': 'user', 'verbose_name_plural': 'users'},
        ),
    ]
