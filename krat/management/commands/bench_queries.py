import json

from django.core.cache import caches
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment

from krat.benchmarks import FLOOR, PAGES
from krat.models import User


class Command(BaseCommand):
    help = (
        "Print, as JSON, the SQL queries each benchmark page runs as a running server serves it "
        "(kept until the data changes) and built from scratch (used by bench/run.py)."
    )

    def handle(self, *args, **options):
        setup_test_environment()
        client = Client()
        counts = {}
        for target in [FLOOR, *PAGES]:
            path, username = target.resolve()
            client.force_login(User.objects.get(username=username))
            client.get(path)  # warm caches (content types, sessions) as a running server has them
            caches["default"].clear()  # then build the page from scratch (krat/freshness.py) …
            cold = self.count(client, target.label, path)
            warm = self.count(client, target.label, path)  # … and serve it as kept
            counts[target.label] = {"path": path, "user": username, "queries": warm, "queries_cold": cold}
        self.stdout.write(json.dumps(counts))

    @staticmethod
    def count(client: Client, label: str, path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{label}: {path} answered {response.status_code}")
        return len(queries.captured_queries)
