"""Importing digests into the database: the one service the command and the admin share.

Each file is applied in its own transaction and comes back as a FileReport; a run over many
files is logged as an ImportRun. Rules (see the README and DIGEST_FORMAT.md):

- Idempotent: an item is found again by its import key (its first title, case and spacing
  ignored); a file whose bytes were imported before is skipped unless forced.
- An item an editor has changed is never overwritten: a differing wire copy is a conflict.
- A header naming a tag's alias ("Kim Jong Un" for "Kim Jong-un") means that tag.
- What a run created and changed is recorded (ImportChange) so that it can be undone, and every
  item it writes gets a revision in the item's history.
- A tag page lists items in the digests' order; a digest's new items go above the known items
  they precede, and a digest that shares no item with the tag goes on top when it is page 1
  (newer) and at the bottom otherwise. Known items never move.
"""

import hashlib
import re
import sys
import unicodedata
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .digest import DigestError, parse
from .models import (
    PARAGRAPH_SEPARATOR,
    Digest,
    DigestEntry,
    ImportChange,
    ImportRun,
    Item,
    Tag,
    TaggedItem,
)
from .tagging import ascii_slug
from .tags import get_or_create_tag

# Room between neighbours on a tag page: about twenty halvings before a renumbering.
POSITION_GAP = 1 << 20

CREATED, UPDATED, UNCHANGED, CONFLICT = "created", "updated", "unchanged", "conflict"
IMPORTED, FILE_UNCHANGED, SKIPPED, FAILED = "imported", "unchanged", "skipped", "failed"

_PAGE_FROM_NAME = re.compile(r"^(\d+)_")
_WHITESPACE = re.compile(r"\s+")


# --- Sources -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestSource:
    """A digest to import: a display name and a way to read at most N bytes of it."""

    name: str
    path: Path | None = None
    data: bytes | None = None
    stream: object = None

    def read(self, limit):
        if self.data is not None:
            return self.data[:limit]
        if self.path is not None:
            with self.path.open("rb") as handle:
                return handle.read(limit)
        return self.stream.read(limit)


def collect_sources(arguments, stdin=None):
    """Files as given, folders as their *.txt sorted by name, "-" as standard input.

    Raises FileNotFoundError naming the first argument that does not exist, before anything
    is imported.
    """
    sources = []
    for argument in arguments:
        if argument == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            sources.append(DigestSource(name="<stdin>", stream=stream))
            continue
        path = Path(argument)
        if path.is_dir():
            sources.extend(
                DigestSource(name=str(child), path=child)
                for child in sorted(path.glob("*.txt"))
                if child.is_file()
            )
        elif path.exists():
            sources.append(DigestSource(name=str(path), path=path))
        else:
            raise FileNotFoundError(argument)
    return sources


def page_from_name(name):
    """ "000_ab12.txt" is page 1 of its tag; a name without the counter is taken as page 1."""
    match = _PAGE_FROM_NAME.match(Path(name).name)
    return int(match.group(1)) + 1 if match else 1


# --- Keys ----------------------------------------------------------------------------------


def item_import_key(title):
    """An item's identity across imports: its title with case and spacing ignored."""
    normalized = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", title)).strip().casefold()
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def content_hash(title, teaser):
    return hashlib.sha256(f"{title}\n{teaser}".encode()).hexdigest()


# --- Reports -------------------------------------------------------------------------------


@dataclass
class ItemOutcome:
    line: int
    title: str
    outcome: str
    item_id: int | None = None
    slug: str = ""

    def as_dict(self):
        return {
            "line": self.line,
            "title": self.title,
            "outcome": self.outcome,
            "item_id": self.item_id,
            "slug": self.slug,
        }


