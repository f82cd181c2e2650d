import io
import json
import os
import resource
import time

from django.core.management.base import BaseCommand
from django.test import Client
from django.test.utils import setup_test_environment
from pypdf import PdfReader

from krat.benchmarks import PDFS
from krat.models import User


def _peak_mb() -> float:
    """This process's peak resident memory so far (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class Command(BaseCommand):
    help = (
        "Render one benchmark PDF twice in this fresh process and print, as JSON, the time of "
        "the first rendering (the process's first PDF: it also loads WeasyPrint's fonts), of the "
        "second (a worker that has rendered a PDF before; nothing about the data is kept, so it "
        "is built from the database) with the processor time it took and the load average it ran "
        "under, the pages, and the process's peak resident memory before and after (used by "
        "bench/run.py)."
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
        before_mb = _peak_mb()
        started = time.perf_counter()
        response = client.get(path)
        seconds = time.perf_counter() - started
        if response.status_code != 200 or not response.content.startswith(b"%PDF"):
            raise SystemExit(f"{label}: {path} answered {response.status_code}")
        # The processor time beside the wall time: on a shared machine the wall time of the
        # same rendering grows with the other processes' load, its processor time hardly.
        started, cpu_started = time.perf_counter(), time.process_time()
        client.get(path)
        again, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        self.stdout.write(
            json.dumps(
                {
                    "path": path,
                    "first_seconds": round(seconds, 2),
                    "seconds": round(again, 2),
                    "cpu_seconds": round(cpu, 2),
                    "load_average": round(os.getloadavg()[0], 2),
                    "pages": len(PdfReader(io.BytesIO(response.content)).pages),
                    "bytes": len(response.content),
                    "baseline_mb": before_mb,
                    "peak_mb": _peak_mb(),
                }
            )
        )
