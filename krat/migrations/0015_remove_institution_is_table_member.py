"""The member flag goes: the memberships (migration 0014 made them from it) are the one record."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("krat", "0014_memberships_from_flag")]

    operations = [
        migrations.RemoveField(
            model_name='historicalinstitution',
            name='is_table_member',
        ),
        migrations.RemoveField(
            model_name='institution',
            name='is_table_member',
        ),
    ]
