"""Fixtures every part of the suite shares: users in each role, logged in, and the seeds."""

import pytest

from tests.factories import SEEDS, make_user
from tests.pages import run_command


def logged_in(client, username, *groups):
    """A staff user in these groups, logged in on client."""
    user = make_user(username, *groups)
    client.force_login(user)
    return user


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
