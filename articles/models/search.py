"""The full-text column of items on PostgreSQL: the one place that knows its name.

Migration 0002 keeps a generated ``search_vector`` column (title weighted A, teaser B, the
'english' configuration) with a GIN index. The model has no field for it (SQLite has no
tsvector), so queries name it through ``SearchVectorColumn``.
"""

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db.models import Expression

SEARCH_CONFIG = "english"


class SearchVectorColumn(Expression):
    """``articles_item.search_vector``, under whatever alias the query gives the table."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        return f"{table}.{connection.ops.quote_name('search_vector')}", []


def websearch_query(text):
    """``websearch_to_tsquery``: accepts any text without error (quotes, ``or``, ``-``)."""
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
