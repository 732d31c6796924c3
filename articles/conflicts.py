"""Conflicts between an editor's version of an item and the wire's: kept by imports, shown
with a word-level diff, resolved by the editor (keep mine, take the wire's).

An import that meets an item an editor changed keeps the editor's version (importing.upsert)
and the wire's copy beside it (``keep_wire_copies``, one statement a batch). The editor then
keeps theirs (the copy closes, and stays closed while the wire sends the same text) or takes
the wire's (an editor's save through ``editing.save_item``: a revision, readers' pages
dropped). The admin's conflict page and bulk actions call these.
"""

import difflib
import re
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from . import editing
from .models import WireCopy

# What an import writes again when the wire changes once more: the resolution fields stay,
# so the copy is open exactly when its new hash is not the one resolved.
_WIRE_FIELDS = ["title", "teaser", "wire_hash", "digest_name", "tag_name", "run", "received_at"]
# Words and the spaces between them (line breaks, non-breaking spaces), kept as they are.
_TOKENS = re.compile(r"\s+|\S+")


def keep_wire_copies(copies):
    """Write the wire copies (unsaved WireCopy, one an item) in one statement a batch: a new
    item's copy is inserted, a known one's replaced (INSERT … ON CONFLICT DO UPDATE)."""
    if copies:
        WireCopy.objects.bulk_create(
            copies, update_conflicts=True, unique_fields=["item"], update_fields=_WIRE_FIELDS
        )


def open_conflict_count():
    """How many items have an open conflict (the dashboard's figure): one COUNT."""
    return WireCopy.objects.open().count()


# --- The diff ------------------------------------------------------------------------------


class Op(StrEnum):
    SAME = "same"
    DELETED = "del"  # only in the editor's version
    INSERTED = "ins"  # only in the wire's


@dataclass(frozen=True)
class Segment:
    op: Op
    text: str


@dataclass(frozen=True)
class FieldDiff:
    """One field side by side: the editor's text with what the wire lacks marked deleted,
    the wire's with what it adds marked inserted."""

    field: str
    mine: list
    wire: list

    @property
    def differs(self):
        return any(segment.op != Op.SAME for segment in (*self.mine, *self.wire))


def word_diff(field, mine, wire):
    """A FieldDiff of two texts, word by word (difflib), spaces kept. Segments are plain
    text for the template to escape: nothing here is markup."""
    old, new = _TOKENS.findall(mine), _TOKENS.findall(wire)
    left, right = [], []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            text = "".join(old[i1:i2])
            left.append(Segment(Op.SAME, text))
            right.append(Segment(Op.SAME, text))
            continue
        if i2 > i1:
            left.append(Segment(Op.DELETED, "".join(old[i1:i2])))
        if j2 > j1:
            right.append(Segment(Op.INSERTED, "".join(new[j1:j2])))
    return FieldDiff(field, left, right)


def conflict_diffs(item, copy):
    """The title and the teaser of the editor's version against the wire's."""
    return [
        word_diff("title", item.title, copy.title),
        word_diff("teaser", item.teaser, copy.teaser),
    ]


# --- Resolving -----------------------------------------------------------------------------


class Resolution(StrEnum):
    KEEP_MINE = "keep"
    TAKE_WIRE = "take"


def _close(copies, resolution, *, user, now):
    ids = [copy.pk for copy in copies]
    WireCopy.objects.filter(pk__in=ids).update(
        resolved_hash=F("wire_hash"), resolution=resolution, resolved_by=user, resolved_at=now
    )


@transaction.atomic
def keep_mine(items, *, user):
    """Close the open conflicts of items (a queryset or list): the editor's version stays
    and the same wire text imported again does not reopen them. Returns the items closed.
    Three queries whatever their number."""
    copies = list(_open_copies(items))
    _close(copies, WireCopy.Resolution.KEPT, user=user, now=timezone.now())
    return [copy.item for copy in copies]


@transaction.atomic
def take_wire(items, *, user):
    """Apply the wire's title and teaser to the items with an open conflict, each as an
    editor's save (editing.save_item: a revision, the readers' pages dropped), and close
    the conflicts. Returns the items changed."""
    copies = list(_open_copies(items))
    for copy in copies:
        item = copy.item
        item.title, item.teaser = copy.title, copy.teaser
        item._change_reason = "Took the wire's version"
        item._history_user = user
        editing.save_item(item, list(item.tags.all()), user=user)
    _close(copies, WireCopy.Resolution.TAKEN, user=user, now=timezone.now())
    return [copy.item for copy in copies]


def resolve(item, resolution, *, user):
    """One item's conflict resolved as the editor chose (the conflict page)."""
    if Resolution(resolution) == Resolution.TAKE_WIRE:
        return take_wire([item], user=user)
    return keep_mine([item], user=user)


def _open_copies(items):
    ids = items.values("pk") if isinstance(items, QuerySet) else [item.pk for item in items]
    # Locked: two editors resolving the same conflict at once do it once.
    return (
        WireCopy.objects.open()
        .filter(item_id__in=ids)
        .select_related("item")
        .select_for_update(of=("self",))
        .order_by("item_id")
    )
