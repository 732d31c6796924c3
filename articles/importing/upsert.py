"""An entry of a digest against the item it means: identity, and what the entry does to it.

Idempotent: an item is found again by its import key (its first title, case and spacing
ignored). An item an editor has changed is never overwritten: a differing wire copy is a
conflict, and the editor's version stays.
"""

import hashlib
import re
import unicodedata

from ..models import PARAGRAPH_SEPARATOR, ImportChange, Item, WireCopy
from .changes import ItemBefore
from .reports import Outcome

_WHITESPACE = re.compile(r"\s+")


def item_import_key(title):
    """An item's identity across imports: its title with case and spacing ignored."""
    normalized = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", title)).strip().casefold()
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def content_hash(title, teaser):
    return hashlib.sha256(f"{title}\n{teaser}".encode()).hexdigest()


def entry_teaser(entry):
    return PARAGRAPH_SEPARATOR.join(entry.paragraphs)


def upsert(items, key, entry, *, status, now, new_items):
    """The item for an entry and what the entry does to it (in memory only).

    items: the known items by import key, to which a created item is added.
    """
    teaser = entry_teaser(entry)
    incoming_hash = content_hash(entry.title, teaser)
    item = items.get(key)
    if item is None:
        item = items[key] = Item(
            title=entry.title,
            teaser=teaser,
            import_key=key,
            import_hash=incoming_hash,
            imported_at=now,
            status=status,
            published_at=now if status == Item.Status.PUBLISHED else None,
        )
        new_items.append(item)
        return item, Outcome.CREATED
    if item.import_hash == incoming_hash:
        return item, Outcome.UNCHANGED
    if item.is_edited:
        return item, Outcome.CONFLICT
    # What was there before the batch's first update of the item: what an undo restores.
    item._before_update = getattr(item, "_before_update", None) or ItemBefore.of(item)
    item.title, item.teaser = entry.title, teaser
    item.import_hash, item.imported_at = incoming_hash, now
    return item, Outcome.UPDATED


def wire_copy(item, entry, *, report, run, now):
    """The wire's copy of an entry that met an editor's change, as conflicts.keep_wire_copies
    writes it beside the item (report: the FileReport of the entry's file)."""
    teaser = entry_teaser(entry)
    return WireCopy(
        item=item,
        title=entry.title,
        teaser=teaser,
        wire_hash=content_hash(entry.title, teaser),
        digest_name=report.name,
        tag_name=report.tag,
        run=run,
        received_at=now,
    )


def note_update(updates, changes, item):
    """One change record an item a batch: what was there before its first update, and (for
    the undo) the hash of what the batch finally wrote."""
    change = updates.get(item.pk)
    if change is None:
        updates[item.pk] = change = changes.add(
            ImportChange.Kind.ITEM_UPDATED, item=item, before=item._before_update.to_json()
        )
    if change is not None:
        change.before["after_hash"] = item.import_hash
        change.title = item.title
