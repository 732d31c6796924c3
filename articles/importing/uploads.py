"""Digests uploaded in the admin: staged, previewed by a dry run, then queued on confirm.

The bytes wait in PendingUpload rows (the database, so that any app server can take the
confirm, and the worker can read them); the confirm names the sha256 of each previewed file
and is refused when the staged files differ from what was previewed, as django-import-export's
confirm step does. The import itself runs in the background (tasks.py).
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from ..models import ImportRun, PendingUpload
from ..suggestions import DryRunSuggestions
from .batches import import_digests
from .reports import FileReport, ImportSummary
from .sources import DigestSource
from .tasks import queue_staged

PENDING_UPLOAD_LIFETIME = timedelta(days=1)


class StaleUploadError(Exception):
    """The files to confirm are not the ones previewed (gone, changed, or someone else's)."""

    message = (
        "expected the files that were previewed, found them gone or changed: upload them again."
    )


@dataclass
class Preview:
    batch: uuid.UUID
    uploads: list[PendingUpload]
    reports: list[FileReport]
    summary: ImportSummary
    # File name: [(ItemOutcome, [suggestions.Suggestion])], for the items that have some.
    suggestions: dict


def preview_uploads(files, *, user, status, force):
    """Stage the uploaded files and dry-run their import; nothing but the staging is written."""
    # Files of a queued run stay until the run imports or cancels them, however long that is.
    PendingUpload.objects.filter(
        run__isnull=True, uploaded_at__lt=timezone.now() - PENDING_UPLOAD_LIFETIME
    ).delete()
    batch = uuid.uuid4()
    limit = settings.DIGEST_MAX_BYTES
    uploads = []
    for upload in files:
        data = upload.read(limit + 1)  # one byte more: the import refuses what is too large
        uploads.append(PendingUpload.staged(data, name=upload.name, batch=batch, user=user))
    PendingUpload.objects.bulk_create(uploads)
    reports = []
    suggested = DryRunSuggestions()

    def on_file(report):
        reports.append(report)
        suggested(report)  # inside the dry run: the items as the import would leave them

    summary = import_digests(
        _sources(uploads),
        status=status,
        force=force,
        dry_run=True,
        user=user,
        origin=ImportRun.Origin.ADMIN,
        on_file=on_file,
    )
    return Preview(
        batch=batch,
        uploads=uploads,
        reports=reports,
        summary=summary,
        suggestions=suggested.by_file,
    )


def confirm_uploads(batch, *, user, previewed_sha256, status, force):
    """Queue the import of the staged files the user previewed; returns its ImportRun.

    Raises StaleUploadError, queueing nothing, unless the staged files are exactly those
    previewed, unchanged since, and not queued already.
    """
    uploads = list(PendingUpload.objects.filter(batch=batch, user=user, run__isnull=True))
    stored = sorted(upload.sha256 for upload in uploads)
    intact = all(hashlib.sha256(bytes(u.data)).hexdigest() == u.sha256 for u in uploads)
    if not uploads or sorted(previewed_sha256) != stored or not intact:
        raise StaleUploadError(StaleUploadError.message)
    run = queue_staged(
        uploads, user=user, origin=ImportRun.Origin.ADMIN, status=status, force=force
    )
    if run is None:
        raise StaleUploadError(StaleUploadError.message)
    return run


def _sources(uploads):
    return [DigestSource(upload.name, data=bytes(upload.data)) for upload in uploads]
