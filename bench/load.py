"""A bounded load on one URL of a server on this machine: N requests over C connections.

Only loopback addresses are accepted, every request has a timeout, and the run ends
after N requests or the time limit, whichever comes first. Prints JSON.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import statistics
import threading
import time
from urllib.parse import urlsplit


def _is_loopback(host: str) -> bool:
    """Only 127.0.0.0/8, ::1 or the name localhost: never a name that DNS could send elsewhere."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--cookie", default="")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()

    parts = urlsplit(args.url)
    if not _is_loopback(parts.hostname or ""):
        raise SystemExit("refusing a non-loopback target")
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    remaining = [args.requests]
    deadline = time.monotonic() + args.time_limit

    def worker() -> None:
        nonlocal failures
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while True:
            with lock:
                if remaining[0] <= 0 or time.monotonic() > deadline:
                    break
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": args.cookie, "Host": "127.0.0.1"})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    failures += 1
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [0.0] * 99
    print(
        json.dumps(
            {
                "requests": len(latencies) + failures,
                "failed": failures,
                "p50_ms": round(quantiles[49], 1),
                "p95_ms": round(quantiles[94], 1),
                "rps": round(len(latencies) / wall, 1) if wall else 0.0,
            }
        )
    )


if __name__ == "__main__":
    main()
