"""A bounded load on one page of a server on this machine, with one write per ten reads.

N reads of the page over C connections; after every `--reads-per-write` reads one
connection makes a write instead, as a person would: it opens a form (GET), and saves
it (POST with the page's CSRF token, version stamp and every other field the browser
sends, one field changed: a text, or a figure taking the write's `values` in turn, so
that each of its saves changes it). Each connection keeps its own cookies per person
(session, CSRF, messages). Writes go round the targets of `--writes` (a JSON file); two
connections never write the same record at once, so a save is refused only if the
application refuses it.

Only loopback addresses are accepted, every request has a timeout, and the run ends
after N reads or the time limit, whichever comes first. Prints JSON: the reads' p50/p95,
and per kind of write the form's and the save's latencies.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookies
import ipaddress
import itertools
import json
import statistics
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from htmlform import submission


def _is_loopback(host: str) -> bool:
    """Only 127.0.0.0/8, ::1 or the name localhost: never a name that DNS could send elsewhere."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def quantiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50_ms": 0.0, "p95_ms": 0.0}
    if len(values) == 1:
        return {"p50_ms": round(values[0], 1), "p95_ms": round(values[0], 1)}
    cuts = statistics.quantiles(values, n=100)
    return {"p50_ms": round(cuts[49], 1), "p95_ms": round(cuts[94], 1)}


class Jar:
    """One person's cookies on one connection, as a browser keeps them."""

    def __init__(self, cookie: str) -> None:
        self.values = dict(part.strip().split("=", 1) for part in cookie.split(";") if "=" in part)

    def header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.values.items())

    def update(self, response: http.client.HTTPResponse) -> None:
        for line in response.msg.get_all("Set-Cookie") or []:
            parsed = http.cookies.SimpleCookie()
            parsed.load(line)
            for name, morsel in parsed.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.values.pop(name, None)
                else:
                    self.values[name] = morsel.value


class Client:
    """One connection to the server (reopened when the server closes it)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.origin = f"http://{host}:{port}"
        self.connection = http.client.HTTPConnection(host, port, timeout=30)

    def request(
        self, method: str, path: str, jar: Jar, body: bytes | None = None
    ) -> tuple[int, bytes, float]:
        headers = {"Cookie": jar.header(), "Host": f"{self.host}:{self.port}"}
        if body is not None:
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin}
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            return 0, b"", (time.perf_counter() - started) * 1000
        jar.update(response)
        return response.status, content, (time.perf_counter() - started) * 1000

    def close(self) -> None:
        self.connection.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--cookie", default="")
    parser.add_argument("--requests", type=int, default=400, help="reads of the page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--writes", help="JSON file: [{kind, form, cookie, field, button, values}]")
    parser.add_argument("--reads-per-write", type=int, default=10)
    parser.add_argument("--time-limit", type=float, default=120.0)
    args = parser.parse_args()

    parts = urlsplit(args.url)
    if not _is_loopback(parts.hostname or ""):
        raise SystemExit("refusing a non-loopback target")
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    writes = json.loads(Path(args.writes).read_text(encoding="utf-8")) if args.writes else []
    kinds: dict[str, list[dict]] = {}
    for target in writes:
        if not target["form"].startswith("/"):
            raise SystemExit("a write's form must be a path on the same server")
        target["lock"] = threading.Lock()
        kinds.setdefault(target["kind"], []).append(target)
    rounds = list(kinds.values())

    lock = threading.Lock()
    reads: list[float] = []
    read_statuses: dict[int, int] = {}
    written: dict[str, dict[str, Any]] = {}
    slots = itertools.count()
    saves = itertools.count()
    reads_left = [args.requests]
    deadline = time.monotonic() + args.time_limit

    def next_slot() -> str | None:
        """'read', 'write' or None (done): every (reads_per_write + 1)-th slot writes."""
        with lock:
            if reads_left[0] <= 0 or time.monotonic() > deadline:
                return None
            if writes and next(slots) % (args.reads_per_write + 1) == args.reads_per_write:
                return "write"
            reads_left[0] -= 1
            return "read"

    def write(client: Client, jars: dict[str, Jar]) -> None:
        number = next(saves)
        # The kinds take turns; within a kind, its records do.
        targets = rounds[number % len(rounds)]
        target = targets[(number // len(rounds)) % len(targets)]
        jar = jars.setdefault(target["cookie"], Jar(target["cookie"]))
        record: dict[str, Any] = {"form_ms": [], "save_ms": [], "statuses": {}}
        with target["lock"]:
            status, content, form_ms = client.request("GET", target["form"], jar)
            if status == 200:
                text = f"Shënim i benchmark-ut, ruajtja {number}."
                try:
                    button = tuple(target["button"]) if target.get("button") else None
                    action, body = submission(
                        content.decode(),
                        field=target["field"],
                        text=text,
                        button=button,
                        values=target.get("values") or (),
                    )
                except LookupError:
                    status = -1  # the form was not on the page
                else:
                    status, _, save_ms = client.request("POST", action or target["form"], jar, body)
                    record["save_ms"].append(save_ms)
            record["form_ms"].append(form_ms)
        # A save that worked redirects (302); 400 is a refusal, 403 a CSRF failure.
        with lock:
            kind = written.setdefault(target["kind"], {"form_ms": [], "save_ms": [], "statuses": {}})
            kind["form_ms"] += record["form_ms"]
            kind["save_ms"] += record["save_ms"]
            kind["statuses"][status] = kind["statuses"].get(status, 0) + 1

    def worker() -> None:
        client = Client(parts.hostname, parts.port)
        jars: dict[str, Jar] = {}
        reader = jars.setdefault(args.cookie, Jar(args.cookie))
        while (slot := next_slot()) is not None:
            if slot == "write":
                write(client, jars)
                continue
            status, _, elapsed = client.request("GET", path, reader)
            with lock:
                read_statuses[status] = read_statuses.get(status, 0) + 1
                if status == 200:
                    reads.append(elapsed)
        client.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    failed = sum(n for status, n in read_statuses.items() if status != 200)
    print(
        json.dumps(
            {
                "reads": len(reads) + failed,
                "failed": failed,
                "statuses": {str(k): v for k, v in sorted(read_statuses.items())},
                **quantiles(reads),
                "rps": round(len(reads) / wall, 1) if wall else 0.0,
                "seconds": round(wall, 1),
                "writes": {
                    kind: {
                        "saved": record["statuses"].get(302, 0),
                        "failed": sum(n for s, n in record["statuses"].items() if s != 302),
                        "statuses": {str(k): v for k, v in sorted(record["statuses"].items())},
                        "form_ms": [round(v, 1) for v in record["form_ms"]],
                        "save_ms": [round(v, 1) for v in record["save_ms"]],
                    }
                    for kind, record in sorted(written.items())
                },
            }
        )
    )


if __name__ == "__main__":
    main()
