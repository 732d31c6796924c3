"""Where each item came from: a Digest row for each file's bytes, and its entries in order.

A file whose bytes were imported before under another name or tag replaces its Digest's
details (the change record keeps the old ones for an undo).
"""

from ..models import Digest, DigestEntry, ImportChange
from ..sql import insert_rows
from .changes import DigestBefore


def record_digests(files, *, run, now, changes):
    """Keep where each item came from; returns the names of the files that wrote anything.

    files: (pending, tag, [(position, item id), …]) for each file, in order.
    """
    known = [one.known for one, _, _ in files if one.known is not None]
    current = {digest.pk: [] for digest in known}
    if known:
        rows = DigestEntry.objects.filter(digest__in=known).order_by("digest_id", "position")
        for digest_id, position, item_id in rows.values_list("digest_id", "position", "item_id"):
            current[digest_id].append((position, item_id))
    replaced, created, entries, recorded = [], [], [], set()
    for one, tag, entry_rows in files:
        report, record = one.report, one.known
        if record is not None:
            # Same entries under the same tag: nothing to write. A digest whose tag was
            # deleted since (tag None) is the new tag's again.
            if current[record.pk] == entry_rows and record.tag_id == tag.pk:
                continue
            changes.add(
                ImportChange.Kind.DIGEST_REPLACED,
                object_id=record.pk,
                before=DigestBefore.of(record, current[record.pk]).to_json(),
            )
            record.name, record.tag, record.tag_name = report.name, tag, one.digest.tag
            record.page, record.run, record.imported_at = report.page, run, now
            replaced.append(record)
        else:
            record = Digest(
                name=report.name,
                sha256=report.sha256,
                tag=tag,
                tag_name=one.digest.tag,
                page=report.page,
                run=run,
                imported_at=now,
            )
            created.append(record)
        entries.append((record, entry_rows))
        recorded.add(report.name)
    if replaced:
        DigestEntry.objects.filter(digest__in=replaced).delete()
        Digest.objects.bulk_update(
            replaced, ["name", "tag", "tag_name", "page", "run", "imported_at"]
        )
    if created:
        Digest.objects.bulk_create(created)
        for record in created:
            changes.add(ImportChange.Kind.DIGEST_CREATED, object_id=record.pk)
    insert_rows(
        DigestEntry,
        ["digest_id", "item_id", "position"],
        [
            (record.pk, item_id, position)
            for record, entry_rows in entries
            for position, item_id in entry_rows
        ],
    )
    return recorded
