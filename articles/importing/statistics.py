"""Planner statistics after an import: ANALYZE the tables a run grew by a meaningful share
(on PostgreSQL VACUUM (ANALYZE), which also marks the new rows visible for index-only scans).

Nothing else runs ANALYZE (autovacuum may be late, or off), and without statistics
PostgreSQL plans a tag page as a scan of every published item. PostgreSQL's "Populating a
Database" advice is to ANALYZE after a bulk load; SQLite's planner likewise reads
``sqlite_stat1``.

The rule: a table is analyzed when it was never analyzed, or when the rows changed since its
last statistics are at least ``ANALYZE_SHARE`` of the rows those statistics counted. A
one-file upload into a large archive therefore pays nothing; a bulk load, or many small
uploads adding up, is analyzed once.
"""

import logging

from django.db import connection

from ..models import Digest, DigestEntry, ImportChange, Item, Tag, TaggedItem

logger = logging.getLogger(__name__)

# Rows changed since the last statistics, as a share of the rows they counted.
ANALYZE_SHARE = 0.1
# SQLite: rows of each index that ANALYZE reads (PRAGMA analysis_limit), so that it stays
# fast however large the table; the row counts it records are then estimates, as on PostgreSQL.
SQLITE_ANALYSIS_LIMIT = 1000


def grown_models():
    """The models an import adds rows to."""
    return [Item, Item.history.model, TaggedItem, Tag, Digest, DigestEntry, ImportChange]


def analyze_grown(models=None, *, share=None):
    """ANALYZE the models' tables that grew enough; returns the names of the tables analyzed."""
    share = ANALYZE_SHARE if share is None else share
    tables = [model._meta.db_table for model in (models or grown_models())]
    if connection.vendor == "postgresql":
        stale = _postgres_stale(tables, share)
    elif connection.vendor == "sqlite":
        stale = _sqlite_stale(tables, share)
    else:
        return []
    if stale:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # VACUUM too, when outside a transaction (it cannot run inside one): it sets the
                # visibility map, without which an index-only scan (a deep tag page counted in
                # its index) still visits the table for every entry of a freshly loaded tag.
                verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
                cursor.execute(f"{verb} {', '.join(map(quote, stale))}")
            else:
                cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
                for table in stale:
                    cursor.execute(f"ANALYZE {quote(table)}")
        logger.info("analyzed %s", ", ".join(stale))
    return stale


def needs_analyze(estimated_rows, changed_rows, analyzed, share):
    """estimated_rows: what the last statistics counted; changed_rows: changes since then."""
    if not analyzed or estimated_rows is None or estimated_rows < 0:
        return True
    return changed_rows > 0 and changed_rows >= share * estimated_rows


def _postgres_stale(tables, share):
    with connection.cursor() as cursor:
        # A backend sends its table counters to the statistics only now and then (at most
        # once a second, when idle); PostgreSQL 15 can be told to send them right away.
        if connection.pg_version >= 150000 and not connection.in_atomic_block:
            cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute(
            """
            SELECT c.relname, c.reltuples, s.n_mod_since_analyze,
                   COALESCE(s.last_analyze, s.last_autoanalyze) IS NOT NULL
            FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
            WHERE c.oid = ANY(%s::regclass[])
            """,
            [tables],
        )
        rows = {
            name: (estimate, changed or 0, analyzed) for name, estimate, changed, analyzed in cursor
        }
    return [table for table in tables if needs_analyze(*rows[table], share)]


def _sqlite_stale(tables, share):
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        counted = {}
        if cursor.fetchone():
            # A table's row count is the first number of any of its rows in sqlite_stat1.
            cursor.execute("SELECT tbl, stat FROM sqlite_stat1")
            for table, stat in cursor.fetchall():
                counted.setdefault(table, int(stat.split()[0]))
        stale = []
        for table in tables:
            if table not in counted:
                stale.append(table)
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            now = cursor.fetchone()[0]
            if needs_analyze(counted[table], abs(now - counted[table]), True, share):
                stale.append(table)
    return stale
