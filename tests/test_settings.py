"""The settings module: fails closed without a secret key; databases from the environment."""

import json
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


def settings_under(expression, **env):
    """``expression`` (over ``settings``) as the settings module computes it with ``env``."""
    script = f"from django.conf import settings; import json; print(json.dumps({expression}))"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        env={"DJANGO_SETTINGS_MODULE": "newsroom.settings", "SECRET_KEY": "x", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


PRIMARY_URL = "postgres://user@db.example:5432/news"
REPLICA_URL = "postgres://reader@replica.example:5432/news"


def test_database_url_switches_to_postgresql():
    engine = settings_under("settings.DATABASES['default']['ENGINE']", DATABASE_URL=PRIMARY_URL)

    assert engine == "django.db.backends.postgresql"


def test_postgresql_connections_persist_and_are_checked_before_reuse():
    databases = settings_under(
        "settings.DATABASES", DATABASE_URL=PRIMARY_URL, DATABASE_REPLICA_URL=REPLICA_URL
    )
    shorter = settings_under(
        "settings.DATABASES['default']['CONN_MAX_AGE']", DATABASE_URL=PRIMARY_URL, CONN_MAX_AGE="0"
    )

    for alias in ("default", "replica"):
        assert databases[alias]["CONN_MAX_AGE"] == 600
        assert databases[alias]["CONN_HEALTH_CHECKS"] is True
    assert shorter == 0


def test_a_replica_url_adds_the_replica_its_router_and_middleware():
    configured = settings_under(
        "[settings.DATABASES, settings.DATABASE_ROUTERS, settings.MIDDLEWARE]",
        DATABASE_URL=PRIMARY_URL,
        DATABASE_REPLICA_URL=REPLICA_URL,
    )
    databases, routers, middleware = configured

    assert (databases["default"]["HOST"], databases["replica"]["HOST"]) == (
        "db.example",
        "replica.example",
    )
    assert databases["replica"]["TEST"]["MIRROR"] == "default"
    assert routers == ["newsroom.routers.ReplicaRouter"]
    after = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
    assert middleware[after] == "newsroom.routers.ReplicaReadsMiddleware"


def test_without_a_replica_url_one_database_and_no_router():
    configured = settings_under(
        "[list(settings.DATABASES), settings.DATABASE_ROUTERS, settings.MIDDLEWARE]",
        DATABASE_URL=PRIMARY_URL,
    )
    aliases, routers, middleware = configured

    assert (aliases, routers) == (["default"], [])
    assert "newsroom.routers.ReplicaReadsMiddleware" not in middleware


def test_a_replica_without_a_primary_refuses_to_start():
    result = load_settings(SECRET_KEY="x", DATABASE_REPLICA_URL=REPLICA_URL)

    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL needs DATABASE_URL" in result.stderr


def test_time_zone_is_the_newsrooms_and_an_unknown_zone_refuses_to_start():
    assert settings_under("settings.TIME_ZONE", TIME_ZONE="Europe/Berlin") == "Europe/Berlin"
    assert settings_under("settings.TIME_ZONE") == "UTC"
    result = load_settings(DEBUG="1", TIME_ZONE="Mars/Olympus")
    assert result.returncode != 0
    assert "Incorrect timezone setting: Mars/Olympus" in result.stderr
