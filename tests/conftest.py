"""A "replica" alias for the tests of the replica router (tests/test_replica_routing.py)."""

import copy

import pytest


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
