from django.core.management.base import BaseCommand

from krat.generate import BENCH_PASSWORD, generate


class Command(BaseCommand):
    help = "Fill the database with realistic, reproducible data for the benchmark (see krat/generate.py)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1)
        parser.add_argument("--seed", type=int, default=2018)

    def handle(self, *args, scale: int, seed: int, **options):
        shape = generate(scale=scale, seed=seed)
        self.stdout.write(
            f"Scale {scale}: {shape['counties']} counties × {shape['years']} years. "
            f"Logins bench.<county>.secretariat and bench.national, password {BENCH_PASSWORD}."
        )
