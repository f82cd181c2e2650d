from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from krat.portability import ImportRefused, import_county


class Command(BaseCommand):
    help = (
        "Load a county written by export_county into this database (after migrate and "
        "load_counties). Refuses when the county already has data here, and anything in the "
        "archive that is not that county's own data."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The zip file written by export_county.")

    def handle(self, *args, file, **options):
        try:
            county = import_county(file)
        except ImportRefused as refused:
            raise CommandError(" ".join(refused.messages)) from refused
        except OSError as error:  # no such file, not readable
            raise CommandError(str(error)) from error
        self.stdout.write(_("Imported %(county)s from %(file)s.") % {"county": county, "file": file})