@dataclass
class FileReport:
    name: str
    status: str = ""
    sha256: str = ""
    tag: str = ""
    page: int | None = None
    note: str = ""
    error: str = ""
    warnings: list = field(default_factory=list)
    items: list = field(default_factory=list)

    def counts(self):
        return Counter(outcome.outcome for outcome in self.items)

    def as_dict(self):
        return {
            "file": self.name,
            "status": self.status,
            "sha256": self.sha256,
            "tag": self.tag,
            "page": self.page,
            "note": self.note,
            "error": self.error,
            "warnings": self.warnings,
            "counts": {key: self.counts()[key] for key in (CREATED, UPDATED, UNCHANGED, CONFLICT)},
            "items": [outcome.as_dict() for outcome in self.items],
        }


@dataclass
class ImportSummary:
    """Running totals of a run; per-file detail is handed to on_file, not kept."""

    dry_run: bool = False
    run_id: int | None = None
    files: Counter = field(default_factory=Counter)
    items: Counter = field(default_factory=Counter)
    warnings: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def add(self, report):
        self.files[report.status] += 1
        self.items.update(report.counts())
        self.warnings.extend(report.warnings)
        if report.error:
            self.errors.append(report.error)

    @property
    def ok(self):
        return not self.errors

    def as_dict(self):
        return {
            "run": self.run_id,
            "dry_run": self.dry_run,
            "files": {
                "total": sum(self.files.values()),
                **{key: self.files[key] for key in (IMPORTED, FILE_UNCHANGED, SKIPPED, FAILED)},
            },
            "items": {key: self.items[key] for key in (CREATED, UPDATED, UNCHANGED, CONFLICT)},
            "warnings": self.warnings,
            "errors": self.errors,
        }


# --- The service ---------------------------------------------------------------------------


def import_digests(
    sources,
    *,
    status=Item.Status.PUBLISHED,
    force=False,
    dry_run=False,
    user=None,
    origin=ImportRun.Origin.COMMAND,
    on_file=None,
):
    """Import each source in its own transaction and return the run's ImportSummary.

    A failing file is reported and the others go on. With dry_run everything is computed as
    for real inside one transaction that is then rolled back: the preview is exact and
    nothing is written, not even the run log.
    """
    summary = ImportSummary(dry_run=dry_run)
    run = None
    if not dry_run:
        run = ImportRun.objects.create(user=user, origin=origin, forced=force, status=status)
        summary.run_id = run.pk
    now = timezone.now()
    with transaction.atomic() if dry_run else nullcontext():
        for source in sources:
            report = import_file(source, run=run, status=status, force=force, now=now)
            summary.add(report)
            if on_file is not None:
                on_file(report)
        if dry_run:
            transaction.set_rollback(True)
    if run is not None:
        _record_run(run, summary)
    return summary


def import_file(source, *, run=None, status=Item.Status.PUBLISHED, force=False, now=None):
    """Apply one digest in one transaction: all of it or, on any error, nothing."""
    report = FileReport(name=source.name, page=page_from_name(source.name))
    max_bytes = settings.DIGEST_MAX_BYTES
    try:
        data = source.read(max_bytes + 1)
    except OSError as exc:
        return _failed(report, f"{source.name}: expected a readable file, found {exc.strerror}")
    if len(data) > max_bytes:
        return _failed(
            report, f"{source.name}: expected at most {max_bytes} bytes, found a larger file"
        )
    report.sha256 = hashlib.sha256(data).hexdigest()
    known = Digest.objects.filter(sha256=report.sha256).first()
    if known is not None and not force:
        report.status = SKIPPED
        report.tag = known.tag_name
        report.note = f"already imported as {known.name}"
        return report
    try:
        digest = parse(data)
        _check_field_lengths(digest)
    except DigestError as exc:
        return _failed(report, exc.located(source.name))
    report.tag = digest.tag
    report.warnings = [warning.located(source.name) for warning in digest.warnings]
    try:
        with transaction.atomic():
            _apply(digest, report, known=known, run=run, status=status, now=now or timezone.now())
    except DatabaseError as exc:
        report.items = []
        return _failed(report, f"{source.name}: expected the database to accept it, found {exc}")
    return report


