"""Periods of one county never overlap, enforced by the database itself.

PostgreSQL holds it as an exclusion constraint over the closed date range; SQLite,
which has none, as two triggers. Other databases are not supported.
"""

from django.db import migrations

POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE krat_reportingperiod ADD CONSTRAINT krat_reportingperiod_no_overlap
       EXCLUDE USING gist (county_id WITH =, daterange(start_date, end_date, '[]') WITH &&)""",
]
POSTGRES_DOWN = ["ALTER TABLE krat_reportingperiod DROP CONSTRAINT krat_reportingperiod_no_overlap"]

SQLITE_CLASH = """
    SELECT RAISE(ABORT, 'krat_reportingperiod_no_overlap')
    WHERE EXISTS (
        SELECT 1 FROM krat_reportingperiod p
        WHERE p.county_id = NEW.county_id AND p.id IS NOT NEW.id
          AND p.start_date <= NEW.end_date AND NEW.start_date <= p.end_date
    );
"""
SQLITE_UP = [
    f"CREATE TRIGGER krat_reportingperiod_no_overlap_insert BEFORE INSERT ON krat_reportingperiod "
    f"BEGIN {SQLITE_CLASH} END",
    f"CREATE TRIGGER krat_reportingperiod_no_overlap_update BEFORE UPDATE ON krat_reportingperiod "
    f"BEGIN {SQLITE_CLASH} END",
]
SQLITE_DOWN = [
    "DROP TRIGGER krat_reportingperiod_no_overlap_insert",
    "DROP TRIGGER krat_reportingperiod_no_overlap_update",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("krat", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": POSTGRES_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
