"""The loading floor: the raw bulk load of the rows the first import wrote, parse included.

    python -m bench.floor DUMP_FOLDER DIGEST_FOLDER...   (DATABASE_URL or SQLITE_PATH: target)

How fast could any importer be? The product's first import writes rows into some tables (the
items, their tags, revisions, undo records, digests...). ``dump`` copies those rows out of the
product's database, untimed; the child this module runs then does what a bare loader would:
reads and parses every digest file (``articles.digest``, the product's own parser), and loads
the dumped rows into the same tables of a freshly migrated database, with every constraint
and index in place: psycopg ``COPY`` on PostgreSQL (the server computes generated columns such
as the search vector, as for the import), ``executemany`` in one transaction on SQLite. Foreign
keys are Django's, deferred to the commit, which is timed too.

No Django here: the child's time and memory are those of parsing and loading alone.
"""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
import sys
import time
from collections.abc import Iterable, Sequence
from contextlib import closing
from pathlib import Path

import psycopg
from psycopg import sql

from articles.digest import decode, parse

MANIFEST = "tables.json"
_COPY_CHUNK = 1 << 20


def dump(connection, backend: str, tables: Iterable[str], folder: Path) -> dict[str, int]:
    """Write every row of ``tables`` to ``folder``; returns the rows per table."""
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    columns: dict[str, list[str]] = {}
    with closing(connection):
        for table in tables:
            columns[table] = _columns(connection, backend, table)
            counts[table] = _dump_table(connection, backend, table, columns[table], folder)
    manifest = {"backend": backend, "tables": columns, "rows": counts}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1))
    return counts


def _columns(connection, backend: str, table: str) -> list[str]:
    """The columns a loader writes: generated ones are left to the database."""
    if backend == "sqlite":
        rows = connection.execute(f'PRAGMA table_xinfo("{table}")').fetchall()
        return [row[1] for row in rows if row[6] == 0]  # hidden: 0 is a plain column
    query = (
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
        "AND table_name = %s AND is_generated = 'NEVER' ORDER BY ordinal_position"
    )
    return [row[0] for row in connection.execute(query, (table,)).fetchall()]


def _dump_table(connection, backend: str, table: str, columns: list[str], folder: Path) -> int:
    names = ", ".join(f'"{column}"' for column in columns)
    if backend == "sqlite":
        rows = connection.execute(f'SELECT {names} FROM "{table}" ORDER BY rowid').fetchall()
        with (folder / f"{table}.pickle").open("wb") as output:
            pickle.dump(rows, output, protocol=pickle.HIGHEST_PROTOCOL)
        return len(rows)
    copy = sql.SQL("COPY (SELECT {} FROM {} ORDER BY 1) TO STDOUT").format(
        sql.SQL(names), sql.Identifier(table)
    )
    with connection.cursor() as cursor, (folder / f"{table}.copy").open("wb") as output:
        with cursor.copy(copy) as stream:
            for block in stream:
                output.write(block)
        return cursor.execute(
            sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(table))
        ).fetchone()[0]


# --- The child: parse, then load ------------------------------------------------------------


def main(argv: Sequence[str]) -> int:
    folder, digests = Path(argv[0]), [Path(name) for name in argv[1:]]
    manifest = json.loads((folder / MANIFEST).read_text())
    started = time.perf_counter()
    items = parse_all(digests)
    parsed = time.perf_counter()
    if os.environ.get("DATABASE_URL"):
        load_postgres(os.environ["DATABASE_URL"], folder, manifest["tables"])
    else:
        load_sqlite(os.environ["SQLITE_PATH"], folder, manifest["tables"])
    loaded = time.perf_counter()
    figures = {"items_parsed": items, "parse_s": parsed - started, "load_s": loaded - parsed}
    sys.stdout.write(json.dumps(figures) + "\n")
    return 0


def parse_all(folders: Iterable[Path]) -> int:
    """Read and parse every digest file; returns the number of items the files list."""
    items = 0
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            items += len(parse(decode(path.read_bytes())).items)
    return items


def load_postgres(url: str, folder: Path, tables: dict[str, list[str]]) -> None:
    conninfo = url.replace("pgsql://", "postgresql://", 1)
    with psycopg.connect(conninfo) as connection, connection.cursor() as cursor:
        for table, columns in tables.items():
            copy = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
            )
            with cursor.copy(copy) as stream, (folder / f"{table}.copy").open("rb") as source:
                while block := source.read(_COPY_CHUNK):
                    stream.write(block)
        # The identity sequences, as a loader must leave them for the next insert.
        for table in (table for table, columns in tables.items() if "id" in columns):
            setval = "SELECT setval(pg_get_serial_sequence({}, 'id'), MAX(id)) FROM {}"
            cursor.execute(sql.SQL(setval).format(sql.Literal(table), sql.Identifier(table)))
    # The with block commits: the deferred foreign keys are checked there, inside the timing.


def load_sqlite(path: str, folder: Path, tables: dict[str, list[str]]) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    with closing(connection):
        # The product's own pragmas (settings.py), and the foreign keys Django turns on.
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute("BEGIN IMMEDIATE")
        for table, columns in tables.items():
            with (folder / f"{table}.pickle").open("rb") as source:
                rows = pickle.load(source)
            names = ", ".join(f'"{column}"' for column in columns)
            marks = ", ".join("?" * len(columns))
            connection.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
            del rows
        connection.execute("COMMIT")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
