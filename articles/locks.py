"""Writers that must not interleave wait for each other in the database, not in a process.

Two imports, an import and an editor, or two app servers creating the same tag: each takes
the database's locks for what it is about to write, inside its transaction, and releases them
when the transaction ends (commit or rollback, a killed process included).

- PostgreSQL: transaction-level advisory locks (``pg_advisory_xact_lock``) on 64-bit keys
  hashed from names, taken in ascending key order so that two writers locking overlapping
  sets cannot deadlock.
- SQLite: nothing to take. Every transaction begins IMMEDIATE (newsroom/settings.py), which
  holds the database's one write lock from BEGIN to the end; writers queue for up to the
  connection's busy timeout.

And ``retrying``: what a writer does when the database says "try again" (a deadlock it broke,
a serialization failure, a lock timeout, SQLite's "database is locked"), a bounded number of
times.
"""

import hashlib
import time

from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction

# Held by every import's transaction (command, admin, worker) and by an undo: imports write
# one batch at a time, so two of them never race for the same item, tag, slug, position or
# digest. Reading and parsing the files happen before, outside the lock. An admin preview (a
# dry run: one transaction) holds it until the preview is computed.
IMPORTS = "import"

# SQLSTATEs that mean the transaction lost a race and may simply be run again.
_TRANSIENT_SQLSTATES = {
    "40001",  # serialization_failure
    "40P01",  # deadlock_detected
    "55P03",  # lock_not_available
}


def lock_key(name):
    """The signed 64-bit advisory lock key of a name (stable across processes and runs)."""
    digest = hashlib.sha256(f"newsroom:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def hold(names):
    """Take the locks of ``names`` until the current transaction ends (PostgreSQL; nothing
    to take on SQLite). Must run inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("expected a transaction to hold the locks, found none")
    if connection.vendor != "postgresql":
        return
    keys = sorted({lock_key(name) for name in names})
    if not keys:
        return
    with connection.cursor() as cursor:
        # The subquery's order is the order the locks are taken in: ascending, for everyone.
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(key)) FROM "
            "(SELECT unnest(%s::bigint[]) AS key ORDER BY 1) AS keys",
            [keys],
        )


def is_transient(error):
    """True when the database refused only because another writer got there first."""
    if isinstance(error, IntegrityError):
        # Under the import lock only a writer outside it (an editor creating a slug or a tag
        # at the same moment) can make an import's write collide: a fresh read settles it.
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if sqlstate is not None:
        return sqlstate in _TRANSIENT_SQLSTATES
    return "database is locked" in str(error)


def database_lost():
    """True when the connection is gone and cannot be opened again right now."""
    try:
        if connection.connection is not None and not connection.is_usable():
            connection.close()
        connection.ensure_connection()
        return not connection.is_usable()
    except DatabaseError:
        return True


# How many times a write is tried in all, and the pause before the second try (doubled each
# time after): a few seconds at most, for races that a fresh read settles at once.
ATTEMPTS = 4
FIRST_PAUSE = 0.05


def pause(attempt):
    time.sleep(FIRST_PAUSE * (2**attempt))
