"""The database away, as an operator sees it: gunicorn answers 503 with a short static page and
recovers by itself when the database is back; /healthz says which part fails; an import that
loses its database stops cleanly, every file it finished whole, and its re-run completes.

The database is cut for real: on PostgreSQL the site reaches the server through a TCP gateway
that the test closes (connections reset, new ones refused) and opens again; on SQLite its
folder is moved away and back (tests/processes.py).
"""

import json
from contextlib import contextmanager

import pytest
from django.db import connection

from articles.digest import Digest, DigestItem, render
from tests.factories import SEEDS
from tests.processes import (
    Gateway,
    fetch,
    gunicorn,
    pg_url,
    scratch_database,
)


class Cuttable:
    """A scratch database whose processes reach it in a way the test can cut."""

    def __init__(self, scratch, folder):
        self.scratch, self.folder = scratch, folder
        if scratch.pg is not None:
            self.gateway = Gateway((scratch.pg["host"], scratch.pg["port"]))
            through = {**scratch.pg, "port": self.gateway.port}
            self.env = {**scratch.env, "DATABASE_URL": pg_url(through, scratch.pg["dbname"])}
        else:
            self.gateway = None
            self.env = dict(scratch.env)

    def cut(self):
        if self.gateway is not None:
            self.gateway.cut()
        else:
            self.folder.rename(self.folder.with_name("away"))

    def restore(self):
        if self.gateway is not None:
            self.gateway.restore()
        else:
            self.folder.with_name("away").rename(self.folder)


@pytest.fixture
def cuttable(template, tmp_path):
    @contextmanager
    def make():
        folder = tmp_path / "database"
        folder.mkdir()
        with scratch_database(template, folder) as scratch:
            yield Cuttable(scratch, folder)

    return make


def test_pages_answer_503_while_the_database_is_away_and_200_when_it_is_back(cuttable, tmp_path):
    log = tmp_path / "gunicorn.log"
    with cuttable() as database:
        database.scratch.manage("import_digests", str(SEEDS))
        pages = ["/", "/tags/north-korea/", "/search/?q=korea", "/feed/"]
        with gunicorn(database.env, log) as site:
            before = [fetch(site + url)[0] for url in pages]
            health_before = fetch(site + "/healthz")
            database.cut()
            during = [fetch(site + url) for url in pages]
            health_during = fetch(site + "/healthz")
            database.restore()
            after = [fetch(site + url)[0] for url in pages]
            health_after = fetch(site + "/healthz")

    assert before == [200] * len(pages)
    assert [status for status, _ in during] == [503] * len(pages)
    for _, body in during:
        assert "Back in a moment" in body and "Traceback" not in body
    assert after == [200] * len(pages)
    assert (health_before[0], json.loads(health_before[1])["databases"]) == (200, {"default": "ok"})
    assert health_during[0] == 503
    assert json.loads(health_during[1])["databases"] == {"default": "unavailable"}
    assert json.loads(health_during[1])["cache"] == "disabled"
    assert health_after[0] == 200
    # Logged once for the outage, not a traceback a request.
    logged = log.read_text()
    assert logged.count("The database does not answer") == 1, logged
    assert "Traceback" not in logged


def write_wire(root, files):
    """``files`` digests, one tag each, 10 items: more files than one batch."""
    paths = []
    for number in range(files):
        titles = [f"Story {number}-{n}" for n in range(10)]
        entries = tuple(DigestItem(t, (f"About {t}.\u00a0\u2026",)) for t in titles)
        path = root / f"000_{number:04d}.txt"
        path.write_text(render(Digest(tag=f"Tag {number}", items=entries)), encoding="utf-8")
        paths.append(path)
    return paths


WHOLE = """
from django.db.models import Count
from articles.models import Digest
print(sorted({d.n for d in Digest.objects.annotate(n=Count("entries"))}))
"""


def test_an_import_that_loses_its_database_stops_cleanly_and_its_rerun_completes(
    cuttable, template, tmp_path
):
    wire = tmp_path / "wire"
    wire.mkdir()
    write_wire(wire, 450)
    with cuttable() as database:
        started = database.scratch.popen("import_digests", str(wire), "-v", "2", env=database.env)
        # Cut once the first batch (100 files) is reported, in the middle of the run.
        for _ in range(100):
            started.stdout.readline()
        database.cut()
        out, err = started.communicate(timeout=300)
        database.restore()
        whole = database.scratch.python(WHOLE).stdout.strip()
        rerun = database.scratch.manage("import_digests", str(wire), check=False)
        state = database.scratch.state()
    with scratch_database(template, tmp_path) as alone:
        alone.manage("import_digests", str(wire))
        expected = alone.state()

    assert "Traceback" not in err
    if connection.vendor == "postgresql":
        assert started.returncode == 1
        assert "expected the database to answer, found it gone" in err
        assert "run the import again to finish" in err
    assert whole == "[10]"  # every file recorded has all its entries
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert state == expected
