"""Reader queries at a million items: tag links carry their item's visibility; SQLite gets FTS5.

1. ``TaggedItem.status``, ``published_at`` and ``unpublish_at``: copies of the item's, filled
   here and kept by triggers (PostgreSQL and SQLite alike), so that a tag page reads its page
   from one index of published links. The copies are a function of the item: a link inserted
   without them (every writer does) is filled from its item, a link whose copies or item are
   written is refilled, and an item whose visibility changes rewrites its links, whether the
   change comes from save(), queryset.update(), bulk_update() or raw SQL.
2. Partial indexes of published links (a tag's page order, a tag's newest) and of published
   items (newest first), holding what the reading rule compares.
3. SQLite: an FTS5 index of titles and teasers (external content, kept by triggers) when the
   SQLite library has FTS5; PostgreSQL has its generated ``search_vector`` (0002).

SQLite drops a table's triggers when Django's schema editor remakes the table (most
AlterField and RemoveField operations on SQLite): a later migration that remakes
``articles_item`` or ``articles_taggeditem`` must create these triggers again
(``create_triggers`` / ``create_fts`` below can be called from it).
"""

from django.conf import settings
from django.db import migrations, models


PG_BACKFILL = """
UPDATE articles_taggeditem AS link
   SET status = item.status, published_at = item.published_at, unpublish_at = item.unpublish_at
  FROM articles_item AS item
 WHERE item.id = link.content_object_id
"""

PG_TRIGGERS = """
CREATE FUNCTION articles_item_visibility_to_links() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE articles_taggeditem
       SET status = NEW.status, published_at = NEW.published_at, unpublish_at = NEW.unpublish_at
     WHERE content_object_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER articles_item_visibility
    AFTER UPDATE OF status, published_at, unpublish_at ON articles_item
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status
          OR OLD.published_at IS DISTINCT FROM NEW.published_at
          OR OLD.unpublish_at IS DISTINCT FROM NEW.unpublish_at)
    EXECUTE FUNCTION articles_item_visibility_to_links();

CREATE FUNCTION articles_link_visibility_from_item() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT item.status, item.published_at, item.unpublish_at
      INTO NEW.status, NEW.published_at, NEW.unpublish_at
      FROM articles_item AS item
     WHERE item.id = NEW.content_object_id;
    RETURN NEW;
END
$$;
-- Writers that supply the copies (none does yet) skip the lookup.
CREATE TRIGGER articles_link_visibility_insert
    BEFORE INSERT ON articles_taggeditem
    FOR EACH ROW WHEN (NEW.status IS NULL)
    EXECUTE FUNCTION articles_link_visibility_from_item();
-- A model save() writes every column, copies included: they are read from the item again.
CREATE TRIGGER articles_link_visibility_update
    BEFORE UPDATE OF status, published_at, unpublish_at, content_object_id ON articles_taggeditem
    FOR EACH ROW
    EXECUTE FUNCTION articles_link_visibility_from_item();
"""

PG_DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS articles_item_visibility ON articles_item;
DROP TRIGGER IF EXISTS articles_link_visibility_insert ON articles_taggeditem;
DROP TRIGGER IF EXISTS articles_link_visibility_update ON articles_taggeditem;
DROP FUNCTION IF EXISTS articles_item_visibility_to_links();
DROP FUNCTION IF EXISTS articles_link_visibility_from_item();
"""

SQLITE_COPY = """
UPDATE articles_taggeditem
   SET (status, published_at, unpublish_at) = (
       SELECT item.status, item.published_at, item.unpublish_at
         FROM articles_item AS item WHERE item.id = articles_taggeditem.content_object_id)
"""

SQLITE_DIFFERS = """
    NEW.status IS NOT (SELECT status FROM articles_item WHERE id = NEW.content_object_id)
    OR NEW.published_at IS NOT (SELECT published_at FROM articles_item WHERE id = NEW.content_object_id)
    OR NEW.unpublish_at IS NOT (SELECT unpublish_at FROM articles_item WHERE id = NEW.content_object_id)
"""

SQLITE_TRIGGERS = [
    """
CREATE TRIGGER articles_item_visibility
    AFTER UPDATE OF status, published_at, unpublish_at ON articles_item
    FOR EACH ROW
    WHEN OLD.status IS NOT NEW.status
         OR OLD.published_at IS NOT NEW.published_at
         OR OLD.unpublish_at IS NOT NEW.unpublish_at
BEGIN
    UPDATE articles_taggeditem
       SET status = NEW.status, published_at = NEW.published_at, unpublish_at = NEW.unpublish_at
     WHERE content_object_id = NEW.id;
