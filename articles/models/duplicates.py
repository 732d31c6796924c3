"""Stories that look like one story: what detection found (articles.duplicates) and what an
editor's merge did (articles.item_merges), kept so that the merge can be undone."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .items import Item


class DuplicateKey(models.Model):
    """One fingerprint of an item's text (its title, or one sentence of its teaser, as
    words): items sharing a key are compared. Written by detection only."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="duplicate_keys")
    key = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["key", "item"], name="articles_dupkey_key")]

    def __str__(self):
        return f"{self.item_id}: {self.key}"


class DuplicateCandidateQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=DuplicateCandidate.Status.OPEN)

    def involving(self, item):
        return self.filter(Q(item=item) | Q(other=item))


class DuplicateCandidate(models.Model):
    """Two items whose title and teaser are nearly the same, with their similarity (0 to 1).

    One row a pair, the newer item (higher id) first. An editor's "not a duplicate" keeps
    the row, dismissed, so that detection does not flag the pair again."""

    class Status(models.TextChoices):
        OPEN = "open", "Possible duplicate"
        DISMISSED = "dismissed", "Not a duplicate"

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="duplicate_of")
    other = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="duplicated_by")
    score = models.FloatField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    found_at = models.DateTimeField(default=timezone.now)

    objects = DuplicateCandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "other"], name="articles_dupcand_unique_pair"),
            models.CheckConstraint(
                condition=Q(item__gt=models.F("other")), name="articles_dupcand_newer_first"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "item"], name="articles_dupcand_item"),
            models.Index(fields=["status", "other"], name="articles_dupcand_other"),
        ]

    def __str__(self):
        return f"{self.item_id} ~ {self.other_id} ({self.score:.2f})"


class MergedImportKey(models.Model):
    """The import key of an item merged into another: the wire's next copy of that story is
    the kept item's, so a re-import does not bring the removed one back."""

    import_key = models.CharField(max_length=64)
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="merged_keys")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["import_key"], name="articles_mergedkey_unique"),
        ]

    def __str__(self):
        return f"{self.import_key[:12]}… -> {self.item_id}"


class ItemMerge(models.Model):
    """An item merged into another by an editor: what moved, so that an undo gives both
    back as they were. The removed item itself is in its deletion revision (``removed_revision``:
    its fields, tags and places)."""

    kept = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="merges_into")
    removed_id = models.BigIntegerField()
    removed_title = models.CharField(max_length=500)
    removed_slug = models.SlugField(max_length=255)
    removed_revision = models.BigIntegerField()  # history_id of the removed item's deletion
    # What moved onto the kept item: tag ids (links it lacked), digest entry ids, old slugs,
    # import keys, import change ids, and the candidate pairs the removed item was in.
    moved = models.JSONField(default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at", "-id"]
        indexes = [models.Index(fields=["removed_id"], name="articles_itemmerge_removed")]

    def __str__(self):
        return f"“{self.removed_title}” merged into #{self.kept_id}"
