"""Real processes on a database of their own, for the concurrency and failure tests.

A *scratch database* is a migrated database outside the test's transaction, that other
processes (``manage.py``, a shell snippet) open as the site would: a SQLite file, or a
PostgreSQL database on the test server named after the test database. Each is a copy of one
migrated template made once a session, so a test pays a copy, not a migration.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import psycopg
from django.db import connection

from tests.factories import ROOT

_numbers = count(1)

# What every child process gets: production-like settings, no cache, no progress bar.
BASE_ENV = {
    "PATH": "/usr/bin:/bin",
    "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    "SECRET_KEY": "process-test",
    "SECURE_SSL_REDIRECT": "0",
    "STATIC_MANIFEST": "0",
    "CACHE_DISABLED": "1",
}


@dataclass
class Scratch:
    """A database other processes can open: its environment, and how to reach it raw."""

    env: dict
    sqlite_path: Path | None = None
    pg: dict | None = None  # host, port, user, dbname

    def manage(self, *args, env=None, check=True, timeout=300):
        return run([str(ROOT / "manage.py"), *args], {**self.env, **(env or {})}, check, timeout)

    def python(self, code, *args, env=None, check=True, timeout=300):
        """Run ``code`` after django.setup() on this database."""
        script = f"import django\ndjango.setup()\n{code}"
        return run(["-c", script, *args], {**self.env, **(env or {})}, check, timeout)

    def popen(self, *args, env=None, **options):
        """manage.py ARGS, started and left running."""
        return self.popen_python(None, str(ROOT / "manage.py"), *args, env=env, **options)

    def popen_python(self, code, *args, env=None, **options):
        """python -c CODE (after django.setup()) ARGS, or python ARGS; left running."""
        script = ["-c", f"import django\ndjango.setup()\n{code}"] if code else []
        return subprocess.Popen(
            [sys.executable, *script, *args],
            env={**self.env, **(env or {})},
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            **options,
        )

    def state(self):
        """database_state() as the database has it now (read by a process of its own)."""
        code = "from tests.processes import database_state; print(database_state())"
        return json.loads(self.python(code).stdout)

    def raw(self):
        """A connection of the test's own, outside Django, in autocommit."""
        if self.sqlite_path is not None:
            import sqlite3

            return sqlite3.connect(self.sqlite_path, isolation_level=None, timeout=30)
        return psycopg.connect(**self.pg, autocommit=True)


def run(args, env, check=True, timeout=300):
    result = subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if check:
        assert result.returncode == 0, result.stderr[-3000:]
    return result


def _server(settings):
    return {
        "host": settings["HOST"] or "127.0.0.1",
        "port": int(settings["PORT"] or 5432),
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
    }


def pg_url(server, dbname):
    auth = server["user"] + (f":{server['password']}" if server["password"] else "")
    return f"postgres://{auth}@{server['host']}:{server['port']}/{dbname}"


def _admin(server):
    return psycopg.connect(**server, dbname="postgres", autocommit=True)


def scratch_name(suffix):
    """test_NAME → NAME_suffix: beside the test database, never another suite's."""
    return connection.settings_dict["NAME"].removeprefix("test_") + f"_{suffix}"


@contextmanager
def template_database(folder):
    """A migrated database to copy scratch databases from (made once a session)."""
    if connection.vendor == "sqlite":
        path = Path(folder) / "template.sqlite3"
        run([str(ROOT / "manage.py"), "migrate", "-v0"], {**BASE_ENV, "SQLITE_PATH": str(path)})
        yield path
        return
    server = _server(connection.settings_dict)
    name = scratch_name(f"template_{os.getpid()}")
    with _admin(server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {**BASE_ENV, "DATABASE_URL": pg_url(server, name)}
        run([str(ROOT / "manage.py"), "migrate", "-v0"], env)
        yield name
    finally:
        with _admin(server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def scratch_database(template, folder):
    """A fresh copy of the template, dropped afterwards."""
    number = next(_numbers)
    if connection.vendor == "sqlite":
        path = Path(folder) / f"scratch{number}.sqlite3"
        shutil.copyfile(template, path)
        yield Scratch({**BASE_ENV, "SQLITE_PATH": str(path)}, sqlite_path=path)
        return
    server = _server(connection.settings_dict)
    name = scratch_name(f"scratch_{os.getpid()}_{number}")
    with _admin(server) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        env = {**BASE_ENV, "DATABASE_URL": pg_url(server, name)}
        yield Scratch(env, pg={**server, "dbname": name})
    finally:
        with _admin(server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_state():
    """What an import leaves, as JSON, with nothing that depends on the order rows were
    written in (ids, times, runs, how many revisions): items, tags, each tag's page in order,
    digests and their entries, and which items have revisions."""
    from articles.models import Digest, DigestEntry, Item, Tag, TaggedItem

    items = list(
        Item.objects.order_by("import_key").values_list(
            "import_key", "title", "teaser", "slug", "status"
        )
    )
    tags = list(Tag.objects.order_by("name_key").values_list("name", "slug", "name_key"))
    pages = {}
    for tag_name, key in TaggedItem.objects.order_by("tag__name", "position").values_list(
        "tag__name", "content_object__import_key"
    ):
        pages.setdefault(tag_name, []).append(key)
    digests = list(
        Digest.objects.order_by("sha256").values_list("sha256", "tag__name", "tag_name", "page")
    )
    entries = list(
        DigestEntry.objects.order_by("digest__sha256", "position").values_list(
            "digest__sha256", "position", "item__import_key"
        )
    )
    return json.dumps(
        {
            "items": items,
            "tags": tags,
            "pages": pages,
            "digests": digests,
            "entries": entries,
            # How many revisions an item has depends on how the writes were split into
            # batches (an item created, then tagged by a later batch, has two): every item
            # has one at least.
            "items_with_revisions": Item.history.values("id").distinct().count(),
        }
    )


class Gateway:
    """A TCP relay to the PostgreSQL server that a test can cut and restore: the database
    unreachable (connections reset, new ones refused) and back, the server untouched."""

    def __init__(self, target):
        self.target = target
        self.port = _free_port()
        self._listener = None
        self._sockets = []
        self._lock = threading.Lock()
        self.restore()

    def restore(self):
        listener = socket.create_server(("127.0.0.1", self.port))
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self):
        with self._lock:
            # shutdown() first: close() alone would not wake the thread waiting in accept().
            try:
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._listener.close()
            for one in self._sockets:
                try:
                    one.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                one.close()
            self._sockets = []

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=_pipe, args=(source, sink), daemon=True).start()


def _pipe(source, sink):
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for one in (source, sink):
            try:
                one.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(env, log):
    """The site under gunicorn (one sync worker, production settings) on a free port, its
    output in the file ``log``; yields its base URL."""
    port = _free_port()
    argv = [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--workers=1"]
    argv += [f"--bind=127.0.0.1:{port}", "--timeout=60", "--graceful-timeout=2"]
    with open(log, "wb") as output:
        server = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=output, stderr=output)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while fetch(base + "/robots.txt")[0] is None:
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def fetch(url):
    """(status, body) of a GET, or (None, error) when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError as error:
        return None, str(error)
