import io
import json
import os
import resource
import statistics
import time
from wsgiref.util import setup_testing_defaults

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management.base import BaseCommand
from django.test import Client
from django.test.utils import setup_test_environment
from pypdf import PdfReader

from krat.benchmarks import PDFS
from krat.models import User

#: Renderings timed after the first (which also loads WeasyPrint and its fonts).
RENDERINGS = 5


def _peak_mb() -> float:
    """This process's peak resident memory so far (Linux reports ru_maxrss in KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class _Served:
    """One GET through Django's WSGI handler, as gunicorn serves it: the time until the
    handler hands the response over (its body is in memory, the server writes it next),
    then with the body's iteration and `close()` (the server runs it after the last byte)."""

    def __init__(self, handler: WSGIHandler, path: str, cookie: str):
        environ: dict = {"PATH_INFO": path, "HTTP_HOST": "127.0.0.1", "HTTP_COOKIE": cookie}
        setup_testing_defaults(environ)
        status: list[str] = []

        def start_response(line, headers, exc_info=None):
            status.append(line)
            return lambda data: None  # the body comes back from the handler, not through write()

        started, cpu_started = time.perf_counter(), time.process_time()
        response = handler(environ, start_response)
        self.seconds = time.perf_counter() - started
        self.content = b"".join(response)
        response.close()
        self.worker_seconds = time.perf_counter() - started
        self.cpu_seconds = time.process_time() - cpu_started
        self.status = status[0] if status else ""


class Command(BaseCommand):
    help = (
        "Render one benchmark PDF in this fresh process through Django's WSGI handler (as the "
        "server does), once and then RENDERINGS more times, and print as JSON: the first "
        "rendering's time (it also loads WeasyPrint's fonts); for the others (a worker that has "
        "rendered a PDF before; nothing about the data is kept, so each is built from the "
        "database) the median and the slowest time until the response is handed to the server, "
        "the median time the worker is busy until the response is closed and its processor "
        "time, with the load average they ran under; the "
        "pages; and the process's peak resident memory before and after (used by bench/run.py)."
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
        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        handler = WSGIHandler()
        before_mb = _peak_mb()
        first = _Served(handler, path, cookie)
        # The processor time beside the wall time: on a shared machine the wall time of the
        # same rendering grows with the other processes' load, its processor time hardly.
        served = [_Served(handler, path, cookie) for _ in range(RENDERINGS)]
        for one in (first, *served):  # a fast error page must not pass for a fast PDF
            if not one.status.startswith("200") or not one.content.startswith(b"%PDF"):
                raise SystemExit(f"{label}: {path} answered {one.status}")
        seconds = [s.seconds for s in served]
        self.stdout.write(
            json.dumps(
                {
                    "path": path,
                    "first_seconds": round(first.seconds, 2),
                    "renderings": RENDERINGS,
                    "seconds": round(statistics.median(seconds), 2),
                    "seconds_max": round(max(seconds), 2),
                    "worker_seconds": round(statistics.median(s.worker_seconds for s in served), 2),
                    "cpu_seconds": round(statistics.median(s.cpu_seconds for s in served), 2),
                    "load_average": round(os.getloadavg()[0], 2),
                    "pages": len(PdfReader(io.BytesIO(first.content)).pages),
                    "bytes": len(first.content),
                    "baseline_mb": before_mb,
                    "peak_mb": _peak_mb(),
                }
            )
        )
