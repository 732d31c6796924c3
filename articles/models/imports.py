"""Where items came from: digests, their entries, the log of import runs and their changes."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

from .items import Item
from .tags import Tag


class ImportRun(models.Model):
    """One invocation of the importer (command or admin): the unit of the import log."""

    class Origin(models.TextChoices):
        COMMAND = "command", "Command line"
        ADMIN = "admin", "Admin upload"
        UNDO = "undo", "Undo"

    class State(models.TextChoices):
        """Where the run is: a background run is queued, then running, then one of the last two."""

        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        CANCELLED = "cancelled", "Cancelled"
        FINISHED = "finished", "Finished"

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.COMMAND)
    forced = models.BooleanField(default=False)
    # The status the run gave the items it created.
    status = models.CharField(
        max_length=10, choices=Item.Status.choices, default=Item.Status.PUBLISHED
    )

    files = models.PositiveIntegerField(default=0)
    files_imported = models.PositiveIntegerField(default=0)
    files_unchanged = models.PositiveIntegerField(default=0)
    files_skipped = models.PositiveIntegerField(default=0)
    files_failed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    conflicts = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)

    # An undo is logged as a run of its own that names the run it undid.
    undo_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="undone_by"
    )
    removed = models.PositiveIntegerField(default=0)
    restored = models.PositiveIntegerField(default=0)
    kept = models.PositiveIntegerField(default=0)

    # Background runs (importing/tasks.py): their files wait as PendingUpload rows until each
    # is imported; the counters above grow file by file. Only they can be cancelled or resumed
    # (a run in the foreground is its command's, and records its counts at the end).
    background = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    # The task that owns the run: a resume or a cancel takes it over by bumping it, so an
    # older task still alive stops before its next file.
    attempt = models.PositiveIntegerField(default=0)
    # When the owning task last finished a file (or started): a stalled worker shows here.
    progress_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        permissions = [
            ("import_digests", "Can import digests from the admin"),
            ("undo_importrun", "Can undo an import run"),
        ]

    @property
    def files_done(self):
        return self.files_imported + self.files_unchanged + self.files_skipped + self.files_failed

    @property
    def is_active(self):
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def can_cancel(self):
        return self.background and self.is_active

    def __str__(self):
        label = "Undo" if self.origin == self.Origin.UNDO else "Import"
        return f"{label} #{self.pk} at {self.started_at:%Y-%m-%d %H:%M}"


class ImportChange(models.Model):
    """One thing a run did, with what was there before: what the run's detail lists and
    what an undo reverses."""

    class Kind(models.TextChoices):
        ITEM_CREATED = "item_created", "Item created"
        ITEM_UPDATED = "item_updated", "Item updated"
        ITEM_CONFLICT = "item_conflict", "Editor's version kept"
        TAG_CREATED = "tag_created", "Tag created"
        TAG_LINKED = "tag_linked", "Tag added to an item"
        DIGEST_CREATED = "digest_created", "Digest recorded"
        DIGEST_REPLACED = "digest_replaced", "Digest re-read"
        ITEM_REMOVED = "item_removed", "Item removed (undo)"
        ITEM_RESTORED = "item_restored", "Item restored (undo)"
        ITEM_KEPT = "item_kept", "Item kept: edited since (undo)"

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    item = models.ForeignKey(
        "Item", null=True, blank=True, on_delete=models.SET_NULL, related_name="import_changes"
    )
    # The tag or digest concerned, by id: they may be gone after an undo.
    object_id = models.BigIntegerField(null=True, blank=True)
    title = models.CharField(max_length=500, blank=True)  # the item's, kept after a removal
    before = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["run", "id"]
        indexes = [
            models.Index(fields=["run", "kind"], name="articles_importchange_run"),
            # The dashboard's open conflicts: one kind's rows, out of one a changed item a run.
            models.Index(fields=["kind", "item"], name="articles_importchange_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title or self.object_id}"


class PendingUpload(models.Model):
    """Digest files uploaded in the admin and previewed, waiting for the editor to confirm.

    Kept in the database, not on an app server's disk or in a per-process cache, so that the
    confirming request may reach any server; deleted once imported or after a day. Once
    confirmed they belong to a background run (and `import_digests --background` stages its
    files here too, with no user): each is deleted in the transaction that imports it, so the
    rows left are exactly the files a resumed run still has to do.
    """

    batch = models.UUIDField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    run = models.ForeignKey(
        ImportRun,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pending_files",
    )
    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["batch", "id"]

    def __str__(self):
        return self.name

    @classmethod
    def staged(cls, data, *, name, batch, user, run=None):
        """An unsaved row for these bytes, with their sha256 (what a confirm checks)."""
        sha256 = hashlib.sha256(data).hexdigest()
        return cls(batch=batch, user=user, run=run, name=name, sha256=sha256, data=data)


class Digest(models.Model):
    """One imported digest file: one page of one tag's listing on the wire."""

    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    # None once the tag is deleted (tag_deletion): the digest stays as history, named by
    # tag_name. PROTECT: only that service, which records the deletion, may unset it.
    tag = models.ForeignKey(
        Tag, null=True, blank=True, on_delete=models.PROTECT, related_name="digests"
    )
    tag_name = models.CharField(max_length=100)  # the header's spelling, before matching
    page = models.PositiveIntegerField(default=1)
    imported_at = models.DateTimeField(default=timezone.now)
    run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="digests"
    )

    class Meta:
        ordering = ["-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["sha256"], name="articles_digest_unique_sha256"),
        ]

    def __str__(self):
        return f"{self.name} ({self.tag_name}, page {self.page})"


class DigestEntry(models.Model):
    """An item at a position (1-based, top first) in a digest."""

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="digest_entries")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["digest", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["digest", "position"], name="articles_digestentry_unique_position"
            ),
        ]

    def __str__(self):
        return f"{self.digest.name} #{self.position}"
