from django.core.management.base import BaseCommand, CommandError

from cases.selectors.audit import audit_period
from krat.models import County, Institution, ReportingPeriod


class Command(BaseCommand):
    help = (
        "Audit what one reader can obtain for a period: every hidden count's range as an "
        "attacker with an integer-programming solver finds it, and whether it reveals more "
        "than its mark (issue 15). Exits 1 when one does."
    )

    def add_arguments(self, parser):
        parser.add_argument("--county", required=True, help="The county's slug.")
        parser.add_argument("--period", type=int, required=True, help="The reporting period's id.")
        parser.add_argument(
            "--reader",
            default="observer",
            help="observer, national, sharing (the report for sharing) or representative:<institution id>.",
        )

    def handle(self, *args, county, period, reader, **options):
        try:
            found = County.objects.get(slug=county)
            chosen = ReportingPeriod.objects.select_related("county").get(pk=period, county=found)
            result = audit_period(found, chosen, reader)
        except (County.DoesNotExist, ReportingPeriod.DoesNotExist, Institution.DoesNotExist) as error:
            raise CommandError(str(error)) from error
        except ValueError as error:
            raise CommandError(str(error)) from error
        for check in result.checks:
            wanted = (
                f"needs {check.required[0]}..{check.required[1]}"
                if check.required
                else f"needs {check.width} values"
                if check.width
                else "a zero"
            )
            self.stdout.write(
                f"{'ok  ' if check.ok else 'FAIL'} {check.key!r}: shown {check.mark!r}, "
                f"range {check.shown_range} ({wanted})"
            )
        self.stdout.write(
            f"{len(result.checks)} hidden cell(s) checked in {result.figures} set(s) of figures "
            f"for {reader}; {len(result.failures)} reveal(s) more than its mark."
        )
        if not result.ok:
            raise SystemExit(1)
