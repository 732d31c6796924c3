"""A paginator that does not count a huge table on every page load."""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Below this many rows an exact COUNT(*) is cheap enough and the estimate is not worth it.
ESTIMATE_ABOVE = 100_000


def estimated_row_count(model, using="default"):
    """PostgreSQL's own estimate of a table's rows (pg_class.reltuples, kept by ANALYZE and
    autovacuum); None elsewhere or when the table was never analyzed."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [model._meta.db_table],
        )
        row = cursor.fetchone()
    return row[0] if row and row[0] >= 0 else None


class EstimatedCountPaginator(Paginator):
    """Counts exactly, except an unfiltered queryset over a large PostgreSQL table, where the
    planner's estimate stands in for COUNT(*) (a sequential scan of the whole table)."""

    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is not None and not query.where and not query.distinct:
            estimate = estimated_row_count(queryset.model, queryset.db)
            if estimate is not None and estimate >= ESTIMATE_ABOVE:
                return estimate
        return super().count
