from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

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
            raise CommandError(_("No county with the short name “%(slug)s”.") % {"slug": slug}) from missing
        exported = export_county(county, file)
        total = sum(exported.rows.values())
        self.stdout.write(
            _("Exported %(total)s records of %(county)s to %(file)s.")
            % {"total": total, "county": county, "file": file}
        )
        for label, count in exported.left_out.items():
            # Such a row needs a record that does not travel (a download by a national observer).
            self.stdout.write(
                _("Left out %(count)s records of %(model)s: they need a person or record outside the county.")
                % {"count": count, "model": label}
            )
        for label, count in exported.rows.items():
            if count and options["verbosity"] > 1:
                self.stdout.write(f"  {label:<40} {count}")
