import io
import json
import os
import resource
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.test import Client
from django.test.utils import setup_test_environment
from pypdf import PdfReader

from krat.benchmarks import pdfs
from krat.models import User

#: Renderings timed after the first (which also loads WeasyPrint and its fonts).
RENDERINGS = 5


def _peak_mb() -> float:
    """This process's peak resident memory so far (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class Command(BaseCommand):
    help = (
        "Render one benchmark PDF in this fresh process, once and then RENDERINGS more times, "
        "and print as JSON: the first rendering's time (it also loads WeasyPrint's fonts); for "
        "the others (a worker that has rendered a PDF before; nothing about the data is kept, so "
        "each is built from the database) the median and the slowest time, and the median "
        "processor time, with the load average they ran under; the pages; and the process's "
        "peak resident memory before and after (used by bench/run.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--label", required=True)

    def handle(self, *args, label: str, **options):
        setup_test_environment()
        target = next((t for t in pdfs() if t.label == label), None)
        if target is None:
            raise SystemExit(f"{label}: not among the benchmark's PDFs (krat.benchmarks.pdfs)")
        path, username = target.resolve()
        client = Client()
        client.force_login(User.objects.get(username=username))
        before_mb = _peak_mb()

        def served() -> tuple[Any, float, float]:
            # The test client as the server: the response is closed before it returns.
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(path)
            return response, time.perf_counter() - started, time.process_time() - cpu_started

        # The processor time beside the wall time: on a shared machine the wall time of the
        # same rendering grows with the other processes' load, its processor time hardly.
        first, *timed = [served() for _ in range(1 + RENDERINGS)]
        for response, _seconds, _cpu in (first, *timed):  # a fast error page is no fast PDF
            if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                raise SystemExit(f"{label}: {path} answered {response.status_code}")
        seconds = [wall for _response, wall, _cpu in timed]
        self.stdout.write(
            json.dumps(
                {
                    "path": path,
                    "first_seconds": round(first[1], 2),
                    "renderings": RENDERINGS,
                    "seconds": round(statistics.median(seconds), 2),
                    "seconds_max": round(max(seconds), 2),
                    "cpu_seconds": round(statistics.median(cpu for _response, _wall, cpu in timed), 2),
                    "load_average": round(os.getloadavg()[0], 2),
                    "pages": len(PdfReader(io.BytesIO(first[0].content)).pages),
                    "bytes": len(first[0].content),
                    "baseline_mb": before_mb,
                    "peak_mb": _peak_mb(),
                }
            )
        )
