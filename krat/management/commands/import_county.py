from django.core.management.base import BaseCommand, CommandError

from krat.portability import ImportRefused, import_county


class Command(BaseCommand):
    help = (
        "Load a county written by export_county into this database (after migrate and "
        "load_counties). Refuses when the county already has data here."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The zip file written by export_county.")

    def handle(self, *args, file, **options):
        try:
            county = import_county(file)
        except ImportRefused as refused:
            raise CommandError(" ".join(refused.messages)) from refused
        self.stdout.write(f"Imported {county} from {file}.")
