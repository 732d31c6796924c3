"""Deleting tags, recorded so that each deletion can be undone (tag_undo.undo_deletion).

A deleted tag leaves its items (they lose the tag only) and its digests: the digest rows
stay as the history of what was imported, naming the tag by the header's spelling
(``Digest.tag_name``), with no tag. The record (TagDeletion) keeps the tag as it was, with
its items' positions, aliases, old URLs and digests.

Orphans, tags with no item and no digest, can go in bulk. Unlike taggit's
``remove_orphaned_tags``, which looks at taggit's own through table and so deletes tags in
use with custom models (shared/STYLE.md 8.4), the test runs on our tables in the very
statement that selects what to delete, under a lock, so a tag linked meanwhile stays.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef

from . import reader_cache
from .history import record_revisions
from .models import Digest, Item, Tag, TagDeletion, TaggedItem
from .tag_records import snapshot_tags


@dataclass
class DeletionPlan:
    """What deleting the tags would do, for the confirmation page."""

    tags: list[Tag]
    items_untagged: int  # items that lose at least one of the tags
    items_left_without_tags: int  # items whose only tags these are
    digests: int  # digest rows kept as history, without their tag


def plan_deletion(tags):
    tags = list(tags)
    links = TaggedItem.objects.filter(tag__in=tags)
    other_tag = TaggedItem.objects.filter(content_object=OuterRef("content_object")).exclude(
        tag__in=tags
    )
    counts = links.aggregate(
        items=Count("content_object", distinct=True),
        alone=Count("content_object", distinct=True, filter=~Exists(other_tag)),
    )
    return DeletionPlan(
        tags,
        items_untagged=counts["items"],
        items_left_without_tags=counts["alone"],
        digests=Digest.objects.filter(tag__in=tags).count(),
    )


@transaction.atomic
def delete_tags(tags, *, actor=None):
    """Delete the tags, each recorded as a TagDeletion (returned, in the tags' order).

    A fixed number of queries whatever the number of tags and items."""
    ids = sorted(tag.pk for tag in tags)
    locked = list(Tag.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if not locked:
        return []
    alone = _items_alone(locked)
    snapshots = snapshot_tags(locked)
    records = [
        TagDeletion(
            tag_id=snapshot.id,
            name=snapshot.name,
            snapshot=snapshot.to_json(),
            items_untagged=len(snapshot.links),
            items_left_without_tags=len(alone.get(snapshot.id, ())),
            actor=actor,
        )
        for snapshot in snapshots
    ]
    reader_cache.tags_removed(locked)  # while the items still have them
    # The digests stay, as history (PROTECT: nothing else may unset their tag).
    Digest.objects.filter(tag__in=locked).update(tag=None)
    Tag.objects.filter(pk__in=ids).delete()  # its links, aliases and old slugs with it
    TagDeletion.objects.bulk_create(records)
    # Each item that lost a tag has a revision with the tags it has left.
    record_revisions(
        [Item(pk=pk) for pk in sorted({pk for one in snapshots for pk in one.item_ids})],
        history_type="~",
        when=records[0].deleted_at,
        user=actor,
        reason=f"Tag deleted: {', '.join(one.name for one in snapshots)}"[:100],
    )
    return records


def _items_alone(tags):
    """{tag id: ids of its items that have no tag but these}."""
    other_tag = TaggedItem.objects.filter(content_object=OuterRef("content_object")).exclude(
        tag__in=tags
    )
    alone = {}
    rows = TaggedItem.objects.filter(tag__in=tags).filter(~Exists(other_tag))
    for tag_id, item_id in rows.values_list("tag_id", "content_object_id"):
        alone.setdefault(tag_id, []).append(item_id)
    return alone


def orphans(queryset):
    """The tags of queryset with no item and no digest."""
    return queryset.filter(
        ~Exists(TaggedItem.objects.filter(tag=OuterRef("pk"))),
        ~Exists(Digest.objects.filter(tag=OuterRef("pk"))),
    )


@transaction.atomic
def delete_orphans(queryset, *, actor=None):
    """Delete the tags of queryset that have no item and no digest, each recorded (their
    aliases and old URLs come back with an undo); returns the records."""
    # Locked, then tested again: a tag linked or named by a digest meanwhile is not deleted.
    candidates = list(orphans(queryset).values_list("pk", flat=True))
    locked = Tag.objects.select_for_update().filter(pk__in=candidates).order_by("pk")
    return delete_tags(list(orphans(locked)), actor=actor)
