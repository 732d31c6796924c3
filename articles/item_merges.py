"""Merging a duplicate story into the one kept, and undoing it.

A merge keeps one item and removes the other. The kept item gets what the removed one had:
its tags (at the removed item's places on those tag pages, where the kept item lacked
them), its digest entries and import keys (so that the wire's next copy of the story is
the kept item's, not a new item: ``merged_into``), its URLs (they answer with a 301 to the
kept item: ItemOldSlug). Both histories record it: the removed item's deletion revision
(with its tags and places, as any deletion) and a revision of the kept item. ``undo_merge``
gives both back as they were, the removed item with its id, URL, tags at their places,
digest entries, import key and duplicate flags.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import duplicates, reader_cache
from .editing import restore_entries, restore_old_slugs
from .history import Places, reason_naming, record_revisions, remember_for_deletion
from .models import (
    DigestEntry,
    DuplicateCandidate,
    ImportChange,
    Item,
    ItemMerge,
    ItemOldSlug,
    MergedImportKey,
    Tag,
    TaggedItem,
)
from .tag_pages import put_back

# What an import reads of the item standing for a merged story (importing.apply).
MERGED_ITEM_FIELDS = ("id", "import_key", "import_hash", "edited_at", "title", "slug")


def merged_into(keys):
    """{import key: the item it was merged into} for those of keys that were merged: one
    query (none without keys)."""
    keys = list(keys)
    if not keys:
        return {}
    rows = (
        Item.objects.filter(merged_keys__import_key__in=keys)
        .annotate(merged_key=F("merged_keys__import_key"))
        .only(*MERGED_ITEM_FIELDS)
    )
    return {item.merged_key: item for item in rows}


def _both(kept, removed):
    if kept.pk == removed.pk:
        raise ValidationError("expected two different items, found the same one twice")
    locked = Item.objects.select_for_update().filter(pk__in=[kept.pk, removed.pk])
    found = {item.pk: item for item in locked.order_by("pk")}
    if len(found) != 2:
        raise ValidationError("expected both items, found one of them deleted since")
    return found[kept.pk], found[removed.pk]


@transaction.atomic
def merge_items(kept, removed, *, user=None, now=None):
    """Merge removed into kept (see the module's docstring); returns the ItemMerge."""
    now = now or timezone.now()
    kept, removed = _both(kept, removed)
    kept_tags = set(TaggedItem.objects.filter(content_object=kept).values_list("tag_id", flat=True))
    removed_tags = set(
        TaggedItem.objects.filter(content_object=removed).values_list("tag_id", flat=True)
    )
    moved = {
        "tags": sorted(removed_tags - kept_tags),
        "entries": list(DigestEntry.objects.filter(item=removed).values_list("pk", flat=True)),
        "old_slugs": list(ItemOldSlug.objects.filter(item=removed).values_list("slug", flat=True)),
        "import_keys": list(
            MergedImportKey.objects.filter(item=removed).values_list("import_key", flat=True)
        ),
        "import_changes": list(
            ImportChange.objects.filter(item=removed).values_list("pk", flat=True)
        ),
        "candidates": [
            [row.item_id, row.other_id, row.score, row.status, row.found_at.isoformat()]
            for row in DuplicateCandidate.objects.involving(removed)
        ],
    }
    # Before anything moves: the pages of both and of their tags, the removed item's places.
    reader_cache.items_deleted([removed])
    reader_cache.items_retagged([kept], moved["tags"])
    remember_for_deletion([removed])

    TaggedItem.objects.filter(content_object=removed, tag_id__in=moved["tags"]).update(
        content_object=kept
    )
    DigestEntry.objects.filter(item=removed).update(item=kept)
    ItemOldSlug.objects.filter(item=removed).update(item=kept)
    ItemOldSlug.objects.create(item=kept, slug=removed.slug, retired_at=now)
    MergedImportKey.objects.filter(item=removed).update(item=kept)
    if removed.import_key:
        MergedImportKey.objects.create(import_key=removed.import_key, item=kept)

    removed_pk = removed.pk
    removed._history_user = user
    removed._change_reason = reason_naming("Merged into “", kept.title, f"” (#{kept.pk})")
    removed.delete()
    revision = Item.history.filter(id=removed_pk, history_type="-").latest("history_id")
    reason = reason_naming("Merged “", removed.title, "” into it")
    record_revisions([kept], history_type="~", when=now, user=user, reason=reason)
    return ItemMerge.objects.create(
        kept=kept,
        removed_id=removed_pk,
        removed_title=removed.title,
        removed_slug=removed.slug,
        removed_revision=revision.history_id,
        moved=moved,
        actor=user,
        merged_at=now,
    )


@transaction.atomic
def undo_merge(merge, *, user=None, now=None):
    """Give back both items as they were before the merge; returns the restored item.

    Work done since on the kept item stays, except what the merge gave it: the tags it got
    from the removed item, its entries, URLs and import keys go back to the removed one."""
    now = now or timezone.now()
    merge = ItemMerge.objects.select_for_update().select_related("kept").get(pk=merge.pk)
    if merge.undone_at is not None:
        raise ValidationError("expected a merge not undone yet, found it undone already")
    if Item.objects.filter(pk=merge.removed_id).exists():
        raise ValidationError(
            f"expected “{merge.removed_title}” still merged, found it restored since"
        )
    kept, moved = merge.kept, merge.moved
    revision = Item.history.get(history_id=merge.removed_revision)
    places = Places.from_json(revision.places)

    reader_cache.items_retagged([kept], moved["tags"])
    TaggedItem.objects.filter(content_object=kept, tag_id__in=moved["tags"]).delete()
    DigestEntry.objects.filter(pk__in=moved["entries"], item=kept).delete()
    ItemOldSlug.objects.filter(
        item=kept, slug__in=[merge.removed_slug, *moved["old_slugs"]]
    ).delete()
    keys = [*moved["import_keys"], *([revision.import_key] if revision.import_key else [])]
    MergedImportKey.objects.filter(item=kept, import_key__in=keys).delete()

    item = revision.instance
    Item.objects.bulk_create([item])
    # bulk_create stamps the auto_now fields with now: the item's own times back.
    Item.objects.filter(pk=item.pk).update(created_at=item.created_at, updated_at=item.updated_at)
    MergedImportKey.objects.bulk_create(
        MergedImportKey(import_key=key, item=item) for key in moved["import_keys"]
    )
    tags = set(
        Tag.objects.filter(pk__in=[tag for tag, _ in places.links]).values_list("pk", flat=True)
    )
    put_back((tag, item.pk, position) for tag, position in places.links if tag in tags)
    restore_entries(item, places)
    restore_old_slugs(item, places)
    ImportChange.objects.filter(pk__in=moved["import_changes"], item__isnull=True).update(item=item)
    _restore_candidates(moved["candidates"])
    duplicates.store_keys([item])

    reader_cache.items_retagged([item], tags)
    reason = reason_naming("Merge into “", kept.title, "” undone")
    record_revisions([item], history_type="+", when=now, user=user, reason=reason)
    reason = reason_naming("Merge of “", item.title, "” undone")
    record_revisions([kept], history_type="~", when=now, user=user, reason=reason)
    merge.undone_at, merge.undone_by = now, user
    merge.save(update_fields=["undone_at", "undone_by"])
    return item


def _restore_candidates(rows):
    existing = set(
        Item.objects.filter(pk__in={pk for row in rows for pk in row[:2]}).values_list(
            "pk", flat=True
        )
    )
    DuplicateCandidate.objects.bulk_create(
        (
            DuplicateCandidate(
                item_id=first, other_id=second, score=score, status=status, found_at=found_at
            )
            for first, second, score, status, found_at in rows
            if first in existing and second in existing
        ),
        ignore_conflicts=True,
    )
