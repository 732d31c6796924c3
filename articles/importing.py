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
from collections import Counter, defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import BigIntegerField, DateTimeField, F, Max, Min, Value
from django.db.models.functions import JSONObject
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

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
from .tagging import ascii_slug, tag_key
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

# Files applied in one transaction. Each file is still all or nothing: a batch that the
# database refuses is rolled back whole and its files are retried one by one, so only the bad
# file fails. Batching is what keeps the number of queries per file far below one.
BATCH_FILES = 100


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
    """Import the sources, each whole or not at all, and return the run's ImportSummary.

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
        for batch in _batches(sources, BATCH_FILES):
            for report in import_batch(batch, run=run, status=status, force=force, now=now):
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
    return import_batch([source], run=run, status=status, force=force, now=now)[0]


def _batches(sources, size):
    batch = []
    for source in sources:
        batch.append(source)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class _Pending:
    """A parsed file waiting to be applied, with the Digest row of the same bytes if known."""

    report: FileReport
    digest: object
    known: Digest | None
    parse_warnings: list


def import_batch(sources, *, run=None, status=Item.Status.PUBLISHED, force=False, now=None):
    """Read, check and apply the sources in order; a FileReport for each, in order."""
    now = now or timezone.now()
    reports, readable = [], []
    for source in sources:
        report = FileReport(name=source.name, page=page_from_name(source.name))
        reports.append(report)
        data = _read(source, report)
        if data is not None:
            report.sha256 = hashlib.sha256(data).hexdigest()
            readable.append((report, data))

    known_by_sha = Digest.objects.in_bulk(
        [report.sha256 for report, _ in readable], field_name="sha256"
    )
    pending, first_with_sha = [], {}
    for report, data in readable:
        known = known_by_sha.get(report.sha256)
        earlier = first_with_sha.setdefault(report.sha256, report.name)
        if earlier != report.name or (known is not None and not force):
            report.status = SKIPPED
            report.note = f"already imported as {known.name if known else earlier}"
            report.tag = known.tag_name if known else ""
            continue
        try:
            digest = parse(data)
            _check_field_lengths(digest)
        except DigestError as exc:
            _failed(report, exc.located(report.name))
            continue
        report.tag = digest.tag
        warnings = [warning.located(report.name) for warning in digest.warnings]
        report.warnings = list(warnings)
        pending.append(_Pending(report, digest, known, warnings))

    if pending:
        try:
            with transaction.atomic():
                _apply(pending, run=run, status=status, now=now)
        except DatabaseError as exc:
            if len(pending) == 1:
                report = pending[0].report
                report.items = []
                _failed(report, f"{report.name}: expected the database to accept it, found {exc}")
            else:
                for one in pending:
                    _reset(one)
                    _apply_alone(one, run=run, status=status, now=now)
    return reports


def _read(source, report):
    max_bytes = settings.DIGEST_MAX_BYTES
    try:
        data = source.read(max_bytes + 1)
    except OSError as exc:
        _failed(report, f"{source.name}: expected a readable file, found {exc.strerror}")
        return None
    if len(data) > max_bytes:
        _failed(report, f"{source.name}: expected at most {max_bytes} bytes, found a larger file")
        return None
    return data


def _reset(pending):
    report = pending.report
    report.status, report.error, report.items = "", "", []
    report.warnings = list(pending.parse_warnings)


def _apply_alone(pending, *, run, status, now):
    try:
        with transaction.atomic():
            _apply([pending], run=run, status=status, now=now)
    except DatabaseError as exc:
        report = pending.report
        report.items = []
        _failed(report, f"{report.name}: expected the database to accept it, found {exc}")


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


def _apply(pending, *, run, status, now):
    """Apply parsed files in order, as if one by one, with a fixed number of queries."""
    changes = RunChanges(run)
    tags = _resolve_tags(pending, changes)
    files = [(one, tags[tag_key(one.digest.tag)], _unique_entries(one)) for one in pending]

    items = _known_items(files)
    new_items, changed_items, updates = [], {}, {}
    outcomes = {}
    for one, _, entries in files:
        outcomes[one.report.name] = file_outcomes = []
        for key, entry in entries:
            item, outcome = _upsert(items, key, entry, status=status, now=now, new_items=new_items)
            if outcome == CONFLICT:
                changes.add(ImportChange.Kind.ITEM_CONFLICT, item=item)
            elif outcome == UPDATED and item.pk is not None:
                changed_items[item.pk] = item
                _note_update(updates, changes, item, entry)
            file_outcomes.append((entry, item, outcome))

    revision = {
        "default_user": run.user if run is not None else None,
        "default_change_reason": f"Import #{run.pk}" if run is not None else "Import",
    }
    # Every item written gets a revision: one more INSERT for the batch.
    if new_items:
        _assign_slugs(new_items)
        Item.objects.bulk_create(new_items)
        _record_created_revisions(
            new_items,
            user=revision["default_user"],
            reason=revision["default_change_reason"],
            when=now,
        )
        if run is not None:
            _record_created_changes(run, new_items)
    if changed_items:
        bulk_update_with_history(
            list(changed_items.values()),
            Item,
            ["title", "teaser", "import_hash", "imported_at", "updated_at"],
            **revision,
        )
    new_ids = {item.pk for item in new_items}

    pairs = {(tag.pk, item.pk) for one, tag, _ in files for _, item, _ in outcomes[one.report.name]}
    page = TagPages({tag for _, tag, _ in files}, pairs, new_ids)
    linked_by_file = {}
    for one, tag, _ in files:
        ordered = [item for _, item, _ in outcomes[one.report.name]]
        linked_by_file[one.report.name] = linked = page.link(tag, ordered, one.report.page)
        for item in ordered:
            # A created item's links go with it on undo; an existing item's are recorded.
            if item.pk in linked and item.pk not in new_ids:
                changes.add(ImportChange.Kind.TAG_LINKED, item=item, object_id=tag.pk)
    page.save()

    entry_rows = {
        name: [(position, item.pk) for position, (_, item, _) in enumerate(rows, start=1)]
        for name, rows in outcomes.items()
    }
    recorded = _record_digests(
        [(one, tag, entry_rows[one.report.name]) for one, tag, _ in files],
        run=run,
        now=now,
        changes=changes,
    )
    changes.save()

    for one, _, _ in files:
        report = one.report
        report.items = [
            ItemOutcome(entry.line, entry.title, outcome, item.pk, item.slug)
            for entry, item, outcome in outcomes[report.name]
        ]
        wrote = any(outcome.outcome in (CREATED, UPDATED) for outcome in report.items)
        wrote = wrote or linked_by_file[report.name] or report.name in recorded
        report.status = IMPORTED if wrote else FILE_UNCHANGED


def _known_items(files):
    """The files' items already in the database, by import key.

    Teasers are the bulk of an item row and only an update needs the old one (for its undo
    record), so they are read only for items whose wire copy differs from the last import.
    """
    incoming = {}
    for _, _, entries in files:
        for key, entry in entries:
            teaser = PARAGRAPH_SEPARATOR.join(entry.paragraphs)
            incoming.setdefault(key, set()).add(content_hash(entry.title, teaser))
    items = Item.objects.defer("teaser").in_bulk(list(incoming), field_name="import_key")
    may_update = [
        item.pk
        for key, item in items.items()
        if not item.is_edited and incoming[key] - {item.import_hash}
    ]
    if may_update:
        teasers = dict(Item.objects.filter(pk__in=may_update).values_list("pk", "teaser"))
        for item in items.values():
            if item.pk in teasers:
                item.teaser = teasers[item.pk]
    return items


def _record_created_changes(run, items):
    """The undo records of created items ("after_hash": what the run wrote), copied by the
    database from the new rows, as the revisions are."""
    _copy_items(
        ImportChange,
        ["run_id", "kind", "item_id", "title", "before"],
        items,
        Value(run.pk),
        Value(ImportChange.Kind.ITEM_CREATED.value),
        "pk",
        "title",
        JSONObject(after_hash=F("import_hash")),
    )


def _copy_items(model, columns, items, *select):
    """INSERT INTO model's table (columns) SELECT select FROM the items' rows: rows made by the
    database, not built in Python one by one."""
    ids = [item.pk for item in items]
    for start in range(0, len(ids), 900):  # well under SQLite's 999 parameters a statement
        rows = (
            Item.objects.filter(pk__in=ids[start : start + 900]).order_by("pk").values_list(*select)
        )
        query, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"{_insert_into(model, columns)} {query}", params)


def _insert_rows(model, columns, rows):
    """One executemany INSERT for narrow rows computed here (tag links, digest entries):
    bulk_create would build and prepare a model instance per row, for three plain values."""
    if rows:
        placeholders = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"{_insert_into(model, columns)} VALUES ({placeholders})", rows)


def _insert_into(model, columns):
    quote = connection.ops.quote_name
    return f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))})"


def _resolve_tags(pending, changes):
    """Tags by key for the files' headers: one lookup per distinct tag in the batch."""
    tags = {}
    for one in pending:
        key = tag_key(one.digest.tag)
        if key not in tags:
            tags[key], created = get_or_create_tag(one.digest.tag)
            if created:
                changes.add(ImportChange.Kind.TAG_CREATED, object_id=tags[key].pk)
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


