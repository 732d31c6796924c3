"""Set-based writes in one statement: rows computed or copied by the database, not built as
model instances one by one. The importer and the tag pages share them (an import writes
thousands of narrow rows a batch)."""

from django.db import connection

from .models import Item

# Well under SQLite's 999 parameters a statement.
IDS_A_STATEMENT = 900


def copy_items(model, columns, items, *select):
    """INSERT INTO model's table (columns) SELECT select FROM the items' rows: rows made by the
    database, not built in Python one by one."""
    ids = [item.pk for item in items]
    for start in range(0, len(ids), IDS_A_STATEMENT):
        rows = (
            Item.objects.filter(pk__in=ids[start : start + IDS_A_STATEMENT])
            .order_by("pk")
            .values_list(*select)
        )
        query, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"{insert_into(model, columns)} {query}", params)


def insert_rows(model, columns, rows):
    """One executemany INSERT for narrow rows computed here (tag links, digest entries):
    bulk_create would build and prepare a model instance per row, for three plain values."""
    if rows:
        placeholders = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"{insert_into(model, columns)} VALUES ({placeholders})", rows)


def insert_into(model, columns):
    quote = connection.ops.quote_name
    return f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))})"
