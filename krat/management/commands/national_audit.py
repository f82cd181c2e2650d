import datetime

from django.core.management.base import BaseCommand, CommandError

from krat.report.national import national_audit


class Command(BaseCommand):
    help = (
        "Audit the national tables of the periods starting on a day (issue 21): every hidden "
        "count of the counties and of the national totals, as an attacker with an "
        "integer-programming solver bounds it beside everything published. Exits 1 when one "
        "reveals more than its mark."
    )

    def add_arguments(self, parser):
        parser.add_argument("--start", required=True, help="The periods' first day, YYYY-MM-DD.")

    def handle(self, *args, start, **options):
        try:
            day = datetime.date.fromisoformat(start)
        except ValueError as error:
            raise CommandError(str(error)) from error
        checks = national_audit(day)
        for check in checks:
            self.stdout.write(
                f"{'ok  ' if check.ok else 'FAIL'} {check.key!r}: shown {check.mark!r}, range {check.shown_range}"
            )
        failures = [check for check in checks if not check.ok]
        self.stdout.write(
            f"{len(checks)} hidden cell(s) checked; {len(failures)} reveal(s) more than its mark."
        )
        if failures:
            raise SystemExit(1)
