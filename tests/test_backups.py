"""A SQLite backup, taken while the site runs, restores to a database that serves the same pages.

Each step runs as its own process on a file database (SQLITE_PATH), as on a server: the
commands are the README's (Backups).
"""

import html
import subprocess
import sys

import pytest

from tests.factories import ROOT, SEED_PAGE_1, SEEDS, seed_titles, write_digest

# The README's commands, with Python's sqlite3 module (no sqlite3 program needed).
BACKUP = "import sqlite3, sys; sqlite3.connect(sys.argv[1]).backup(sqlite3.connect(sys.argv[2]))"
RESTORE = BACKUP  # the same copy, the other way: backup file into the database file

# A reader's request through the whole stack (middleware, URLs, views, templates).
SERVE = """
import django, sys
django.setup()
from django.test import Client
response = Client(HTTP_HOST="localhost").get(sys.argv[1])
print(response.status_code)
print(response.content.decode())
"""


def run(database, *args):
    """python ARGS with the app's settings on the SQLite file ``database``."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": "backup-test",
        "SQLITE_PATH": str(database),
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_MANIFEST": "0",
        "CACHE_DISABLED": "1",
    }
    result = subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def manage(database, *args):
    return run(database, "manage.py", *args)


def serve(database, path):
    status, _, body = run(database, "-c", SERVE, path).partition("\n")
    return int(status), body


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A site's database: migrated, the seeds imported (WAL mode, as settings open it)."""
    database = tmp_path_factory.mktemp("live") / "db.sqlite3"
    manage(database, "migrate", "--noinput", "-v", "0")
    manage(database, "import_digests", str(SEEDS))
    return database


def test_a_backup_restored_into_a_new_file_serves_the_tag_page(live, tmp_path):
    backup = tmp_path / "backup.sqlite3"
    run(live, "-c", BACKUP, str(live), str(backup))
    restored = tmp_path / "restored.sqlite3"
    run(live, "-c", RESTORE, str(backup), str(restored))

    status, page = serve(restored, "/tags/north-korea/")

    assert status == 200
    for title in seed_titles(SEED_PAGE_1):
        assert html.escape(title) in page
    assert manage(restored, "export_digest", "North Korea") == SEED_PAGE_1.read_text("utf-8")


def test_restoring_over_the_live_file_brings_back_the_backups_content(live, tmp_path):
    backup = tmp_path / "backup.sqlite3"
    run(live, "-c", BACKUP, str(live), str(backup))
    later = write_digest(tmp_path, "000_later.txt", "Later", "A later story")
    manage(live, "import_digests", str(later))
    assert serve(live, "/tags/later/")[0] == 200

    # Restore through SQLite (not by copying files over a database in WAL mode).
    run(live, "-c", RESTORE, str(backup), str(live))

    assert serve(live, "/tags/later/")[0] == 404
    status, page = serve(live, "/tags/north-korea/?page=2")
    assert status == 200
    assert "Contents tagged with North Korea" in page
