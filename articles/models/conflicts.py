"""The wire's copy of an item an editor changed: kept beside the item when an import meets
it, until the editor keeps theirs or takes the wire's (articles/conflicts.py)."""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone

from .imports import ImportRun
from .items import Item


class WireCopyQuerySet(models.QuerySet):
    def open(self):
        """Copies no editor has resolved: resolving one remembers the hash it resolved, so
        the same wire text imported again stays closed and a new one opens it again."""
        return self.exclude(resolved_hash=F("wire_hash"))


class WireCopy(models.Model):
    """The last wire version of an edited item that differed from what the import had
    written: one a item, replaced when the wire changes again."""

    class Resolution(models.TextChoices):
        KEPT = "kept", "Editor's version kept"
        TAKEN = "taken", "Wire's version taken"

    item = models.OneToOneField(Item, on_delete=models.CASCADE, related_name="wire_copy")
    title = models.CharField(max_length=500)
    teaser = models.TextField()
    # importing.upsert.content_hash of the title and teaser.
    wire_hash = models.CharField(max_length=64)
    # Where it came from, by name: digests and runs may be undone or deleted since.
    digest_name = models.CharField(max_length=255)
    tag_name = models.CharField(max_length=100)
    run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)

    # The wire_hash an editor resolved ("" until then): open while it is not wire_hash.
    resolved_hash = models.CharField(max_length=64, blank=True)
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = WireCopyQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "wire copy"
        verbose_name_plural = "wire copies"

    def __str__(self):
        return f"Wire copy of {self.item_id}: {self.title}"

    @property
    def is_open(self):
        return self.resolved_hash != self.wire_hash
