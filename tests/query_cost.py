"""What a query reads, for the tests that a query costs the same at any depth or archive size:
items made in bulk, and the cost of one query as the database runs it."""

import json
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from articles.models import Item, Tag, TaggedItem


def bulk_items(count, tag_name, *, first=0):
    """``count`` published items, a minute apart (the newest a minute ago, numbered from
    ``first``), all under ``tag_name`` (made if new): in bulk, a few queries for any count.
    Then the planner's statistics of the two tables, as an import of that many leaves them
    (importing.statistics; here inside the test's transaction, where the row counters it reads
    are not yet flushed): without, PostgreSQL plans with those an earlier test's import left,
    of a few rows, and loops over the tag's links for every item."""
    now = timezone.now().replace(microsecond=0)
    items = Item.objects.bulk_create(
        Item(
            title=f"Story {n}",
            slug=f"story-{n}",
            teaser="A teaser.",
            status=Item.Status.PUBLISHED,
            published_at=now - timedelta(minutes=n + 1),
        )
        for n in range(first, first + count)
    )
    tag = Tag.objects.filter(name=tag_name).first() or Tag.objects.create(name=tag_name)
    TaggedItem.objects.bulk_create(
        TaggedItem(tag=tag, content_object_id=item.pk, position=n) for n, item in enumerate(items)
    )
    analyze()
    return items


def analyze():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Every row, whatever limit an earlier test's import left on the connection
            # (importing.statistics samples 1,000 rows an index).
            cursor.execute("PRAGMA analysis_limit = 0")
        for model in (Item, TaggedItem):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def recorded(run):
    """The statements ``run()`` sends, each as (sql, params): as they ran, the values apart
    (with the values written into the SQL, SQLite's planner sees more than it does when Django
    runs the query)."""
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        run()
    return statements


def cost(statement):
    """What the statement (sql, params) reads: SQLite's virtual machine instructions (its
    plan's text cannot tell where an index range starts: a "?"), PostgreSQL's buffers."""
    sql, params = statement
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        top = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
        return top["Shared Hit Blocks"] + top["Shared Read Blocks"]
    steps = 0

    def step():
        nonlocal steps
        steps += 1
        return 0  # go on

    connection.ensure_connection()
    connection.connection.set_progress_handler(step, 1)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()
    finally:
        connection.connection.set_progress_handler(None, 1)
    return steps
