from django.core.management.base import BaseCommand
from django.utils import timezone

from krat.contributions import demo_loaders
from krat.demo import DEMO_PASSWORD, LOGINS, demo_load


class Command(BaseCommand):
    help = "Load the demo county with its institutions, periods and logins (safe to run again)."

    def handle(self, *args, **options):
        county = demo_load(timezone.localdate())
        for load in demo_loaders():
            load(county=county)
        self.stdout.write(f"Demo data loaded. Logins (password for all: {DEMO_PASSWORD}):")
        for login in LOGINS:
            self.stdout.write(f"  {login.username:<16} {login.role}")
