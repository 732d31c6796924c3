"""Imports in the background: admin uploads and ``import_digests --background`` run as a
django-tasks task (the database backend's ``manage.py db_worker`` by default), not in the
request or the shell that asked for them.

A queued run's files wait as PendingUpload rows. The task imports them one file a transaction,
and in that same transaction deletes the file's row and adds its counts to the run, so that:

- the run's page shows progress that is true at every moment (files done of total, items);
- a worker killed mid-run leaves whole files only, and the rows left are exactly the files a
  resume still has to do;
- a cancel, which takes the run over, lets the current file finish and stops before the next.

Who owns a run is its ``attempt``: each enqueue, resume and cancel bumps it, and a task goes
on only while the run still carries the attempt it was started with. The check is an UPDATE
of the run's row at the start of each file's transaction, which also holds that row until the
file is committed: a cancel or resume waits for the current file, never cuts into it.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from ..models import ImportRun, PendingUpload
from .batches import COUNT_FIELDS, import_file, record_counts
from .reports import FileCounts, ImportSummary, OutcomeCounts
from .sources import DigestSource
from .statistics import analyze_grown

ACTIVE = [ImportRun.State.QUEUED, ImportRun.State.RUNNING]
# What cancel_run and resume_run may take over: a background run not over yet.
TAKEABLE = {"background": True, "state__in": ACTIVE}
STAGE_CHUNK = 100  # PendingUpload rows written at a time when staging a command's files


class StagingError(Exception):
    """A file to queue could not be read: nothing was queued."""


@dataclass(frozen=True)
class RunProgress:
    """What the run's page shows while it runs (the JSON its script polls)."""

    run: int
    state: ImportRun.State
    state_label: str
    active: bool
    stalled: bool
    files_total: int
    files_done: int
    files_imported: int
    files_failed: int
    created: int
    updated: int
    conflicts: int
    errors: int

    def as_dict(self):
        return {
            "run": self.run,
            "state": self.state.value,
            "state_label": self.state_label,
            "active": self.active,
            "stalled": self.stalled,
            "files": {
                "total": self.files_total,
                "done": self.files_done,
                "imported": self.files_imported,
                "failed": self.files_failed,
            },
            "items": {"created": self.created, "updated": self.updated},
            "conflicts": self.conflicts,
            "errors": self.errors,
        }


def progress_of(run, *, now=None):
    state = ImportRun.State(run.state)
    return RunProgress(
        run=run.pk,
        state=state,
        state_label=state.label,
        active=run.is_active,
        stalled=is_stalled(run, now=now),
        files_total=run.files,
        files_done=run.files_done,
        files_imported=run.files_imported,
        files_failed=run.files_failed,
        created=run.created,
        updated=run.updated,
        conflicts=run.conflicts,
        errors=len(run.errors),
    )


def is_stalled(run, *, now=None):
    """Queued or running, and no file finished for IMPORT_STALLED_SECONDS: its worker is gone
    (killed, or never started), so the run may be resumed."""
    if not run.can_cancel:
        return False
    last = run.progress_at or run.started_at
    now = now or timezone.now()
    return now - last > timedelta(seconds=settings.IMPORT_STALLED_SECONDS)


def summary_of(run):
    """The run's counters so far as an ImportSummary (its sentence, or a resume's start)."""
    summary = ImportSummary(run_id=run.pk, warnings=list(run.warnings), errors=list(run.errors))
    summary.files = FileCounts(
        imported=run.files_imported,
        unchanged=run.files_unchanged,
        skipped=run.files_skipped,
        failed=run.files_failed,
    )
    summary.items = OutcomeCounts(
        created=run.created, updated=run.updated, unchanged=run.unchanged, conflict=run.conflicts
    )
    return summary


# Queueing -----------------------------------------------------------------------------------


def queue_sources(sources, *, user=None, origin=ImportRun.Origin.COMMAND, status, force):
    """Stage the sources' bytes and queue their import as a new run; returns the run.

    Raises StagingError, queueing nothing, when a source cannot be read. A file too large is
    staged as it reads (one byte over the limit) and refused by the import, as in the
    foreground.
    """
    limit = settings.DIGEST_MAX_BYTES
    batch = uuid.uuid4()
    with transaction.atomic():
        run = _new_run(user=user, origin=origin, status=status, force=force, files=len(sources))
        for start in range(0, len(sources), STAGE_CHUNK):
            rows = []
            for source in sources[start : start + STAGE_CHUNK]:
                try:
                    data = source.read(limit + 1)
                except OSError as exc:
                    raise StagingError(
                        f"{source.name}: expected a readable file, found {exc.strerror}"
                    ) from exc
                rows.append(
                    PendingUpload.staged(data, name=source.name, batch=batch, user=user, run=run)
                )
            PendingUpload.objects.bulk_create(rows)
        _enqueue(run)
    run.refresh_from_db()
    return run


