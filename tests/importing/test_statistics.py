"""Planner statistics after an import: the tables a run grew are analyzed, small growth is not."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import importing
from articles.importing import statistics
from tests.factories import SEED_PAGE_1, SEED_PAGE_2, SEEDS

# Committed transactions: PostgreSQL counts a table's changes when they commit.
pytestmark = pytest.mark.django_db(transaction=True)


def grown_tables():
    return [model._meta.db_table for model in statistics.grown_models()]


@pytest.fixture
def never_analyzed():
    """The import's tables as in a new database: no statistics yet."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in grown_tables():
                cursor.execute("SELECT pg_stat_reset_single_table_counters(%s::regclass)", [table])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone():
                cursor.execute("DELETE FROM sqlite_stat1")


def analyzed_tables():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL")
        else:
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        return {name for (name,) in cursor.fetchall()}


def import_paths(*paths, **options):
    with CaptureQueriesContext(connection) as queries:
        importing.import_digests(importing.collect_sources([str(p) for p in paths]), **options)
    verbs = ("ANALYZE", "VACUUM (ANALYZE)")
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(verbs)]


def test_importing_the_seeds_into_an_empty_database_analyzes_the_tables_it_grew(
    never_analyzed,
):
    analyzes = import_paths(SEEDS)

    assert analyzes
    assert set(grown_tables()) <= analyzed_tables()
    if connection.vendor == "postgresql":
        # Outside a transaction the import vacuums too: index-only scans need it.
        assert all(sql.startswith("VACUUM (ANALYZE)") for sql in analyzes)
        assert set(grown_tables()) <= vacuumed_tables()


def vacuumed_tables():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT relname FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL")
        return {name for (name,) in cursor.fetchall()}


def test_a_dry_run_analyzes_nothing(never_analyzed):
    assert import_paths(SEEDS, dry_run=True) == []


def test_a_small_import_into_a_large_enough_table_does_not_analyze(never_analyzed, monkeypatch):
    import_paths(SEED_PAGE_1)
    # Page 2 doubles the tables: "large enough" here means a threshold above 100%.
    monkeypatch.setattr(statistics, "ANALYZE_SHARE", 10.0)

    assert import_paths(SEED_PAGE_2) == []


def test_an_import_that_grows_a_table_by_its_share_analyzes_it(never_analyzed):
    import_paths(SEED_PAGE_1)

    analyzes = import_paths(SEED_PAGE_2)

    assert any(connection.ops.quote_name("articles_item") in sql for sql in analyzes)


def test_importing_unchanged_files_again_analyzes_nothing(never_analyzed):
    import_paths(SEEDS)

    assert import_paths(SEEDS, force=True) == []


@pytest.mark.parametrize(
    ("estimated", "changed", "analyzed", "expected"),
    [
        (1000, 0, False, True),  # never analyzed
        (-1, 0, True, True),  # PostgreSQL: reltuples -1, no statistics yet
        (1000, 99, True, False),
        (1000, 100, True, True),
        (0, 5, True, True),
        (0, 0, True, False),
    ],
)
def test_the_rule(estimated, changed, analyzed, expected):
    assert statistics.needs_analyze(estimated, changed, analyzed, 0.1) is expected
