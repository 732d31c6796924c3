"""Full-text search on PostgreSQL: a generated tsvector column with a GIN index.

PostgreSQL keeps the column up to date on every write (editor saves, bulk imports alike), with
no code to forget. SQLite has no tsvector: there the migration does nothing and search falls
back to a portable query (see articles/search.py).
"""

from django.db import migrations

SEARCH_VECTOR_SQL = """
ALTER TABLE articles_item ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(teaser, '')), 'B')
) STORED;
CREATE INDEX articles_item_search_vector ON articles_item USING gin (search_vector);
"""

DROP_SEARCH_VECTOR_SQL = """
DROP INDEX IF EXISTS articles_item_search_vector;
ALTER TABLE articles_item DROP COLUMN IF EXISTS search_vector;
"""


def add_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_VECTOR_SQL)


def drop_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SEARCH_VECTOR_SQL)


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(add_search_vector, drop_search_vector, elidable=False)]