def _upsert(items, key, entry, *, status, now, new_items):
    """The item for an entry and what the entry does to it (in memory only)."""
    teaser = PARAGRAPH_SEPARATOR.join(entry.paragraphs)
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
        return item, CREATED
    if item.import_hash == incoming_hash:
        return item, UNCHANGED
    if item.is_edited:
        return item, CONFLICT  # the editor's version stays; the report says so
    item._before_update = getattr(item, "_before_update", None) or {
        "title": item.title,
        "teaser": item.teaser,
        "import_hash": item.import_hash,
        "imported_at": item.imported_at.isoformat() if item.imported_at else None,
    }
    item.title, item.teaser = entry.title, teaser
    item.import_hash, item.imported_at = incoming_hash, now
    return item, UPDATED


def _note_update(updates, changes, item, entry):
    """One change record an item a batch: what was there before its first update, and (for
    the undo) the hash of what the batch finally wrote."""
    change = updates.get(item.pk)
    if change is None:
        updates[item.pk] = change = changes.add(
            ImportChange.Kind.ITEM_UPDATED, item=item, before=dict(item._before_update)
        )
    if change is not None:
        change.before["after_hash"] = item.import_hash
        change.title = item.title


def _assign_slugs(items):
    """Unique, stable ASCII slugs from titles: "-2", "-3"… when a title repeats.

    Suffixes are checked by exact lookups, 50 at a time: a prefix match ("base-%") would also
    match every longer title starting with the same words, and scan the slug index on SQLite.
    """
    bases = [ascii_slug(item.title, max_length=200) or "item" for item in items]
    checked = set(bases)
    taken = set(Item.objects.filter(slug__in=checked).values_list("slug", flat=True))
    for item, base in zip(items, bases, strict=True):
        slug, counter = base, 1
        while slug in taken:
            counter += 1
            slug = f"{base}-{counter}"
            if slug not in checked:
                window = [f"{base}-{n}" for n in range(counter, counter + 50)]
                checked.update(window)
                taken.update(Item.objects.filter(slug__in=window).values_list("slug", flat=True))
        taken.add(slug)
        item.slug = slug


