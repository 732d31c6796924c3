"""Item revisions beyond simple-history's fields: the names of the item's tags, where a
deleted item stood, and what changed between two revisions.

Taggit's manager is no ManyToManyField, so simple-history cannot track tags itself. Every
revision records the names of the item's tags as they are once the write is done:

- a single save (the admin's form, a revert) is told them by ``remember_tags``;
- bulk paths (imports, bulk actions, an import's undo, a tag merge) write their revisions
  with ``record_revisions``: one INSERT … SELECT for all the items, the names read by the
  database from the links;
- a deletion (``remember_for_deletion``) also keeps the item's *places*: its position on
  each tag page, its entries in the digests and its old slugs, so that restoring it puts it
  back where it was (``editing.save_item``).
"""

from dataclasses import dataclass

from django.db import connection, models
from django.db.models import BigIntegerField, DateTimeField, Value
from django.db.models.expressions import RawSQL
from django.utils.text import Truncator
from simple_history.signals import pre_create_historical_record


class ItemRevision(models.Model):
    """The extra columns of each item revision.

    tag_names: its tags' names, A to Z by code point. None only on revisions that imports,
    bulk actions and undos wrote before they recorded tags (before migration 0008): those say
    nothing about tags, and reverting to one leaves the item's tags as they are.
    places: on a deletion's revision, where the item stood (``Places.to_json``)."""

    tag_names = models.JSONField(null=True, blank=True)
    places = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True


@dataclass(frozen=True)
class Places:
    """Where an item stood when it was deleted: (tag id, position) on each tag page,
    (digest id, position) of each digest entry, and the slugs it had before (they redirect)."""

    links: tuple[tuple[int, int], ...]
    entries: tuple[tuple[int, int], ...]
    old_slugs: tuple[str, ...] = ()

    def to_json(self):
        return {
            "links": [list(row) for row in self.links],
            "entries": [list(row) for row in self.entries],
            "old_slugs": list(self.old_slugs),
        }

    @classmethod
    def from_json(cls, data):
        data = data or {}
        return cls(
            links=tuple((tag_id, position) for tag_id, position in data.get("links", [])),
            entries=tuple((digest_id, position) for digest_id, position in data.get("entries", [])),
            old_slugs=tuple(data.get("old_slugs", [])),
        )


# The length of a revision's reason (history_change_reason, migration 0003): PostgreSQL
# refuses a longer one, SQLite stores it.
REASON_LENGTH = 100


def reason_naming(before, title, after=""):
    """A revision's reason naming an item or a tag by title, within REASON_LENGTH: the title
    shortened with "…", so that what is said around it stays whole."""
    room = max(REASON_LENGTH - len(before) - len(after), 1)
    return f"{before}{Truncator(title).chars(room)}{after}"


def remember_tags(item, tags):
    """The next revision of item records these tags (instances) by name."""
    item._history_tag_names = sorted(tag.name for tag in tags)


def remember_for_deletion(items):
    """The deletion revisions of the items (deleted next) keep their tags and places: four
    queries whatever the number of items."""
    from .models import DigestEntry, ItemOldSlug, TaggedItem

    by_pk = {item.pk: item for item in items}
    names = {pk: [] for pk in by_pk}
    links = {pk: [] for pk in by_pk}
    entries = {pk: [] for pk in by_pk}
    rows = TaggedItem.objects.filter(content_object_id__in=list(by_pk)).order_by("tag_id")
    for pk, tag_id, name, position in rows.values_list(
        "content_object_id", "tag_id", "tag__name", "position"
    ):
        names[pk].append(name)
        links[pk].append((tag_id, position))
    rows = DigestEntry.objects.filter(item_id__in=list(by_pk)).order_by("digest_id")
    for pk, digest_id, position in rows.values_list("item_id", "digest_id", "position"):
        entries[pk].append((digest_id, position))
    old_slugs = {pk: [] for pk in by_pk}
    rows = ItemOldSlug.objects.filter(item_id__in=list(by_pk)).order_by("slug")
    for pk, slug in rows.values_list("item_id", "slug"):
        old_slugs[pk].append(slug)
    for pk, item in by_pk.items():
        item._history_tag_names = sorted(names[pk])
        places = Places(tuple(links[pk]), tuple(entries[pk]), tuple(old_slugs[pk]))
        item._history_places = places.to_json()


def _record_extras(sender, instance, history_instance, **kwargs):
    if not isinstance(history_instance, ItemRevision):
        return
    names = getattr(instance, "_history_tag_names", None)
    if names is not None:
        history_instance.tag_names = names
    places = getattr(instance, "_history_places", None)
    if places is not None and history_instance.history_type == "-":
        history_instance.places = places


pre_create_historical_record.connect(_record_extras, dispatch_uid="articles.history.tag_names")


def record_revisions(items, *, history_type, when, user=None, reason=None):
    """One revision of each item as the database has it now, its tags' names included, in
    one INSERT … SELECT: what simple-history's bulk helpers write, without a Python object a
    revision, and with the tags they cannot see. Call it once the items and their links are
    written."""
    from .models import Item
    from .sql import copy_items

    History = Item.history.model
    copied = [field.column for field in Item._meta.concrete_fields]
    history = [
        "history_date",
        "history_change_reason",
        "history_type",
        "history_user_id",
        "tag_names",
    ]
    copy_items(
        History,
        [*copied, *history],
        items,
        *copied,
        Value(when, output_field=DateTimeField()),
        Value(reason),
        Value(history_type),
        Value(user.pk if user is not None else None, output_field=BigIntegerField()),
        _tag_names_sql(),
    )


def _tag_names_sql():
    """The JSON array of the names of the tags of the item of the outer query, A to Z by code
    point (PostgreSQL's "C" collation, SQLite's binary one), as Python's sorted() has them."""
    from .models import Item, Tag, TaggedItem

    quote = connection.ops.quote_name
    item = f"{quote(Item._meta.db_table)}.{quote('id')}"
    links = quote(TaggedItem._meta.db_table)
    tags = quote(Tag._meta.db_table)
    joined = f"FROM {links} l JOIN {tags} t ON t.id = l.tag_id WHERE l.content_object_id = {item}"
    if connection.vendor == "postgresql":
        names = f'SELECT jsonb_agg(t.name ORDER BY t.name COLLATE "C") {joined}'
        sql = f"COALESCE(({names}), '[]'::jsonb)"
    else:
        # SQLite before 3.44 has no ORDER BY inside an aggregate: it keeps a subquery's order.
        names = f"SELECT t.name AS name {joined} ORDER BY t.name"
        sql = f"(SELECT json_group_array(name) FROM ({names}))"
    return RawSQL(sql, ())


def revision_changes(older, newer):
    """(field, before, after) for each field that differs between two revisions."""
    delta = newer.diff_against(older, excluded_fields=["updated_at"])
    changes = [(change.field, change.old, change.new) for change in delta.changes]
    before, after = older.tag_names, newer.tag_names
    if None not in (before, after) and sorted(before) != sorted(after):
        changes.append(("tags", ", ".join(sorted(before)), ", ".join(sorted(after))))
    return changes
