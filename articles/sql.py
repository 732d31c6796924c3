"""Set-based writes in one statement: rows computed or copied by the database, not built as
model instances one by one. The importer and the tag pages share them (an import writes
thousands of narrow rows a batch).

On PostgreSQL rows computed here go by COPY (psycopg's ``cursor.copy``): one stream a table,
no statement to parse or plan per row. On SQLite, whose floor is executemany in one
transaction, they go by executemany.
"""

import time
from operator import attrgetter

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from .models import Item

# Well under SQLite's 999 parameters a statement; PostgreSQL takes a batch's ids at once.
IDS_A_STATEMENT = 900


def copy_items(model, columns, items, *select):
    """INSERT INTO model's table (columns) SELECT select FROM the items' rows: rows made by the
    database, not built in Python one by one."""
    ids = [item.pk for item in items]
    size = len(ids) if connection.vendor == "postgresql" else IDS_A_STATEMENT
    for start in range(0, len(ids), size or 1):
        rows = (
            Item.objects.filter(_pk_in(ids[start : start + size]))
            .order_by("pk")
            .values_list(*select)
        )
        query, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"{insert_into(model, columns)} {query}", params)


def _pk_in(ids):
    """pk IN ids; on PostgreSQL ``IN (SELECT unnest(%s))``, one array parameter rather than a
    placeholder an id (psycopg splits a query's placeholders in Python, and a batch has a
    thousand ids)."""
    if connection.vendor == "postgresql":
        return Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (list(ids),)))
    return Q(pk__in=ids)


def insert_rows(model, columns, rows):
    """Narrow rows computed here (tag links, digest entries) in one statement: COPY on
    PostgreSQL, executemany elsewhere. bulk_create would build and prepare a model instance
    per row, for three plain values."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        copy_rows(model, columns, rows)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"{insert_into(model, columns)} VALUES ({placeholders})", rows)


def copy_rows(model, columns, rows):
    """PostgreSQL: COPY the rows (tuples of Python values, in columns' order) into the table.

    Errors are the database's as for any query (IntegrityError…), so that a batch the
    database refuses is rolled back and retried file by file; the COPY is logged with the
    queries when they are (tests count them).
    """
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) FROM STDIN"
    start = time.monotonic()
    with connection.wrap_database_errors, connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    if connection.queries_logged:
        connection.queries_log.append(
            {"sql": f"{sql} -- {len(rows)} rows", "time": f"{time.monotonic() - start:.3f}"}
        )


def create_rows(model, objs):
    """bulk_create, by COPY on PostgreSQL: ids reserved from the table's sequence in one query,
    then the rows streamed. The objects get their ids, as with bulk_create.

    Field values go as the model holds them (pre_save gives auto_now fields theirs), which is
    what the importer's models need: text, times, integers, no JSON.
    """
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    if not objs:
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    # auto_now and auto_now_add fields get their value from pre_save; the others are read.
    stamped = [field for field in fields if getattr(field, "auto_now", False)]
    stamped += [field for field in fields if getattr(field, "auto_now_add", False)]
    attnames = ["pk", *(field.attname for field in fields)]
    for obj, pk in zip(objs, reserve_ids(model, len(objs)), strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias
        for field in stamped:
            field.pre_save(obj, True)
    rows = list(map(attrgetter(*attnames), objs))
    copy_rows(model, [model._meta.pk.column, *(field.column for field in fields)], rows)


def reserve_ids(model, count):
    """PostgreSQL: count new ids of model's table from its sequence, ascending, in one query."""
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(table), column, count],
        )
        return sorted(pk for (pk,) in cursor.fetchall())


def insert_into(model, columns):
    quote = connection.ops.quote_name
    return f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))})"
