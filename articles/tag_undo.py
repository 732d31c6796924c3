"""Undoing what editors did to tags: a merge, a rename, a deletion, each from its record.

An undo is one transaction and is itself recorded (TagUndo, one per operation). It gives back
what the record holds: the tags with their ids, names, slugs, descriptions, aliases, retired
slugs, digests, and their items at their places on their pages, so that the tags' pages and
``export_digest`` are as before the operation. Work done since is kept, never thrown away:

- An item tagged with a merge's target since the merge keeps the target and gets no source
  back; an item that lost the target since (an editor untagged it) stays as it is.
- An alias or retired slug another tag holds since stays with that tag.

An undo that later work builds on is refused, with the record to undo first: a later merge
into the same target (its items may have come through the first merge), a later rename of
the same tag, or a tag deleted since. Undoing those silently, in order, would throw away
other editors' decisions; the refusal names them, and undoing them first is one click each.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction

from . import reader_cache
from .history import record_revisions
from .importing.reports import plural
from .models import (
    Item,
    Tag,
    TagAlias,
    TagDeletion,
    TaggedItem,
    TagMerge,
    TagOldSlug,
    TagRename,
    TagUndo,
)
from .tag_names import tag_key
from .tag_records import TagSnapshot, conflicts, restore_tags


class KeepReason(StrEnum):
    """Why an undo leaves an item's tags as they are."""

    TAGGED_SINCE = "tagged since the merge: keeps the merged tag"
    UNTAGGED_SINCE = "untagged since the merge: stays without it"
    DELETED = "deleted since"


