"""The records of what editors did to tags beyond merges (models.tags.TagMerge): renames and
deletions, and the undo of any of the three. Each keeps what its undo needs (tag_undo)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .tags import TagMerge, tag_by_id


class TagRename(models.Model):
    """A tag's name and slug before and after a rename (tag_services.rename_tag)."""

    tag = tag_by_id(related_name="renames")
    old_name = models.CharField(max_length=100)
    old_slug = models.SlugField(max_length=100)
    new_name = models.CharField(max_length=100)
    new_slug = models.SlugField(max_length=100)
    # The new name was an alias of the tag: the rename made it the name.
    new_name_was_alias = models.BooleanField(default=False)
    # The old name became an alias (not when only its case or dashes changed).
    old_name_kept_as_alias = models.BooleanField(default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    renamed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-renamed_at", "-id"]

    def __str__(self):
        return f"{self.old_name} renamed {self.new_name}"


class TagDeletion(models.Model):
    """A deleted tag as it was (tag_records.TagSnapshot): its undo brings it back, with its
    id, names, URLs, items in their places and digests."""

    tag_id = models.BigIntegerField()  # the deleted tag's id: an undo gives it back
    name = models.CharField(max_length=100)
    snapshot = models.JSONField()
    items_untagged = models.PositiveIntegerField(default=0)
    items_left_without_tags = models.PositiveIntegerField(default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    deleted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-deleted_at", "-id"]
        indexes = [models.Index(fields=["tag_id"], name="articles_tagdeletion_tag")]

    def __str__(self):
        return f"{self.name} deleted"


class TagUndo(models.Model):
    """The undo of one merge, rename or deletion: who, when, and what it left as it was."""

    class Kind(models.TextChoices):
        MERGE = "merge", "Merge undone"
        RENAME = "rename", "Rename undone"
        DELETION = "deletion", "Deletion undone"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # One of the three, by kind; one-to-one: an operation is undone once.
    merge = models.OneToOneField(
        TagMerge, null=True, blank=True, on_delete=models.CASCADE, related_name="undo"
    )
    rename = models.OneToOneField(
        TagRename, null=True, blank=True, on_delete=models.CASCADE, related_name="undo"
    )
    deletion = models.OneToOneField(
        TagDeletion, null=True, blank=True, on_delete=models.CASCADE, related_name="undo"
    )
    # What the undo kept as it is, and why ("2 items tagged since keep “North Korea”").
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    undone_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-undone_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="merge", merge__isnull=False, rename=None, deletion=None)
                    | Q(kind="rename", rename__isnull=False, merge=None, deletion=None)
                    | Q(kind="deletion", deletion__isnull=False, merge=None, rename=None)
                ),
                name="articles_tagundo_one_operation",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.operation}"

    @property
    def operation(self):
        return self.merge or self.rename or self.deletion