def _record_created_revisions(items, *, user, reason, when):
    """The first revision of each created item, copied by the database in one INSERT … SELECT.

    What simple-history's bulk_create_with_history writes for new rows, without building a
    Python object per revision: that was half the time of a large first import.
    """
    copied = [field.column for field in Item._meta.concrete_fields]
    history = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    _copy_items(
        Item.history.model,
        [*copied, *history],
        items,
        *copied,
        Value(when, output_field=DateTimeField()),
        Value(reason),
        Value("+"),
        Value(user.pk if user is not None else None, output_field=BigIntegerField()),
    )


class TagPages:
    """The batch's tag links and their places on the tag pages: read once, written once.

    An item the importer tagged before but that no longer has the tag was untagged by an
    editor: it stays untagged. A run of new items goes just above the known item that follows
    it in the digest, or just below the known item that precedes it; a digest with no known
    item goes on top of the tag page when it is page 1 and at the bottom otherwise.
    """

    def __init__(self, tags, pairs, new_ids):
        """pairs: every (tag id, item id) the batch's digests list."""
        tags = list(tags)
        known_ids = {pk for _, pk in pairs if pk not in new_ids}
        links = TaggedItem.objects.filter(tag__in=tags)
        self.positions = {}
        self.untagged_by_editor = set()
        if known_ids:
            rows = links.filter(content_object_id__in=known_ids).values_list(
                "tag_id", "content_object_id", "position"
            )
            self.positions = {(tag_id, pk): position for tag_id, pk, position in rows}
            # Only a known item listed under a tag it does not have may have lost it to an
            # editor; a forced re-read of unchanged files has none and skips the query.
            unlinked = {pair for pair in pairs if pair[1] in known_ids} - set(self.positions)
            if unlinked:
                imported_before = DigestEntry.objects.filter(
                    digest__tag__in={tag_id for tag_id, _ in unlinked},
                    item_id__in={pk for _, pk in unlinked},
                ).values_list("digest__tag_id", "item_id")
                self.untagged_by_editor = set(imported_before) & unlinked
        self.bounds = {
            row["tag_id"]: (row["top"], row["bottom"])
            for row in links.order_by()
            .values("tag_id")
            .annotate(top=Min("position"), bottom=Max("position"))
        }
        self.new_rows = []
        self.placed_by_tag = defaultdict(list)  # positions this batch gives, by tag

    def link(self, tag, items, page):
        """Tag the digest's items (in its order); returns the ids newly linked."""
        known = {
            item.pk: self.positions[(tag.pk, item.pk)]
            for item in items
            if (tag.pk, item.pk) in self.positions
        }
        to_link = {
            item.pk
            for item in items
            if item.pk not in known and (tag.pk, item.pk) not in self.untagged_by_editor
        }
        if not to_link:
            return set()
        order = [item.pk for item in items if item.pk in known or item.pk in to_link]
        for pk, position in self._place(tag, order, known, to_link, page).items():
            self.positions[(tag.pk, pk)] = position
            self.new_rows.append(TaggedItem(tag=tag, content_object_id=pk, position=position))
            self.placed_by_tag[tag.pk].append(position)
            top, bottom = self.bounds.get(tag.pk, (position, position))
            self.bounds[tag.pk] = (min(top, position), max(bottom, position))
        return to_link

    def save(self):
        _insert_rows(
            TaggedItem,
            ["tag_id", "content_object_id", "position"],
            [(row.tag_id, row.content_object_id, row.position) for row in self.new_rows],
        )

    def _place(self, tag, order, known, new_ids, page):
        placed = {}
        for run, above, below in _runs(order, new_ids):
            low, high = self._free_interval(tag, known, placed, len(run), above, below, page)
            step = (high - low) // (len(run) + 1)
            if step < 1:
                self._renumber(tag)
                known = {pk: self.positions[(tag.pk, pk)] for pk in known}
                return self._place(tag, order, known, new_ids, page)
            for index, pk in enumerate(run, start=1):
                placed[pk] = low + step * index
        return placed

    def _free_interval(self, tag, known, placed, size, above, below, page):
        """The open interval (low, high) of positions where a run of `size` new items fits."""
        room = POSITION_GAP * (size + 1)
        links = TaggedItem.objects.filter(tag=tag)
        taken = [*self.placed_by_tag[tag.pk], *placed.values()]
        if below is not None:
            high = known[below]
            nearest = links.filter(position__lt=high).aggregate(value=Max("position"))["value"]
            lower = [p for p in [nearest, *taken] if p is not None and p < high]
            return (max(lower) if lower else high - room), high
        if above is not None:
            low = known[above]
            nearest = links.filter(position__gt=low).aggregate(value=Min("position"))["value"]
            higher = [p for p in [nearest, *taken] if p is not None and p > low]
            return low, (min(higher) if higher else low + room)
        occupied = [p for p in [*self.bounds.get(tag.pk, ()), *taken] if p is not None]
        if not occupied:
            return -POSITION_GAP, POSITION_GAP * size  # an empty tag: 0, GAP, 2 * GAP…
        if page == 1:
            return min(occupied) - room, min(occupied)
        return max(occupied), max(occupied) + room

    def _renumber(self, tag):
        """Spread the tag's page out again, rows already saved and rows of this batch alike."""
        saved = list(TaggedItem.objects.filter(tag=tag).only("id", "content_object_id"))
        saved.sort(key=lambda row: (row.position, row.pk))
        pending = [row for row in self.new_rows if row.tag_id == tag.pk]
        ordered = sorted(saved + pending, key=lambda row: row.position)
        for index, row in enumerate(ordered):
            row.position = index * POSITION_GAP
            self.positions[(tag.pk, row.content_object_id)] = row.position
        self.placed_by_tag[tag.pk] = [row.position for row in pending]
        TaggedItem.objects.bulk_update(saved, ["position"], batch_size=1000)
        self.bounds[tag.pk] = (ordered[0].position, ordered[-1].position)


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