END
""",
    f"""
CREATE TRIGGER articles_link_visibility_insert
    AFTER INSERT ON articles_taggeditem
    FOR EACH ROW WHEN NEW.status IS NULL
BEGIN
    {SQLITE_COPY} WHERE id = NEW.id;
END
""",
    f"""
CREATE TRIGGER articles_link_visibility_update
    AFTER UPDATE OF status, published_at, unpublish_at, content_object_id ON articles_taggeditem
    FOR EACH ROW WHEN {SQLITE_DIFFERS}
BEGIN
    {SQLITE_COPY} WHERE id = NEW.id;
END
""",
]

SQLITE_DROP_TRIGGERS = [
    "DROP TRIGGER IF EXISTS articles_item_visibility",
    "DROP TRIGGER IF EXISTS articles_link_visibility_insert",
    "DROP TRIGGER IF EXISTS articles_link_visibility_update",
]

# Porter stemming over unicode61 (Unicode case folding, accents removed): close to
# PostgreSQL's 'english' configuration, which stems too.
SQLITE_FTS = [
    """
CREATE VIRTUAL TABLE articles_item_fts USING fts5(
    title, teaser, content='articles_item', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
)
""",
    """
CREATE TRIGGER articles_item_fts_insert AFTER INSERT ON articles_item BEGIN
    INSERT INTO articles_item_fts (rowid, title, teaser) VALUES (NEW.id, NEW.title, NEW.teaser);
END
""",
    """
CREATE TRIGGER articles_item_fts_delete AFTER DELETE ON articles_item BEGIN
    INSERT INTO articles_item_fts (articles_item_fts, rowid, title, teaser)
    VALUES ('delete', OLD.id, OLD.title, OLD.teaser);
END
""",
    """
CREATE TRIGGER articles_item_fts_update AFTER UPDATE OF id, title, teaser ON articles_item
    WHEN OLD.id IS NOT NEW.id OR OLD.title IS NOT NEW.title OR OLD.teaser IS NOT NEW.teaser
BEGIN
    INSERT INTO articles_item_fts (articles_item_fts, rowid, title, teaser)
    VALUES ('delete', OLD.id, OLD.title, OLD.teaser);
    INSERT INTO articles_item_fts (rowid, title, teaser) VALUES (NEW.id, NEW.title, NEW.teaser);
END
""",
    "INSERT INTO articles_item_fts (articles_item_fts) VALUES ('rebuild')",
]

SQLITE_DROP_FTS = [
    "DROP TRIGGER IF EXISTS articles_item_fts_insert",
    "DROP TRIGGER IF EXISTS articles_item_fts_delete",
    "DROP TRIGGER IF EXISTS articles_item_fts_update",
    "DROP TABLE IF EXISTS articles_item_fts",
]


def create_triggers(apps, schema_editor):
    """Fill every link's copies from its item, then keep them with triggers."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_BACKFILL)
        schema_editor.execute(PG_TRIGGERS)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_COPY)
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(f"no visibility triggers for {vendor}")


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP_TRIGGERS)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP_TRIGGERS:
            schema_editor.execute(statement)


def sqlite_has_fts5(connection):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA compile_options")
        return "ENABLE_FTS5" in {row[0] for row in cursor.fetchall()}


def create_fts(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite" and sqlite_has_fts5(connection):
        for statement in SQLITE_FTS:
            schema_editor.execute(statement)


def drop_fts(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP_FTS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0006_importrun_status_choices'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='taggeditem',
            name='published_at',
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='taggeditem',
            name='status',
            field=models.CharField(editable=False, max_length=10, null=True),
        ),
        migrations.AddField(
            model_name='taggeditem',
            name='unpublish_at',
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
        migrations.AddIndex(
            model_name='item',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['-published_at', 'id', 'unpublish_at'], name='articles_item_published_order'),
        ),
        # One index of a tag's page order for writers and readers alike, holding what the reading
        # rule compares: SQLite's planner picks it for a tag page (it did not pick a partial one
        # beside the plain (tag, position) index), and an offset is counted in the index alone.
        migrations.RemoveIndex(
            model_name='taggeditem',
            name='articles_taggeditem_page_order',
        ),
        migrations.AddIndex(
            model_name='taggeditem',
            index=models.Index(fields=['tag', 'position', 'id', 'status', 'published_at', 'unpublish_at'], name='articles_link_page_order'),
        ),
        migrations.AddIndex(
            model_name='taggeditem',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['tag', '-published_at', 'content_object', 'unpublish_at'], name='articles_link_published_latest'),
        ),
        migrations.RunPython(create_fts, drop_fts, elidable=False),
    ]
