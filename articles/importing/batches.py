"""Running an import: sources in batches, each file whole or not at all, the run logged.

Each file comes back as a FileReport; a run over many files is logged as an ImportRun. The
rules of what a file does to the database are in ``apply``, ``upsert`` and ``tag_pages``;
the format is ``docs/digest-format.md``.
"""

import hashlib
from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from .. import locks
from ..digest import Digest as ParsedDigest
from ..digest import DigestError, parse
from ..models import Digest, ImportRun, Item, Tag
from .apply import apply_files
from .reports import FileReport, FileStatus, ImportSummary
from .sources import page_from_name
from .statistics import analyze_grown

# Files applied in one transaction. Each file is still all or nothing: a batch that the
# database refuses is rolled back whole and its files are retried one by one, so only the bad
# file fails. Batching is what keeps the number of queries per file far below one.
BATCH_FILES = 100


class DatabaseLost(Exception):
    """The database went away during the run: the files before it are whole, the rest were
    not tried. Running the import again finishes it."""

    def __init__(self, summary, error):
        super().__init__(f"expected the database to answer, found it gone ({error})")
        self.summary = summary


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
    status = Item.Status(status)
    summary = ImportSummary(dry_run=dry_run)
    try:
        _run(sources, summary, status, force, dry_run, user, origin, on_file)
    except DatabaseLost as lost:
        lost.summary = summary
        raise
    except DatabaseError as error:  # outside a file's transaction: the run's own rows
        if locks.database_lost():
            raise DatabaseLost(summary, error) from error
        raise
    return summary


def _run(sources, summary, status, force, dry_run, user, origin, on_file):
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
        if summary.files.imported:
            # The planner's statistics of the tables the run grew (statistics.py decides which).
            analyze_grown()


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
class Pending:
    """A parsed file waiting to be applied, with the Digest row of the same bytes if known."""

    report: FileReport
    digest: ParsedDigest
    known: Digest | None
    parse_warnings: list[str]


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
            report.status = FileStatus.SKIPPED
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
        pending.append(Pending(report, digest, known, warnings))

    options = {"run": run, "status": status, "force": force, "now": now}
    if pending and not _apply_together(pending, **options):
        if len(pending) > 1:
            for one in pending:
                _reset(one)
                _apply_together([one], **options)
    return reports


def _apply_together(pending, *, run, status, force, now):
    """Apply the files in one transaction; False (nothing written) when the database refused.

    The transaction holds the import lock. A refusal that a fresh read may settle (another
    writer got there first: locks.is_transient) is tried again, a few times; a single file
    the database still refuses is reported as failed. A database gone away ends the run
    (DatabaseLost): every file before is whole, this one and the rest were not written.
    """
    attempts = locks.ATTEMPTS if len(pending) == 1 else 1
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                locks.hold([locks.IMPORTS])
                still = _still_to_apply(pending, force)
                if still:
                    apply_files(still, run=run, status=status, now=now)
            return True
        except DatabaseError as exc:
            # Django drops a connection whose rollback failed: it broke during the file.
            dropped = connection.connection is None
            if locks.database_lost():
                raise DatabaseLost(None, exc) from exc
            if attempt + 1 < attempts and (dropped or locks.is_transient(exc)):
                for one in pending:
                    _reset(one)
                locks.pause(attempt)
                continue
            if len(pending) == 1:
                report = pending[0].report
                report.items = []
                _failed(report, f"{report.name}: expected the database to accept it, found {exc}")
            return False
    return False


def _still_to_apply(pending, force):
    """The files no other import has recorded since they were read: checked again under the
    import lock, with the Digest rows as they are now."""
    current = Digest.objects.in_bulk([one.report.sha256 for one in pending], field_name="sha256")
    still = []
    for one in pending:
        one.known = current.get(one.report.sha256)
        if one.known is not None and not force:
            report = one.report
            report.status = FileStatus.SKIPPED
            report.note = f"already imported as {one.known.name}"
            report.tag = one.known.tag_name
            report.warnings = []
            continue
        still.append(one)
    return still


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
    report.status, report.error, report.items, report.note = None, "", [], ""
    report.warnings = list(pending.parse_warnings)


def _failed(report, message):
    report.status = FileStatus.FAILED
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


def _record_run(run, summary):
    run.finished_at = timezone.now()
    run.state = ImportRun.State.FINISHED
    run.files = summary.files.total
    record_counts(run, summary)
    run.save()


# The run's counters record_counts sets, for save(update_fields=...) file by file (tasks.py).
COUNT_FIELDS = [
    "files_imported",
    "files_unchanged",
    "files_skipped",
    "files_failed",
    "created",
    "updated",
    "unchanged",
    "conflicts",
    "warnings",
    "errors",
]


def record_counts(run, summary):
    """Set the run's counters (not its total of files) to the summary's; saves nothing."""
    files, items = summary.files, summary.items
    run.files_imported = files.imported
    run.files_unchanged = files.unchanged
    run.files_skipped = files.skipped
    run.files_failed = files.failed
    run.created = items.created
    run.updated = items.updated
    run.unchanged = items.unchanged
    run.conflicts = items.conflict
    run.warnings = summary.warnings
    run.errors = summary.errors
