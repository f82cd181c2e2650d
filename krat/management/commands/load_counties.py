from django.core.management.base import BaseCommand

from krat.services import counties_load


class Command(BaseCommand):
    help = "Load Albania's twelve counties and their municipalities (safe to run again)."

    def handle(self, *args, **options):
        created = counties_load()
        self.stdout.write(f"Counties and municipalities loaded ({created} new records).")
