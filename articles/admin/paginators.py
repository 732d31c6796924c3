"""A paginator that does not count a huge table, nor every match of a search, on every page
load."""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Below this many rows an exact COUNT(*) is cheap enough and the estimate is not worth it.
ESTIMATE_ABOVE = 100_000
# A filtered list (a search, a filter) is counted up to this many rows and no further: every
# match of a common word at a million items took 1.5 s to count, for a figure nobody pages to.
COUNT_UP_TO = 10_000


class AtLeast(int):
    """A count that stopped at its bound: compares and paginates as the rows it counted (the
    bound and one), reads "10,000+" wherever the admin shows it ("10,000+ results", "Select
    all 10,000+ items": an action on all of them applies to every match)."""

    def __str__(self):
        return f"{self - 1:,}+"


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
    """Counts exactly up to COUNT_UP_TO rows (beyond: AtLeast), except an unfiltered queryset
    over a large PostgreSQL table, where the planner's estimate stands in for COUNT(*) (a
    sequential scan of the whole table)."""

    @cached_property
    def count(self):
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is None:
            return super().count
        if not query.where and not query.distinct:
            estimate = estimated_row_count(queryset.model, queryset.db)
            if estimate is not None and estimate >= ESTIMATE_ABOVE:
                return estimate
        # COUNT(*) over a subquery that stops at the bound.
        counted = queryset.order_by()[: COUNT_UP_TO + 1].count()
        return AtLeast(counted) if counted > COUNT_UP_TO else counted
