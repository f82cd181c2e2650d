"""The project's own set-up: production settings, demo data."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from krat.demo import DEMO_PASSWORD, LOGINS
from krat.models import County, Institution, Municipality, ReportingPeriod, User

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"KRAT_TESTING", "DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, **env},
        check=False,
    )


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-0123456789",
    "ALLOWED_HOSTS": "krat.example.org",
    "DATABASE_URL": "postgres://krat@127.0.0.1:5432/krat",
    "SITE_URL": "https://krat.example.org",
}


def test_deploy_check_passes_with_no_warning_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_warns_without_a_public_site_url():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, "SITE_URL": ""})
    assert result.returncode != 0
    assert "krat.W001" in result.stdout + result.stderr


def test_the_migrations_check_runs_without_a_secret_key():
    """It only compares the models with the migration files: nothing is signed."""
    result = manage("makemigrations", "--check", "--dry-run", **{**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_loading_the_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    counts = [m.objects.count() for m in (County, Municipality, Institution, ReportingPeriod, User)]
    call_command("load_demo")
    assert [m.objects.count() for m in (County, Municipality, Institution, ReportingPeriod, User)] == counts
    assert counts[:2] == [12, 61]
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out and all(login.username in out for login in LOGINS)
    assert User.objects.get(username="policia").check_password(DEMO_PASSWORD)


def test_production_hashes_passwords_with_argon2():
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])",
        **PRODUCTION,
    )
    assert result.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher", result.stderr


@pytest.mark.django_db
def test_the_benchmark_data_is_reproducible_and_scales():
    from bench.data.core import generate, layout

    assert layout(1) == (1, 1) and layout(3) == (3, 1) and layout(6) == (3, 2)
    assert layout(10) == (12, 2)  # every county of Albania, several years
    generate(scale=1, seed=7)
    first = sorted(User.objects.values_list("username", "first_name"))
    assert Institution.objects.count() == 40
    assert ReportingPeriod.objects.count() == 3
    generate(scale=1, seed=7)  # again: nothing new
    assert sorted(User.objects.values_list("username", "first_name")) == first


def test_the_engine_sensitive_modules_exist():
    """A renamed module must not drop out of CI's SQLite run without a word."""
    from tests.conftest import ENGINE_SENSITIVE

    root = Path(__file__).resolve().parent.parent
    assert [m for m in sorted(ENGINE_SENSITIVE) if not (root / m).exists()] == []


def test_ci_runs_the_engine_sensitive_tests_on_sqlite_too():
    script = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "-m engine_sensitive" in script