@dataclass
class MergeUndoPlan:
    """What undoing a merge would do now: the confirmation page shows it."""

    merge: TagMerge
    target: Tag
    snapshots: list[TagSnapshot]
    relink: dict[int, set[int]]  # source id: the items that get it back
    move_off_target: set[int]  # items that got the target from the merge: they lose it
    kept: dict[KeepReason, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def items_back(self):
        return len(set().union(*self.relink.values())) if self.relink else 0

    def note(self):
        parts = [f"{plural(count, 'item')} {why}" for why, count in self.kept.items() if count]
        return "; ".join(parts)


def _refuse(problems):
    if problems:
        raise ValidationError(problems)


def _later(model, record, **filters):
    """Records of model after record that are not undone."""
    return model.objects.filter(pk__gt=record.pk, undo__isnull=True, **filters).order_by("pk")


# --- Merges --------------------------------------------------------------------------------


def plan_merge_undo(merge):
    """What undo_merge would do now; ``problems`` says why it cannot, if it cannot."""
    if hasattr(merge, "undo"):
        raise ValidationError(f"expected a merge not undone yet, found “{merge}” undone already")
    snapshots = [TagSnapshot.from_json(source) for source in merge.sources]
    if None in snapshots:
        raise ValidationError(
            f"expected a merge recorded with its items' positions, found “{merge}” recorded "
            "before merges could be undone"
        )
    target = Tag.objects.filter(pk=merge.target_id).first()
    if target is None:
        raise ValidationError(
            f"expected the tag “{merge.target_name}” the merge went into, found it deleted "
            "since (undo its deletion first)"
        )
    later = _later(TagMerge, merge, target=target).first()
    if later is not None:
        raise ValidationError(
            f"expected the last merge into “{target.name}”, found a later one, “{later}”, "
            "whose items may have come through this one (undo it first)"
        )
    item_ids = {item_id for one in snapshots for item_id in one.item_ids}
    existing = set(Item.objects.filter(pk__in=item_ids).values_list("pk", flat=True))
    on_target = set(
        TaggedItem.objects.filter(tag=target, content_object_id__in=item_ids).values_list(
            "content_object_id", flat=True
        )
    )
    had_target = set(merge.target_had)
    plan = MergeUndoPlan(merge, target, snapshots, {}, on_target - had_target)
    plan.kept = {
        KeepReason.DELETED: len(item_ids - existing),
        KeepReason.UNTAGGED_SINCE: len(existing - on_target),
        KeepReason.TAGGED_SINCE: _tagged_since(merge, target),
    }
    plan.relink = {one.id: set(one.item_ids) & on_target for one in snapshots}
    plan.problems = conflicts(snapshots, holder=target)
    return plan


def _tagged_since(merge, target):
    """Items given the target after the merge: their links are newer than any it saw."""
    if merge.last_link_id is None:
        return 0
    return TaggedItem.objects.filter(tag=target, pk__gt=merge.last_link_id).count()


@transaction.atomic
def undo_merge(merge, *, actor=None):
    """Bring the merged tags back as they were before the merge; returns the TagUndo."""
    merge = TagMerge.objects.select_for_update().get(pk=merge.pk)
    list(Tag.objects.select_for_update().filter(pk=merge.target_id))  # gone: refused below
    plan = plan_merge_undo(merge)
    _refuse(plan.problems)
    target = plan.target
    TaggedItem.objects.filter(tag=target, content_object_id__in=plan.move_off_target).delete()
    restored = restore_tags(plan.snapshots, holder=target, items=plan.relink)
    if merge.description_taken and target.description == merge.description_taken:
        target.description = ""
        target.save(update_fields=["description"])
        reader_cache.tag_edited(target)
    # After the restore: the items have their tags back, and the cache drops what they show.
    reader_cache.tags_restored(restored.tags, holder=target)
    note = _note(plan.note(), restored)
    undo = TagUndo.objects.create(kind=TagUndo.Kind.MERGE, merge=merge, note=note, actor=actor)
    touched = set().union(plan.move_off_target, *plan.relink.values())
    _record_item_revisions(touched, undo, f"Merge into {merge.target_name} undone")
    return undo


def _note(kept, restored):
    parts = [kept] if kept else []
    if restored.skipped_aliases:
        parts.append(f"aliases kept by other tags since: {', '.join(restored.skipped_aliases)}")
    if restored.skipped_slugs:
        urls = ", ".join(f"/tags/{slug}/" for slug in restored.skipped_slugs)
        parts.append(f"old URLs kept by other tags since: {urls}")
    return "; ".join(parts)


# --- Renames -------------------------------------------------------------------------------


def check_rename_undoable(rename):
    """The renamed tag, if the rename can be undone now; else ValidationError, saying why."""
    if hasattr(rename, "undo"):
        raise ValidationError(f"expected a rename not undone yet, found “{rename}” undone already")
    tag = Tag.objects.filter(pk=rename.tag_id).first()
    if tag is None:
        raise ValidationError(
            f"expected the tag “{rename.new_name}”, found it deleted or merged since "
            "(undo that first)"
        )
    later = _later(TagRename, rename, tag=tag).first()
    if later is not None or tag.name != rename.new_name:
        raise ValidationError(
            f"expected “{tag.name}” as the rename left it, found it renamed again since"
            + (f" (“{later}”: undo that first)" if later else "")
        )
    key = tag_key(rename.old_name)
    other = Tag.objects.filter(name_key=key).exclude(pk=tag.pk).first()
    alias = TagAlias.objects.filter(name_key=key).exclude(tag=tag).select_related("tag").first()
    taken_by = other or (alias.tag if alias else None)
    if taken_by is not None:
        raise ValidationError(
            f"expected the name “{rename.old_name}” free, found it used by the tag "
            f"“{taken_by.name}” (rename or merge that tag first)"
        )
    if Tag.objects.filter(slug=rename.old_slug).exclude(pk=tag.pk).exists():
        raise ValidationError(f"expected the URL /tags/{rename.old_slug}/ free, found it taken")
    return tag


@transaction.atomic
def undo_rename(rename, *, actor=None):
    """Give the tag back its name, slug and aliases as before the rename; returns the TagUndo.

    The slug the rename gave stays as a retired slug (301): readers may have kept its URL.
    """
    rename = TagRename.objects.select_for_update().get(pk=rename.pk)
    list(Tag.objects.select_for_update().filter(pk=rename.tag_id))  # gone: refused below
    tag = check_rename_undoable(rename)
    if rename.old_name_kept_as_alias:
        TagAlias.objects.filter(tag=tag, name_key=tag_key(rename.old_name)).delete()
    if rename.new_slug != rename.old_slug:
        TagOldSlug.objects.filter(tag=tag, slug=rename.old_slug).delete()  # live again
        TagOldSlug.objects.get_or_create(slug=rename.new_slug, defaults={"tag": tag})
    tag.name, tag.slug = rename.old_name, rename.old_slug
    tag.save()
    if rename.new_name_was_alias:
        TagAlias.objects.create(tag=tag, name=rename.new_name)
    reader_cache.tag_renamed(tag)
    note = ""
    if rename.new_slug != rename.old_slug:
        note = f"/tags/{rename.new_slug}/ keeps redirecting to /tags/{tag.slug}/"
    return TagUndo.objects.create(kind=TagUndo.Kind.RENAME, rename=rename, note=note, actor=actor)


# --- Deletions -----------------------------------------------------------------------------


@dataclass
class DeletionUndoPlan:
    deletion: TagDeletion
    snapshot: TagSnapshot
    items_back: int
    items_deleted: int
    problems: list[str]


def plan_deletion_undo(deletion):
    if hasattr(deletion, "undo"):
        raise ValidationError(
            f"expected a deletion not undone yet, found “{deletion}” undone already"
        )
    snapshot = TagSnapshot.from_json(deletion.snapshot)
    existing = Item.objects.filter(pk__in=snapshot.item_ids).count()
    return DeletionUndoPlan(
        deletion,
        snapshot,
        items_back=existing,
        items_deleted=len(snapshot.item_ids) - existing,
        problems=conflicts([snapshot]),
    )


@transaction.atomic
def undo_deletion(deletion, *, actor=None):
    """Bring the deleted tag back as it was; returns the TagUndo."""
    deletion = TagDeletion.objects.select_for_update().get(pk=deletion.pk)
    plan = plan_deletion_undo(deletion)
    _refuse(plan.problems)
    existing = set(Item.objects.filter(pk__in=plan.snapshot.item_ids).values_list("pk", flat=True))
    restored = restore_tags([plan.snapshot], items={plan.snapshot.id: existing})
    reader_cache.tags_restored(restored.tags)
    kept = (
        f"{plural(plan.items_deleted, 'item')} {KeepReason.DELETED}" if plan.items_deleted else ""
    )
    undo = TagUndo.objects.create(
        kind=TagUndo.Kind.DELETION, deletion=deletion, note=_note(kept, restored), actor=actor
    )
    _record_item_revisions(existing, undo, f"Deletion of tag {deletion.name} undone")
    return undo


def _record_item_revisions(item_ids, undo, reason):
    """A revision of each item whose tags the undo changed, with its tags after it."""
    record_revisions(
        [Item(pk=pk) for pk in sorted(item_ids)],
        history_type="~",
        when=undo.undone_at,
        user=undo.actor,
        reason=reason[:100],
    )
