"""Fixtures every part of the suite shares: the cache server's health reset, users in each
role, logged in, the seeds, and a "replica" alias for the tests of the replica router
(tests/test_replica_routing.py)."""

import copy

import pytest

from articles import cache_health
from tests.factories import SEEDS, logged_in
from tests.pages import run_command


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
def seeded(db):
    """The two seed digests imported with import_digests: 20 published items, "North Korea"."""
    run_command("import_digests", str(SEEDS))


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