def _record_digests(files, *, run, now, changes):
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
            if current[record.pk] == entry_rows:
                continue
            changes.add(
                ImportChange.Kind.DIGEST_REPLACED,
                object_id=record.pk,
                before={
                    "name": record.name,
                    "tag_id": record.tag_id,
                    "tag_name": record.tag_name,
                    "page": record.page,
                    "run_id": record.run_id,
                    "imported_at": record.imported_at.isoformat(),
                    "entries": current[record.pk],
                },
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
    _insert_rows(
        DigestEntry,
        ["digest_id", "item_id", "position"],
        [
            (record.pk, item_id, position)
            for record, entry_rows in entries
            for position, item_id in entry_rows
        ],
    )
    return recorded


class RunChanges:
    """Collects what a batch of files does, written in one INSERT at the end of the batch's
    transaction (so a failed file records nothing). Without a run (a dry run) it keeps
    nothing."""

    def __init__(self, run):
        self.run = run
        self.rows = []

    def add(self, kind, *, item=None, object_id=None, before=None):
        """The change row to be written (None without a run), for callers to amend."""
        if self.run is None:
            return None
        row = ImportChange(
            run=self.run,
            kind=kind,
            item=item,
            object_id=object_id,
            title=item.title if item is not None else "",
            before=before,
        )
        self.rows.append(row)
        return row

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
