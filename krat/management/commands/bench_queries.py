import json
from dataclasses import asdict

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.urls import reverse

from bench.htmlform import submission
from krat.benchmarks import FLOOR, national_coverage, pages, writes
from krat.models import User


class Command(BaseCommand):
    help = (
        "Print, as JSON, the SQL queries the floor, each benchmark page and each kind of write "
        "runs, as a running server serves them (nothing keeps pages: each is built from the "
        "database), the writes bench/load.py makes and the national report's coverage "
        "(used by bench/run.py, right after the data is generated)."
    )

    def handle(self, *args, **options):
        setup_test_environment()
        coverage = national_coverage()  # before the writes below change anything
        client = Client(enforce_csrf_checks=True)
        counts = {}
        for target in [FLOOR, *pages()]:
            path, username = target.resolve()
            client.force_login(User.objects.get(username=username))
            # A session's first request checks the second factor and saves the session (the
            # sessions of a running server have done so): made on the floor page, so that the
            # page's first read is the one counted.
            client.get(reverse("health"))
            counts[target.label] = {
                "path": path,
                "user": username,
                "queries": self.count(client, target.label, path),
                "kept": target.kept,
            }
        targets = writes()
        kinds = {}
        for write in targets:
            if write.kind in kinds:
                continue
            client.force_login(User.objects.get(username=write.user))
            client.get(write.form)
            kinds[write.kind] = {
                "form": write.form,
                "user": write.user,
                "records": sum(1 for w in targets if w.kind == write.kind),
                "form_queries": self.count(client, write.kind, write.form),
                "save_queries": self.count_save(client, write),
            }
        self.stdout.write(
            json.dumps(
                {
                    "floor": counts.pop(FLOOR.label),
                    "pages": counts,
                    "writes": kinds,
                    "write_targets": [asdict(w) for w in targets],
                    "national": coverage,
                }
            )
        )

    @staticmethod
    def count(client: Client, label: str, path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{label}: {path} answered {response.status_code}")
        return len(queries.captured_queries)

    @staticmethod
    def count_save(client: Client, write) -> int:
        """The save as bench/load.py posts it: the form as the page has it, one field changed
        (a text, or the next of the write's `values`: a figure changes with each save).
        Counted at the second save (the first may create the record, as the summary's does)."""
        counts = []
        for text in ("Shënim i benchmark-ut.", "Shënim i benchmark-ut, përsëri."):
            page = client.get(write.form).content.decode()
            action, body = submission(
                page, field=write.field, text=text, button=write.button, values=write.values
            )
            with CaptureQueriesContext(connection) as queries:
                response = client.post(
                    action or write.form, body, content_type="application/x-www-form-urlencoded"
                )
            if response.status_code != 302:
                raise SystemExit(f"{write.kind}: saving {write.form} answered {response.status_code}")
            counts.append(len(queries.captured_queries))
        return counts[-1]
