"""Fixtures every part of the suite shares: the cache server's health reset, users in each
role, logged in, the seeds, and a "replica" alias for the tests of the replica router
(tests/test_replica_routing.py)."""

import copy
import os

import pytest
from django.test import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from articles import cache_health
from tests.factories import SEEDS, logged_in
from tests.pages import run_command
from tests.processes import template_database

# How hard the properties (tests/importing/test_digest.py, test_fuzz_import.py) look: "dev",
# a few hundred cases each for a quick run; "ci", thousands, in CI (CI=true, or
# HYPOTHESIS_PROFILE=ci). database=None: no example database piles up in the work tree.
hypothesis_settings.register_profile("dev", max_examples=200, deadline=None, database=None)
hypothesis_settings.register_profile(
    "ci",
    max_examples=2000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


@pytest.fixture(autouse=True)
def cache_server_health(monkeypatch):
    """Each test starts with the cache server in good health, whatever the one before saw."""
    monkeypatch.setattr(cache_health, "_health", cache_health._Health())


@pytest.fixture
def editor(client):
    """A staff user in "Editors", logged in on the test client."""
    return logged_in(client, "editor", "Editors")


@pytest.fixture
def importer(client):
    """A staff user in "Importers", logged in on the test client."""
    return logged_in(client, "importer", "Importers")


@pytest.fixture
def berlin():
    """The newsroom in Europe/Berlin (TIME_ZONE): CET in winter, CEST (UTC+2) in summer."""
    with override_settings(TIME_ZONE="Europe/Berlin"):
        yield


@pytest.fixture
def seeded(db):
    """The two seed digests imported with import_digests: 20 published items, "North Korea"."""
    run_command("import_digests", str(SEEDS))


@pytest.fixture(scope="session")
def template(tmp_path_factory, django_db_setup, django_db_blocker):
    """A migrated database beside the test database, that scratch databases are copied from
    (tests/processes.py): for the tests that run real processes."""
    with django_db_blocker.unblock(), template_database(tmp_path_factory.mktemp("db")) as made:
        yield made


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Add the alias DATABASE_REPLICA_URL would, as a mirror: a second connection to the test
    database, on SQLite as on PostgreSQL. No test reads from it unless it asks for it
    (``databases=["default", "replica"]``) and turns the router on."""
    from django.db import connections

    default = connections.settings["default"]
    replica = copy.deepcopy(default)
    replica["TEST"] = {**default["TEST"], "MIRROR": "default"}
    connections.settings["replica"] = replica
