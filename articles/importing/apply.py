"""Applying parsed digests to the database: a batch of files as if one by one, in a fixed
number of queries whatever the number of files and items.

Every item written gets a revision in its history, and what the run created and changed is
recorded (changes.RunChanges) so that it can be undone.
"""

from django.db.models import Value

from .. import duplicates, reader_cache
from ..conflicts import keep_wire_copies
from ..history import record_revisions
from ..item_merges import merged_into
from ..models import ImportChange, Item, assign_slugs
from ..sql import copy_items, create_rows
from ..tag_names import tag_key
from ..tag_pages import TagPages
from ..tag_services import get_or_create_tags
from .changes import WRITTEN_FIELDS, RunChanges, created_before_sql
from .diffs import item_diff
from .provenance import record_digests
from .reports import FileStatus, ItemOutcome, Outcome
from .upsert import (
    content_hash,
    entry_teaser,
    item_import_key,
    note_update,
    upsert,
    wire_copy,
)


def apply_files(pending, *, run, status, now):
    """Apply parsed files (batches.Pending) in order; fills in each file's report."""
    changes = RunChanges(run)
    tags = _resolve_tags(pending, changes)
    files = [(one, tags[tag_key(one.digest.tag)], _unique_entries(one)) for one in pending]

    items = _known_items(files)
    merged = merged_into({key for *_, entries in files for key, _ in entries} - items.keys())
    new_items, changed_items, updates, wire_copies = [], {}, {}, {}
    outcomes = {}
    for one, _, entries in files:
        outcomes[one.report.name] = file_outcomes = []
        for key, entry in entries:
            if key in merged:  # a story an editor merged into another: that one stands for it
                file_outcomes.append((entry, merged[key], Outcome.UNCHANGED, None))
                continue
            before = _imported_text(items.get(key))
            item, outcome = upsert(items, key, entry, status=status, now=now, new_items=new_items)
            if outcome == Outcome.CONFLICT:
                changes.add(ImportChange.Kind.ITEM_CONFLICT, item=item)
                wire_copies[item.pk] = wire_copy(item, entry, report=one.report, run=run, now=now)
            elif outcome == Outcome.UPDATED and item.pk is not None:
                changed_items[item.pk] = item
                note_update(updates, changes, item)
            diff = None
            if outcome in (Outcome.UPDATED, Outcome.CONFLICT) and before is not None:
                diff = item_diff(*before, entry.title, entry_teaser(entry))
            file_outcomes.append((entry, item, outcome, diff))

    if new_items:
        assign_slugs(new_items)
        create_rows(Item, new_items)
        if run is not None:
            _record_created_changes(run, new_items)
    if changed_items:
        Item.objects.bulk_update(list(changed_items.values()), WRITTEN_FIELDS)
    new_ids = {item.pk for item in new_items}
    # The wire's side of each conflict, the batch's last copy an item (conflicts.py).
    keep_wire_copies(list(wire_copies.values()))

    pairs = {
        (tag.pk, item.pk) for one, tag, _ in files for _, item, *_ in outcomes[one.report.name]
    }
    page = TagPages({tag for _, tag, _ in files}, pairs, new_ids)
    linked_by_file = {}
    for one, tag, _ in files:
        # Once each: a merged story's item may be listed in the same digest as itself.
        ordered = list(dict.fromkeys(item for _, item, *_ in outcomes[one.report.name]))
        linked_by_file[one.report.name] = linked = page.link(tag, ordered, one.report.page)
        for item in ordered:
            # A created item's links go with it on undo; an existing item's are recorded.
            if item.pk in linked and item.pk not in new_ids:
                changes.add(ImportChange.Kind.TAG_LINKED, item=item, object_id=tag.pk)
    page.save()
    _drop_reader_pages(files, outcomes, changed_items, linked_by_file, new_ids)
    _record_revisions(run, now, new_items, changed_items, linked_by_file)
    duplicates.detect([*new_items, *changed_items.values()], replaced=changed_items)

    entry_rows = {
        name: [(position, item.pk) for position, (_, item, *_) in enumerate(rows, start=1)]
        for name, rows in outcomes.items()
    }
    recorded = record_digests(
        [(one, tag, entry_rows[one.report.name]) for one, tag, _ in files],
        run=run,
        now=now,
        changes=changes,
    )
    changes.save()

    for one, _, _ in files:
        report = one.report
        report.items = [
            ItemOutcome(entry.line, entry.title, outcome, item.pk, item.slug, diff)
            for entry, item, outcome, diff in outcomes[report.name]
        ]
        wrote = any(o.outcome in (Outcome.CREATED, Outcome.UPDATED) for o in report.items)
        wrote = wrote or linked_by_file[report.name] or report.name in recorded
        report.status = FileStatus.IMPORTED if wrote else FileStatus.UNCHANGED


