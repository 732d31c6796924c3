"""Undoing an import run: remove what it created, restore what it changed.

An item an editor touched after the run started is kept as it is (and listed as kept), and so
is an item a later import changed again: undoing must never throw away someone's later work.
The undo happens in one transaction and is logged as an ImportRun of its own (origin "undo").
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models.deletion import Collector
from django.utils import timezone

from .. import locks, reader_cache
from ..history import record_revisions, remember_for_deletion
from ..models import (
    Digest,
    DigestEntry,
    ImportChange,
    ImportRun,
    Item,
    Tag,
    TaggedItem,
    WireCopy,
)
from ..tag_services import find_tag
from .changes import WRITTEN_FIELDS, DigestBefore, ItemBefore, kept_before, written_hash

Kind = ImportChange.Kind


class KeepReason(StrEnum):
    """Why an undo leaves an item as it is."""

    EDITED_SINCE = "edited by an editor since the import"
    CHANGED_BY_LATER_IMPORT = "changed by a later import"


@dataclass
class UndoPlan:
    run: ImportRun
    remove: list[Item] = field(default_factory=list)  # items the run created
    restore: list[tuple[Item, ItemBefore]] = field(default_factory=list)  # items it updated
    kept: list[tuple[Item, KeepReason]] = field(default_factory=list)
    unlink: list[tuple[Item, int]] = field(default_factory=list)  # (item, tag id) it linked
    digests_removed: list[int] = field(default_factory=list)
    digests_restored: list[tuple[int, DigestBefore]] = field(default_factory=list)
    tags_created: list[int] = field(default_factory=list)  # removed when left unused


def check_undoable(run):
    if run.origin == ImportRun.Origin.UNDO:
        raise ValidationError("expected an import run, found an undo (it cannot be undone)")
    if ImportRun.objects.filter(undo_of=run).exists():
        raise ValidationError(f"expected a run not undone yet, found {run} undone already")
    if run.finished_at is None:
        raise ValidationError(f"expected a finished run, found {run} still running")


def plan_undo(run):
    """What undo_run would do now: the confirmation page shows it, undo_run carries it out."""
    changes = list(run.changes.select_related("item").order_by("id"))
    plan = UndoPlan(run)
    kept_ids = set()

    def edited_since(item):
        return item.edited_at is not None and item.edited_at >= run.started_at

    def reason_to_keep(item, written):
        if edited_since(item):
            return KeepReason.EDITED_SINCE
        if item.import_hash != written:
            return KeepReason.CHANGED_BY_LATER_IMPORT
        return None

    for change in changes:
        item = change.item
        if change.kind in (Kind.ITEM_CREATED, Kind.ITEM_UPDATED) and item is not None:
            why = reason_to_keep(item, written_hash(change))
            if why is not None:
                plan.kept.append((item, why))
                kept_ids.add(item.pk)
            elif change.kind == Kind.ITEM_CREATED:
                plan.remove.append(item)
            else:
                plan.restore.append((item, ItemBefore.from_json(change.before)))
        elif change.kind == Kind.DIGEST_CREATED:
            plan.digests_removed.append(change.object_id)
        elif change.kind == Kind.DIGEST_REPLACED:
            plan.digests_restored.append((change.object_id, DigestBefore.from_json(change.before)))
        elif change.kind == Kind.TAG_CREATED:
            plan.tags_created.append(change.object_id)
    for change in changes:
        if change.kind == Kind.TAG_LINKED and change.item is not None:
            if edited_since(change.item):
                if change.item.pk not in kept_ids:
                    plan.kept.append((change.item, KeepReason.EDITED_SINCE))
                    kept_ids.add(change.item.pk)
            else:
                plan.unlink.append((change.item, change.object_id))
    return plan


@transaction.atomic
def undo_run(run, *, user=None):
    """Undo run now; returns the ImportRun that logs the undo."""
    # Never in the middle of an import's batch: what the undo reads stays true until it ends.
    locks.hold([locks.IMPORTS])
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    check_undoable(run)
    plan = plan_undo(run)
    now = timezone.now()
    reason = f"Undo of import #{run.pk}"
    undo = ImportRun.objects.create(
        user=user, origin=ImportRun.Origin.UNDO, undo_of=run, started_at=now, status=run.status
    )
    log = []
    # Readers' pages of what the undo changes are dropped when it commits.
    reader_cache.items_retagged([item for item, _ in plan.unlink], {t for _, t in plan.unlink})
    reader_cache.items_edited([item for item, _ in plan.restore])
    reader_cache.items_deleted(plan.remove)

    for item, tag_id in plan.unlink:
        TaggedItem.objects.filter(content_object=item, tag_id=tag_id).delete()

    restored = []
    for item, before in plan.restore:
        before.restore(item)
        restored.append(item)
        log.append(ImportChange(run=undo, kind=Kind.ITEM_RESTORED, item=item, title=item.title))
    Item.objects.bulk_update(restored, WRITTEN_FIELDS)
    # One revision, with its tags, of each item restored or untagged (and not removed).
    removed = {item.pk for item in plan.remove}
    revised = {item.pk: item for item, _ in plan.unlink if item.pk not in removed}
    revised.update((item.pk, item) for item in restored)
    record_revisions(list(revised.values()), history_type="~", when=now, user=user, reason=reason)

    # The wire copies the run kept are what it brought: they go with it. (A copy an earlier
    # run kept was replaced by this run's and does not come back: the conflict closes.)
    WireCopy.objects.filter(run=run).delete()

    for digest_id, before in plan.digests_restored:
        _restore_digest(digest_id, before)
    Digest.objects.filter(pk__in=plan.digests_removed).delete()

    if plan.remove:
        remember_for_deletion(plan.remove)
        for item in plan.remove:
            # Read by simple-history's post_delete handler: the deletion's revision says why.
            item._change_reason = reason
            item._history_user = user
            log.append(
                ImportChange(run=undo, kind=Kind.ITEM_REMOVED, title=item.title, object_id=item.pk)
            )
        collector = Collector(using=router.db_for_write(Item))
        collector.collect(plan.remove)
        collector.delete()

    for item, why in plan.kept:
        log.append(
            ImportChange(
                run=undo, kind=Kind.ITEM_KEPT, item=item, title=item.title, before=kept_before(why)
            )
        )
    if plan.tags_created:
        unused = Tag.objects.filter(
            pk__in=plan.tags_created, tagged_items__isnull=True, digests__isnull=True
        )
        Tag.objects.filter(pk__in=list(unused.values_list("pk", flat=True))).delete()
    ImportChange.objects.bulk_create(log)

    undo.removed = len(plan.remove)
    undo.restored = len(plan.restore)
    undo.kept = len(plan.kept)
    undo.finished_at = timezone.now()
    undo.save()
    return undo


def _tag_now(before):
    """The id of the digest's tag as it was, or of the tag its name finds now: the tag may
    have been merged (its name is the target's alias) or deleted since (None: the digest
    stays as history under its name)."""
    if before.tag_id is not None and Tag.objects.filter(pk=before.tag_id).exists():
        return before.tag_id
    found = find_tag(before.tag_name, slugs=False)
    return found.pk if found is not None else None


def _restore_digest(digest_id, before):
    digest = Digest.objects.filter(pk=digest_id).first()
    if digest is None:
        return
    digest.name, digest.tag_id, digest.tag_name = before.name, _tag_now(before), before.tag_name
    digest.page, digest.run_id, digest.imported_at = before.page, before.run_id, before.imported_at
    digest.save()
    digest.entries.all().delete()
    item_ids = [item_id for _, item_id in before.entries]
    existing = set(Item.objects.filter(pk__in=item_ids).values_list("pk", flat=True))
    DigestEntry.objects.bulk_create(
        DigestEntry(digest=digest, item_id=item_id, position=position)
        for position, item_id in before.entries
        if item_id in existing
    )
