"""Importing wire digests: the one service the command, the admin and tests share.

Rules (README, docs/digest-format.md): each file whole or not at all; idempotent by import
key and by the file's sha256; an editor's change never overwritten; aliases in headers mean
their tag; every run recorded so that it can be undone. The modules:

- ``sources``: where digests come from (files, folders, stdin, bytes).
- ``reports``: what a run did (Outcome, FileStatus, FileReport, ImportSummary).
- ``batches``: the run, its batches of files, and the ImportRun log.
- ``apply``, ``upsert``, ``provenance``: what a batch writes (items, revisions, digests).
- ``changes``: the run's change records and what they keep for an undo.
- ``statistics``: ANALYZE (VACUUM on PostgreSQL) of the tables a run grew.
- ``uploads``: the admin's staged uploads, preview and confirm.
- ``tasks``: background runs (the task, progress, cancel and resume).
- ``undo``: undoing a run.
"""

from .batches import BATCH_FILES, DatabaseLost, import_batch, import_digests, import_file
from .reports import FileReport, FileStatus, ImportSummary, ItemOutcome, Outcome
from .sources import DigestSource, collect_sources, page_from_name
from .tasks import (
    RunProgress,
    StagingError,
    cancel_run,
    is_stalled,
    progress_of,
    queue_sources,
    resume_run,
    summary_of,
)
from .undo import KeepReason, UndoPlan, check_undoable, plan_undo, undo_run
from .uploads import Preview, StaleUploadError, confirm_uploads, preview_uploads
from .upsert import content_hash, item_import_key

__all__ = [
    "BATCH_FILES",
    "DatabaseLost",
    "DigestSource",
    "FileReport",
    "FileStatus",
    "ImportSummary",
    "ItemOutcome",
    "KeepReason",
    "Outcome",
    "Preview",
    "RunProgress",
    "StagingError",
    "StaleUploadError",
    "UndoPlan",
    "cancel_run",
    "check_undoable",
    "collect_sources",
    "confirm_uploads",
    "content_hash",
    "import_batch",
    "import_digests",
    "import_file",
    "is_stalled",
    "item_import_key",
    "page_from_name",
    "plan_undo",
    "preview_uploads",
    "progress_of",
    "queue_sources",
    "resume_run",
    "summary_of",
    "undo_run",
]