def queue_staged(uploads, *, user, origin, status, force):
    """Queue the import of PendingUpload rows not yet queued; returns the run, or None when
    some of them were queued meanwhile (a second confirm of the same upload)."""
    with transaction.atomic():
        run = _new_run(user=user, origin=origin, status=status, force=force, files=len(uploads))
        taken = PendingUpload.objects.filter(
            pk__in=[upload.pk for upload in uploads], run__isnull=True
        ).update(run=run)
        if taken != len(uploads):
            transaction.set_rollback(True)
            return None
        _enqueue(run)
    run.refresh_from_db()
    return run


def _new_run(*, user, origin, status, force, files):
    return ImportRun.objects.create(
        user=user,
        origin=origin,
        status=status,
        forced=force,
        files=files,
        background=True,
        state=ImportRun.State.QUEUED,
        progress_at=timezone.now(),
    )


def _enqueue(run):
    # Inside the transaction that queues the run: with the database backend the task's row
    # commits with the run's, so there is never a run without its task or a task without its
    # run. (The immediate backend runs the task right here.)
    import_run.enqueue(run.pk, run.attempt)


# Cancel and resume --------------------------------------------------------------------------


def cancel_run(run):
    """Stop the run after the file being imported: every finished file stays, whole; the
    files not begun are dropped. Raises ValidationError when the run is not queued or
    running."""
    with transaction.atomic():
        # Waits for the file the task is importing (it holds the run's row) to commit.
        taken = ImportRun.objects.filter(pk=run.pk, **TAKEABLE).update(
            state=ImportRun.State.CANCELLED,
            attempt=F("attempt") + 1,
            finished_at=timezone.now(),
        )
        if not taken:
            run.refresh_from_db()
            raise ValidationError(
                "expected a queued or running background import to cancel, found it "
                f"{run.get_state_display()}"
            )
        PendingUpload.objects.filter(run=run).delete()
    run.refresh_from_db()
    return run


def resume_run(run):
    """Queue the run again: a new task goes on from the files not yet done. Any earlier task
    still alive stops before its next file. Raises ValidationError unless the run is
    unfinished (queued or running: a worker killed mid-run leaves it so)."""
    with transaction.atomic():
        taken = ImportRun.objects.filter(pk=run.pk, **TAKEABLE).update(
            state=ImportRun.State.QUEUED,
            attempt=F("attempt") + 1,
            progress_at=timezone.now(),
        )
        run.refresh_from_db()
        if not taken:
            raise ValidationError(
                "expected an unfinished background import to resume, found it "
                f"{run.get_state_display()}"
            )
        _enqueue(run)
    run.refresh_from_db()
    return run


# The task -----------------------------------------------------------------------------------


@task()
def import_run(run_id, attempt):
    """Import the run's pending files, one transaction each, while the run is still ours."""
    if not _still_ours(run_id, attempt):
        return
    run = ImportRun.objects.get(pk=run_id)
    summary = summary_of(run)
    now = timezone.now()
    # Ids only: each file's bytes are read when its turn comes.
    pending = list(run.pending_files.order_by("id").values_list("pk", flat=True))
    for upload_id in pending:
        with transaction.atomic():
            if not _still_ours(run_id, attempt):
                return
            upload = PendingUpload.objects.filter(pk=upload_id).first()
            if upload is None:
                continue
            source = DigestSource(upload.name, data=bytes(upload.data))
            report = import_file(source, run=run, status=run.status, force=run.forced, now=now)
            upload.delete()
            summary.add(report)
            record_counts(run, summary)
            run.progress_at = timezone.now()
            run.save(update_fields=[*COUNT_FIELDS, "progress_at"])
    with transaction.atomic():
        if not _still_ours(run_id, attempt):
            return
        ImportRun.objects.filter(pk=run_id).update(
            state=ImportRun.State.FINISHED, finished_at=timezone.now()
        )
    if summary.files.imported:
        analyze_grown()


def _still_ours(run_id, attempt):
    """Mark the run running if it still carries this attempt (and hold its row until the
    transaction ends); False when it was cancelled, finished or resumed by another task."""
    return bool(
        ImportRun.objects.filter(pk=run_id, attempt=attempt, state__in=ACTIVE).update(
            state=ImportRun.State.RUNNING, progress_at=timezone.now()
        )
    )