# What an import reads of the items it finds: identity, whether to write, what to report. An
# item the import may update is read whole (its revision and undo record need every field).
KNOWN_ITEM_FIELDS = ("id", "import_key", "import_hash", "edited_at", "title", "slug")


def _drop_reader_pages(files, outcomes, changed_items, linked_by_file, new_ids):
    """What readers see changes where the batch wrote: items updated, items newly tagged,
    and those tags' pages; when the batch commits. Created items have no page to drop."""
    reader_cache.items_edited(changed_items.values())
    by_pk = {item.pk: item for rows in outcomes.values() for _, item, *_ in rows}
    linked_tags = {tag.pk for one, tag, _ in files if linked_by_file[one.report.name]}
    linked = {pk for ids in linked_by_file.values() for pk in ids}
    reader_cache.items_retagged([by_pk[pk] for pk in linked - new_ids], linked_tags)
    if linked & new_ids:
        reader_cache.items_added(linked_tags)


def _known_items(files):
    """The files' items already in the database, by import key.

    Most known items are unchanged (a forced re-read, an item listed again): for those only
    KNOWN_ITEM_FIELDS are read, no teaser and no times. Items whose wire copy differs from
    the last import are read again whole: to be updated, or (an editor's) for the diff of
    their conflict.

    The items of files imported before (a forced re-read) are read through those files'
    entries, by primary key: items imported together are neighbours in the table and its
    key's index, where their import keys (hashes) are spread over all of it, one page of the
    table and of the index each. Keys not found that way are looked up by key.
    """
    incoming = {}
    for _, _, entries in files:
        for key, entry in entries:
            incoming.setdefault(key, set()).add(content_hash(entry.title, entry_teaser(entry)))
    known = Item.objects.only(*KNOWN_ITEM_FIELDS)
    items = {}
    digests = [one.known.pk for one, _, _ in files if one.known is not None]
    if digests:
        for item in known.filter(digest_entries__digest__in=digests):
            if item.import_key in incoming:
                items[item.import_key] = item
    missing = [key for key in incoming if key not in items]
    if missing:
        items.update(known.in_bulk(missing, field_name="import_key"))
    differing = [item.pk for key, item in items.items() if incoming[key] - {item.import_hash}]
    if differing:
        # Locked until the batch commits, in id order: an editor's save that committed first
        # is read here (and wins: a conflict); one that comes later waits, then overwrites.
        # Edited items are read whole too, for their conflict's diff and wire copy.
        for item in Item.objects.filter(pk__in=differing).select_for_update().order_by("pk"):
            items[item.import_key] = item
    return items


def _imported_text(item):
    """(title, teaser) of a known item read whole (one the wire changes), else None: an item
    read with KNOWN_ITEM_FIELDS only is unchanged, and its teaser is never fetched."""
    if item is None or item.pk is None or "teaser" in item.get_deferred_fields():
        return None
    return item.title, item.teaser


def _record_created_changes(run, items):
    """The undo records of created items, copied by the database from the new rows, as the
    revisions are."""
    copy_items(
        ImportChange,
        ["run_id", "kind", "item_id", "title", "before"],
        items,
        Value(run.pk),
        Value(ImportChange.Kind.ITEM_CREATED.value),
        "pk",
        "title",
        created_before_sql(),
    )


def _resolve_tags(pending, changes):
    """Tags by key for the files' headers: one lookup for the batch's tags, then one creation
    per new tag."""
    tags = {}
    for key, (tag, created) in get_or_create_tags(one.digest.tag for one in pending).items():
        tags[key] = tag
        if created:
            changes.add(ImportChange.Kind.TAG_CREATED, object_id=tag.pk)
    return tags


def _unique_entries(pending):
    """One entry a key: a title repeated with other case or spacing is the same story."""
    entries, first_line = [], {}
    for entry in pending.digest.items:
        key = item_import_key(entry.title)
        if key in first_line:
            pending.report.warnings.append(
                f"{pending.report.name}:{entry.line}: duplicate title {entry.title!r} (same "
                f"story as line {first_line[key]}); kept the first"
            )
            continue
        first_line[key] = entry.line
        entries.append((key, entry))
    return entries


def _record_revisions(run, now, new_items, changed_items, linked_by_file):
    """Every item the batch wrote or tagged gets a revision with its tags, once its links are
    written: one INSERT for the created items, one for the others, whatever their number."""
    user = run.user if run is not None else None
    reason = f"Import #{run.pk}" if run is not None else "Import"
    record_revisions(new_items, history_type="+", when=now, user=user, reason=reason)
    new_ids = {item.pk for item in new_items}
    tagged = {pk for ids in linked_by_file.values() for pk in ids} - new_ids
    only_tagged = sorted(tagged - changed_items.keys())
    changed = [*changed_items.values(), *(Item(pk=pk) for pk in only_tagged)]
    record_revisions(changed, history_type="~", when=now, user=user, reason=reason)
