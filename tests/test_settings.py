"""The settings module fails closed: no production start without a secret key."""

import subprocess
import sys

from tests.factories import ROOT


def load_settings(**env):
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={"DJANGO_SETTINGS_MODULE": "newsroom.settings", "PATH": "/usr/bin:/bin", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_production_without_a_secret_key_refuses_to_start():
    result = load_settings()

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_development_starts_without_a_secret_key():
    assert load_settings(DEBUG="1").returncode == 0


def test_database_url_switches_to_postgresql():
    script = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        env={
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "SECRET_KEY": "x",
            "DATABASE_URL": "postgres://user@db.example:5432/news",
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.strip() == "django.db.backends.postgresql"
