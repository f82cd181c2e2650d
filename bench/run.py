"""`make bench`: query counts, latency under load and PDF costs at scale 1 and 10.

Builds each scale's data in its own database (PostgreSQL when DATABASE_URL points to
one, SQLite otherwise — and says so), serves the application with gunicorn on
127.0.0.1, loads each page with a bounded number of requests from a second process,
and writes bench/results.json. Targets are from issue 8 and printed as PASS/FAIL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "krat_bench")
REQUESTS_PER_PAGE = int(os.environ.get("BENCH_REQUESTS", "400"))
CONNECTIONS = 16
# Two synchronous workers (one per core of the reference machine); BENCH_WORKERS and
# BENCH_THREADS try other shapes, and results.json records the one measured.
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "1"))
TARGETS = {
    "max_queries": 20,
    "max_p95_ratio": 5.0,
    "county_pdf_s": 2.0,
    "national_pdf_s": 10.0,
    "max_peak_mb": 300,
}


def database_url(scale: int) -> str:
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith("postgres"):
        parts = urlsplit(given)
        name = f"{DB_PREFIX}_s{scale}"
        admin = urlunsplit(parts._replace(path="/postgres"))
        try:
            import psycopg2

            connection = psycopg2.connect(admin)
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                cursor.execute(f"CREATE DATABASE {name}")
            connection.close()
            return urlunsplit(parts._replace(path=f"/{name}"))
        except Exception as error:
            print(f"PostgreSQL at DATABASE_URL is not usable ({error}); running on SQLite.")
    else:
        print("DATABASE_URL does not point to PostgreSQL: running on SQLite.")
    path = ROOT / "bench" / f"{DB_PREFIX}_s{scale}.sqlite3"
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def environment(url: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "KRAT_TESTING"}},
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(ROOT / "bench" / "static"),
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def prepare(scale: int) -> dict[str, str]:
    env = environment(database_url(scale))
    print(f"Scale {scale}: migrating and generating data …", flush=True)
    manage(env, "migrate", "--verbosity=0")
    manage(env, "collectstatic", "--noinput", "--verbosity=0")
    started = time.perf_counter()
    shape = manage(env, "generate_data", f"--scale={scale}")
    print(f"  {shape} ({time.perf_counter() - started:.0f} s)", flush=True)
    return env


def serve(env: dict[str, str]) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "krat.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(60):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/gjendja/", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def load(path: str, cookie: str) -> dict:
    result = subprocess.run(
        [
            PYTHON,
            str(ROOT / "bench" / "load.py"),
            f"http://127.0.0.1:{PORT}{path}",
            f"--cookie={cookie}",
            f"--requests={REQUESTS_PER_PAGE}",
            f"--connections={CONNECTIONS}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def main() -> None:
    results: dict = {
        "cpu_count": os.cpu_count(),
        "server": {"workers": WORKERS, "threads": THREADS, "connections": CONNECTIONS},
        "requests_per_page": REQUESTS_PER_PAGE,
        "pages": {},
        "pdfs": {},
        "targets": TARGETS,
    }
    queries = {}
    envs = {}
    for scale in (1, 10):
        envs[scale] = prepare(scale)
        queries[scale] = json.loads(manage(envs[scale], "bench_queries"))
    for label in queries[1]:
        if label == "floor":
            continue
        results["pages"][label] = {
            "queries_s1": queries[1][label]["queries"],
            "queries_s10": queries[10][label]["queries"],
            # Built from scratch, before the page is kept (krat/freshness.py).
            "queries_s1_cold": queries[1][label]["queries_cold"],
            "queries_s10_cold": queries[10][label]["queries_cold"],
        }

    env = envs[10]
    server = serve(env)
    try:
        sessions: dict[str, str] = {}
        for label, page in queries[10].items():
            user = page["user"]
            if user not in sessions:
                sessions[user] = "sessionid=" + manage(env, "bench_session", f"--user={user}")
            floor = load(queries[10]["floor"]["path"], sessions[user])
            measured = load(page["path"], sessions[user])
            if label == "floor":
                results["floor"] = measured
                continue
            ratio = measured["p95_ms"] / floor["p95_ms"] if floor["p95_ms"] else 0.0
            results["pages"][label].update(
                measured, p95_ratio_to_floor=round(ratio, 2), floor_p95_ms=floor["p95_ms"]
            )
            print(f"  loaded {label}: p95 {measured['p95_ms']} ms (floor {floor['p95_ms']} ms)", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)

    for label, scale in (("meeting_summary", 1), ("county_report", 1), ("national_report", 10)):
        try:
            results["pdfs"][label] = json.loads(manage(envs[scale], "bench_pdf", f"--label={label}"))
        except (SystemExit, StopIteration) as error:
            results["pdfs"][label] = {"error": str(error) or "not available"}

    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2))
    report(results)


def report(results: dict) -> None:
    print(f"\nCPUs: {results['cpu_count']}   server: {results['server']}   floor: {results.get('floor')}")
    header = (
        f"{'page':<24}{'q s1':>6}{'q s10':>7}{'cold':>9}{'p50 ms':>9}{'p95 ms':>9}{'rps':>8}"
        f"{'×floor':>8}{'fail':>6}  verdict"
    )
    print(header + "\n" + "-" * len(header))
    for label, page in results["pages"].items():
        ok = (
            page["queries_s1"] == page["queries_s10"] <= TARGETS["max_queries"]
            and page.get("p95_ratio_to_floor", 99) <= TARGETS["max_p95_ratio"]
            and page.get("failed", 1) == 0
        )
        print(
            f"{label:<24}{page['queries_s1']:>6}{page['queries_s10']:>7}"
            f"{str(page['queries_s1_cold']) + '/' + str(page['queries_s10_cold']):>9}{page.get('p50_ms', '-'):>9}"
            f"{page.get('p95_ms', '-'):>9}{page.get('rps', '-'):>8}{page.get('p95_ratio_to_floor', '-'):>8}"
            f"{page.get('failed', '-'):>6}  {'PASS' if ok else 'FAIL'}"
        )
    print(f"\n{'pdf':<24}{'seconds':>9}{'pages':>7}{'peak MB':>9}  verdict")
    for label, pdf in results["pdfs"].items():
        if "error" in pdf:
            print(f"{label:<24}  {pdf['error']}")
            continue
        limit = TARGETS["national_pdf_s"] if label == "national_report" else TARGETS["county_pdf_s"]
        ok = pdf["seconds"] <= limit and pdf["peak_mb"] <= TARGETS["max_peak_mb"]
        print(
            f"{label:<24}{pdf['seconds']:>9}{pdf['pages']:>7}{pdf['peak_mb']:>9}  {'PASS' if ok else 'FAIL'}"
        )
    print("\nWritten to bench/results.json")


if __name__ == "__main__":
    sys.exit(main())
