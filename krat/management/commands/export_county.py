from django.core.management.base import BaseCommand, CommandError

from krat.models import County
from krat.portability import export_county


class Command(BaseCommand):
    help = (
        "Write one county's complete data (records, their history, uploaded files) to a zip. "
        "The archive holds the people's password hashes and two-factor secrets: keep it safe."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The county's short name, e.g. durres.")
        parser.add_argument("file", help="The zip file to write.")

    def handle(self, *args, slug, file, **options):
        try:
            county = County.objects.get(slug=slug)
        except County.DoesNotExist as missing:
            raise CommandError(f"No county with the short name {slug!r}.") from missing
        counts = export_county(county, file)
        total = sum(counts.values())
        self.stdout.write(f"Exported {total} records of {county} to {file}.")
        for label, count in counts.items():
            if count and options["verbosity"] > 1:
                self.stdout.write(f"  {label:<40} {count}")
