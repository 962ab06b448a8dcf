"""The production profile is safe by construction."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(env)
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_production_profile_passes_check_deploy_without_warnings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="portal.example.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_profile_refuses_to_start_without_a_secret_key():
    result = _manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_web_server_entry_point_refuses_to_start_without_a_secret_key():
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(  # noqa: S603 - our own module with fixed arguments
        [sys.executable, "-c", "import portal.wsgi"], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_a_bare_checkout_runs_management_commands_in_development_mode():
    result = _manage("check")
    assert result.returncode == 0, result.stderr


def _static_settings(**env: str) -> str:
    code = (
        "from django.conf import settings; "
        "print(settings.STORAGES['staticfiles']['BACKEND'], settings.WHITENOISE_USE_FINDERS, settings.DEBUG)"
    )
    result = _manage("shell", "--no-imports", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_demo_serves_collected_static_files_as_production_does():
    assert _static_settings(DJANGO_DEBUG="1", DJANGO_STATIC_COLLECTED="1") == (
        "portal.storage.CollectedStaticFilesStorage False True"
    )


def test_development_serves_the_source_static_files_unless_asked():
    assert _static_settings(DJANGO_DEBUG="1") == "django.contrib.staticfiles.storage.StaticFilesStorage True True"


def test_demo_script_collects_static_files_before_serving_them():
    script = (ROOT / "scripts" / "demo").read_text()
    assert "DJANGO_STATIC_COLLECTED=${DJANGO_STATIC_COLLECTED:-1}" in script
    assert script.index("collectstatic --no-input") < script.index("runserver")
