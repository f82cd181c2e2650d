"""PostgreSQL's `unaccent` extension, for searches that ignore diacritics (krat/search.py).

SQLite gets the same folding as a Python function on each connection instead.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


class Migration(migrations.Migration):
    dependencies = [("krat", "0007_history_of_nothing_to_report_marks")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
