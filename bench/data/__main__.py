"""`python -m bench.data --scale=N [--seed=S]`: fill the database of DJANGO_SETTINGS_MODULE
(krat.settings unless set; bench/run.py sets bench.settings) with the benchmark's data and
print its shape and logins on one line."""

from __future__ import annotations

import argparse
import os

import django


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.data", description=__doc__)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument(
        "--keep-open",
        action="store_true",
        help="leave the ended periods open (by default those whose deadline passed a month ago are closed)",
    )
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "krat.settings")
    django.setup()
    from bench.data.core import BENCH_PASSWORD, generate

    shape = generate(scale=options.scale, seed=options.seed, close_ended=not options.keep_open)
    print(
        f"Scale {options.scale}: {shape['counties']} counties × {shape['years']} years. "
        f"Logins bench.<county>.secretariat and bench.national, password {BENCH_PASSWORD}."
    )


if __name__ == "__main__":
    main()
