import io
import json
import resource
import time

from django.core.management.base import BaseCommand
from django.test import Client
from django.test.utils import setup_test_environment
from pypdf import PdfReader

from krat.benchmarks import PDFS
from krat.models import User


class Command(BaseCommand):
    help = (
        "Render one benchmark PDF (warm) and print its time, pages and this process's peak memory "
        "(both renderings) as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--label", required=True)

    def handle(self, *args, label: str, **options):
        setup_test_environment()
        target = next((t for t in PDFS if t.label == label), None)
        if target is None:
            raise SystemExit(f"{label}: not registered in krat.benchmarks.PDFS")
        path, username = target.resolve()
        client = Client()
        client.force_login(User.objects.get(username=username))
        # Once to warm what a running server has warm (fonts, templates, stylesheets),
        # as bench_queries does for pages; the second rendering is the one timed.
        client.get(path)
        started = time.perf_counter()
        response = client.get(path)
        seconds = time.perf_counter() - started
        if response.status_code != 200 or not response.content.startswith(b"%PDF"):
            raise SystemExit(f"{label}: {path} answered {response.status_code}")
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        pages = len(PdfReader(io.BytesIO(response.content)).pages)
        self.stdout.write(
            json.dumps({"seconds": round(seconds, 2), "pages": pages, "peak_mb": round(peak_mb, 1)})
        )