def _failed(report, message):
    report.status = FAILED
    report.error = message
    return report


def _check_field_lengths(digest):
    """Reject what the columns cannot hold, the same way on SQLite (which would store it)."""
    name_limit = Tag._meta.get_field("name").max_length
    if len(digest.tag) > name_limit:
        raise DigestError(
            1, f"expected a tag name of at most {name_limit} characters, found {len(digest.tag)}"
        )
    title_limit = Item._meta.get_field("title").max_length
    for entry in digest.items:
        if len(entry.title) > title_limit:
            raise DigestError(
                entry.line,
                f"expected a title of at most {title_limit} characters, found {len(entry.title)}",
            )


def resolve_tag(name):
    """The tag a digest header names, by its name or an alias (tag_key); created on first
    sight."""
    return get_or_create_tag(name)[0]


def _apply(digest, report, *, known, run, status, now):
    tag, tag_created = get_or_create_tag(digest.tag)
    changes = RunChanges(run)
    if tag_created:
        changes.add(ImportChange.Kind.TAG_CREATED, object_id=tag.pk)

    # One item a key: a title repeated with other case or spacing is the same story.
    entries = []
    first_line = {}
    for entry in digest.items:
        key = item_import_key(entry.title)
        if key in first_line:
            report.warnings.append(
                f"{report.name}:{entry.line}: duplicate title {entry.title!r} (same story as "
                f"line {first_line[key]}); kept the first"
            )
            continue
        first_line[key] = entry.line
        entries.append((key, entry))

    existing = Item.objects.in_bulk([key for key, _ in entries], field_name="import_key")
    new_items, changed_items = [], []
    outcomes = []
    for key, entry in entries:
        teaser = PARAGRAPH_SEPARATOR.join(entry.paragraphs)
        incoming_hash = content_hash(entry.title, teaser)
        item = existing.get(key)
        if item is None:
            item = Item(
                title=entry.title,
                teaser=teaser,
                import_key=key,
                import_hash=incoming_hash,
                imported_at=now,
                status=status,
                published_at=now if status == Item.Status.PUBLISHED else None,
            )
            new_items.append(item)
            outcome = CREATED
        elif item.import_hash == incoming_hash:
            outcome = UNCHANGED
        elif item.is_edited:
            outcome = CONFLICT  # the editor's version stays; the report says so
            changes.add(ImportChange.Kind.ITEM_CONFLICT, item=item)
        else:
            changes.add(
                ImportChange.Kind.ITEM_UPDATED,
                item=item,
                before={
                    "title": item.title,
                    "teaser": item.teaser,
                    "import_hash": item.import_hash,
                    "imported_at": item.imported_at.isoformat() if item.imported_at else None,
                    # What this run wrote: an undo restores only what no one changed since.
                    "after_hash": incoming_hash,
                },
            )
            item.title, item.teaser = entry.title, teaser
            item.import_hash, item.imported_at = incoming_hash, now
            changed_items.append(item)
            outcome = UPDATED
        outcomes.append((entry, item, outcome))

    # The *_with_history helpers add one revision per item in one more INSERT.
    revision = {
        "default_user": run.user if run is not None else None,
        "default_change_reason": f"Import #{run.pk}" if run is not None else "Import",
    }
    if new_items:
        _assign_slugs(new_items)
        bulk_create_with_history(new_items, Item, **revision)
        for item in new_items:
            changes.add(
                ImportChange.Kind.ITEM_CREATED, item=item, before={"after_hash": item.import_hash}
            )
    if changed_items:
        bulk_update_with_history(
            changed_items,
            Item,
            ["title", "teaser", "import_hash", "imported_at", "updated_at"],
            **revision,
        )
    report.items = [
        ItemOutcome(entry.line, entry.title, outcome, item.pk, item.slug)
        for entry, item, outcome in outcomes
    ]
    items = [item for _, item, _ in outcomes]
    new_ids = {item.pk for item in new_items}
    linked = _link_tag(tag, items, new_ids=new_ids, page=report.page)
    for item in items:
        # A created item's links go with it on undo; an existing item's are recorded.
        if item.pk in linked and item.pk not in new_ids:
            changes.add(ImportChange.Kind.TAG_LINKED, item=item, object_id=tag.pk)

    entry_rows = [(position, item.pk) for position, item in enumerate(items, start=1)]
    digest_changed = _record_digest(
        digest, report, tag, entry_rows, known=known, run=run, now=now, changes=changes
    )
    changes.save()

    anything_written = new_items or changed_items or linked or digest_changed
    report.status = IMPORTED if anything_written else FILE_UNCHANGED


