"""Fresh, throw-away databases for each benchmark run.

Every run starts from an empty database so that the first import really is a first import:
SQLite gets a new file, PostgreSQL a database whose name starts with ``bench_wt_`` next to the
one DATABASE_URL names (never that one: the benchmark must not touch a developer's data).
The checks read the tables directly rather than through Django, so that the benchmark process
itself never loads the project's settings and the figures belong to the measured commands.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

BENCH_PREFIX = "bench_wt_"
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql"}

# Rows the checks count. Django's default table names: the models set no db_table.
COUNTED_TABLES = {
    "items": "articles_item",
    "tag links": "articles_taggeditem",
    "digests": "articles_digest",
    "digest entries": "articles_digestentry",
}
_REPORTED_SETTINGS = ("synchronous_commit", "autovacuum", "shared_buffers", "work_mem")
_RUN_COLUMNS = ("forced", "files", "files_imported", "files_unchanged", "files_skipped")


class BackendError(RuntimeError):
    """A database the benchmark cannot set up, reach or clean."""


@dataclass
class Database:
    """One fresh database: how the child commands reach it and how the checks query it."""

    backend: str
    version: str
    env: dict[str, str | None]  # None: remove the variable from the children's environment
    _connect: Callable[[], Any] = field(repr=False)

    def counts(self) -> dict[str, int]:
        with self._query() as cursor:
            return {
                label: cursor.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for label, table in COUNTED_TABLES.items()
            }

    def tables(self) -> dict[str, int]:
        """Every table of the project and its number of rows."""
        if self.backend == "sqlite":
            # Not the full-text index's own tables: the items' triggers fill them, in the floor's
            # load as in the import's.
            listing = (
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE 'articles_item_fts%'"
            )
        else:
            listing = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        with self._query() as cursor:
            names = [row[0] for row in cursor.execute(listing).fetchall()]
            return {
                name: cursor.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
                for name in sorted(names)
            }

    def analyzed(self, tables: list[str]) -> dict[str, str]:
        """When PostgreSQL last analyzed each table (by ANALYZE or autovacuum), or "never"."""
        if self.backend != "postgres":
            return {}
        query = (
            "SELECT relname, GREATEST(last_analyze, last_autoanalyze) FROM pg_stat_user_tables "
            "WHERE relname = ANY(%s)"
        )
        with self._query() as cursor:
            found = dict(cursor.execute(query, (tables,)).fetchall())
        return {name: str(found[name]) if found.get(name) else "never" for name in tables}

    def import_runs(self) -> list[dict[str, int]]:
        """The import log, oldest first: what each measured command says it did."""
        query = f"SELECT {', '.join(_RUN_COLUMNS)} FROM articles_importrun ORDER BY id"
        with self._query() as cursor:
            rows = cursor.execute(query).fetchall()
        return [dict(zip(_RUN_COLUMNS, map(int, row), strict=True)) for row in rows]

    def connect(self) -> Any:
        """A DB-API connection (sqlite3 or psycopg) to this database, for the caller to close."""
        return self._connect()

    @contextmanager
    def _query(self) -> Iterator:
        try:
            with closing(self._connect()) as connection:
                yield connection.cursor()
        except (sqlite3.Error, psycopg.Error) as exc:
            raise BackendError(
                f"{self.backend}: expected the import's tables, found {exc}"
            ) from exc


@contextmanager
def sqlite_database() -> Iterator[Database]:
    """A new SQLite file in a temporary folder, removed with its WAL files afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=BENCH_PREFIX))
    path = folder / "bench.sqlite3"
    try:
        yield Database(
            backend="sqlite",
            version=f"SQLite {sqlite3.sqlite_version}",
            # Settings prefer DATABASE_URL to SQLITE_PATH, so it must go.
            env={"DATABASE_URL": None, "SQLITE_PATH": str(path)},
            _connect=lambda: sqlite3.connect(path),
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def postgres_database(url: str, name: str) -> Iterator[Database]:
    """``bench_wt_<owner>_<name>`` on DATABASE_URL's server, created empty and dropped
    afterwards; ``owner``: DATABASE_URL's database (without a ``wt_`` prefix), so that runs
    from two worktrees sharing the server use databases of their own."""
    parts = urlsplit(url)
    owner = parts.path.lstrip("/").removeprefix("wt_")
    name = BENCH_PREFIX + (f"{owner}_{name}" if owner else name)
    if parts.scheme not in POSTGRES_SCHEMES:
        raise BackendError(f"postgres: expected a PostgreSQL DATABASE_URL, found {parts.scheme}://")
    if parts.path.lstrip("/").startswith(BENCH_PREFIX):
        raise BackendError(
            f"postgres: DATABASE_URL names a {BENCH_PREFIX}* database, which the benchmark "
            "drops; point it at another database on the same server"
        )
    # libpq knows postgres:// and postgresql:// only; dj-database-url also takes pgsql://.
    admin_url = urlunsplit(parts._replace(scheme="postgresql"))
    bench_parts = parts._replace(path="/" + name)
    bench_url = urlunsplit(bench_parts)
    bench_conninfo = urlunsplit(bench_parts._replace(scheme="postgresql"))
    with _admin(admin_url) as admin:
        _lock(admin, name)
        version = _recreate(admin, name)
        try:
            yield Database(
                backend="postgres",
                version=f"PostgreSQL {version}",
                env={"DATABASE_URL": bench_url, "SQLITE_PATH": None},
                _connect=lambda: psycopg.connect(bench_conninfo),
            )
        finally:
            _drop(admin, name)


def _lock(admin: psycopg.Connection, name: str) -> None:
    """Refuse to share the server's benchmark database with another run.

    Two runs at once would drop each other's database in the middle of an import. The lock is
    held by this admin session until the run ends (or dies); advisory locks belong to one
    database, so it stops runs that share DATABASE_URL's database, the usual case.
    """
    query = "SELECT pg_try_advisory_lock(hashtext(%s))"
    if not admin.execute(query, (name,)).fetchone()[0]:
        raise BackendError(
            f"postgres: another benchmark run is using {name} on this server; wait for it to finish"
        )


def _recreate(admin: psycopg.Connection, name: str) -> str:
    """Returns the server's version and the settings that move the figures most."""
    _drop(admin, name)
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    # One commit a file makes synchronous_commit count; without autovacuum the planner never
    # gets statistics for the tables the import fills.
    shown = {
        name: admin.execute(sql.SQL("SHOW {}").format(sql.Identifier(name))).fetchone()[0]
        for name in ("server_version", *_REPORTED_SETTINGS)
    }
    settings = ", ".join(f"{name} {shown[name]}" for name in _REPORTED_SETTINGS)
    return f"{shown['server_version']}; {settings}"


def _drop(admin: psycopg.Connection, name: str, attempts: int = 30) -> None:
    # No FORCE: a session still in the database is someone's (a psql, say), not ours to end;
    # the error says so. Our own commands have exited, and the server waits a few seconds
    # for their sessions to close.
    drop = sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
    for attempt in range(attempts):
        try:
            admin.execute(drop)
            return
        except psycopg.errors.ObjectInUse:
            # Our servers' sessions close a moment after the servers stop.
            if attempt == attempts - 1:
                raise
            time.sleep(1)


@contextmanager
def _admin(url: str) -> Iterator[psycopg.Connection]:
    """A connection to DATABASE_URL's own database: CREATE/DROP DATABASE need autocommit."""
    try:
        with psycopg.connect(url, autocommit=True) as connection:
            yield connection
    except psycopg.Error as exc:
        host = urlsplit(url).hostname or "the local socket"
        raise BackendError(f"postgres ({host}): {exc}") from exc