def _assign_slugs(items):
    """Unique, stable ASCII slugs from titles: "-2", "-3"… when a title repeats."""
    bases = [ascii_slug(item.title, max_length=200) or "item" for item in items]
    taken = set(Item.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
    for base in {base for base in bases if base in taken}:
        taken.update(
            Item.objects.filter(slug__startswith=f"{base}-").values_list("slug", flat=True)
        )
    for item, base in zip(items, bases, strict=True):
        slug, counter = base, 1
        while slug in taken:
            counter += 1
            slug = f"{base}-{counter}"
        taken.add(slug)
        item.slug = slug


def _link_tag(tag, items, *, new_ids, page):
    """Tag the digest's items and place them on the tag's page. Returns the ids linked.

    An item the importer tagged before but that no longer has the tag was untagged by an
    editor: it stays untagged.
    """
    positions = dict(
        TaggedItem.objects.filter(tag=tag, content_object__in=items).values_list(
            "content_object_id", "position"
        )
    )
    candidates = [item.pk for item in items if item.pk not in positions]
    untagged_by_editor = set()
    maybe_untagged = [pk for pk in candidates if pk not in new_ids]
    if maybe_untagged:
        untagged_by_editor = set(
            DigestEntry.objects.filter(digest__tag=tag, item_id__in=maybe_untagged).values_list(
                "item_id", flat=True
            )
        )
    to_link = [pk for pk in candidates if pk not in untagged_by_editor]
    if not to_link:
        return set()
    order = [item.pk for item in items if item.pk in positions or item.pk in to_link]
    placed = place_on_tag_page(tag, order, positions, set(to_link), page)
    TaggedItem.objects.bulk_create(
        [TaggedItem(tag=tag, content_object_id=pk, position=placed[pk]) for pk in to_link]
    )
    return set(to_link)


def place_on_tag_page(tag, order, positions, new_ids, page):
    """Positions for new_ids, given the digest's order and the known items' positions.

    A run of new items goes just above the known item that follows it in the digest, or just
    below the known item that precedes it; a digest with no known item goes on top of the tag
    page when it is page 1 and at the bottom otherwise. Renumbers the tag when a gap is full.
    """
    links = TaggedItem.objects.filter(tag=tag)
    placed = {}
    for run, above, below in _runs(order, new_ids):
        low, high = _free_interval(links, positions, placed, len(run), above, below, page)
        step = (high - low) // (len(run) + 1)
        if step < 1:
            _renumber(tag)
            fresh = dict(
                links.filter(content_object_id__in=list(positions)).values_list(
                    "content_object_id", "position"
                )
            )
            return place_on_tag_page(tag, order, fresh, new_ids, page)
        for index, pk in enumerate(run, start=1):
            placed[pk] = low + step * index
    return placed


def _free_interval(links, positions, placed, size, above, below, page):
    """The open interval (low, high) of positions where a run of `size` new items fits."""
    room = POSITION_GAP * (size + 1)
    taken = list(placed.values())
    if below is not None:
        high = positions[below]
        nearest = links.filter(position__lt=high).aggregate(value=Max("position"))["value"]
        lower = [p for p in [nearest, *taken] if p is not None and p < high]
        return (max(lower) if lower else high - room), high
    if above is not None:
        low = positions[above]
        nearest = links.filter(position__gt=low).aggregate(value=Min("position"))["value"]
        higher = [p for p in [nearest, *taken] if p is not None and p > low]
        return low, (min(higher) if higher else low + room)
    bounds = links.aggregate(top=Min("position"), bottom=Max("position"))
    occupied = [p for p in [bounds["top"], bounds["bottom"], *taken] if p is not None]
    if not occupied:
        return -POSITION_GAP, POSITION_GAP * size  # an empty tag: 0, GAP, 2 * GAP…
    if page == 1:
        return min(occupied) - room, min(occupied)
    return max(occupied), max(occupied) + room


def _runs(order, new_ids):
    """Maximal runs of new items with the known items just above and below each run."""
    runs, current, above = [], [], None
    for pk in order:
        if pk in new_ids:
            current.append(pk)
            continue
        if current:
            runs.append((current, above, pk))
            current = []
        above = pk
    if current:
        runs.append((current, above, None))
    return runs


def _renumber(tag):
    rows = list(TaggedItem.objects.filter(tag=tag).order_by("position", "id").only("id"))
    for index, row in enumerate(rows):
        row.position = index * POSITION_GAP
    TaggedItem.objects.bulk_update(rows, ["position"], batch_size=1000)


def _record_digest(digest, report, tag, entry_rows, *, known, run, now, changes):
    """Keep where each item came from. Returns whether anything was written."""
    if known is not None:
        current = list(known.entries.order_by("position").values_list("position", "item_id"))
        if current == entry_rows:
            return False
        changes.add(
            ImportChange.Kind.DIGEST_REPLACED,
            object_id=known.pk,
            before={
                "name": known.name,
                "tag_id": known.tag_id,
                "tag_name": known.tag_name,
                "page": known.page,
                "run_id": known.run_id,
                "imported_at": known.imported_at.isoformat(),
                "entries": current,
            },
        )
        known.entries.all().delete()
        record = known
        record.name, record.tag, record.tag_name = report.name, tag, digest.tag
        record.page, record.run, record.imported_at = report.page, run, now
        record.save()
    else:
        record = Digest.objects.create(
            name=report.name,
            sha256=report.sha256,
            tag=tag,
            tag_name=digest.tag,
            page=report.page,
            run=run,
            imported_at=now,
        )
        changes.add(ImportChange.Kind.DIGEST_CREATED, object_id=record.pk)
    DigestEntry.objects.bulk_create(
        DigestEntry(digest=record, item_id=item_id, position=position)
        for position, item_id in entry_rows
    )
    return True


class RunChanges:
    """Collects what one file's import does, written in one INSERT at the end of the file's
    transaction (so a failed file records nothing). Without a run (a dry run) it keeps
    nothing."""

    def __init__(self, run):
        self.run = run
        self.rows = []

    def add(self, kind, *, item=None, object_id=None, before=None):
        if self.run is None:
            return
        self.rows.append(
            ImportChange(
                run=self.run,
                kind=kind,
                item=item,
                object_id=object_id,
                title=item.title if item is not None else "",
                before=before,
            )
        )

    def save(self):
        if self.rows:
            ImportChange.objects.bulk_create(self.rows)


def _record_run(run, summary):
    run.finished_at = timezone.now()
    run.files = sum(summary.files.values())
    run.files_imported = summary.files[IMPORTED]
    run.files_unchanged = summary.files[FILE_UNCHANGED]
    run.files_skipped = summary.files[SKIPPED]
    run.files_failed = summary.files[FAILED]
    run.created = summary.items[CREATED]
    run.updated = summary.items[UPDATED]
    run.unchanged = summary.items[UNCHANGED]
    run.conflicts = summary.items[CONFLICT]
    run.warnings = summary.warnings
    run.errors = summary.errors
    run.save()
