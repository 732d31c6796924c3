"""Tags, their other spellings and retired slugs, merges, and the links to items."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from taggit.models import ItemBase, TagBase

from ..slug_urls import slug_url
from ..tag_names import ascii_slug, tag_key
from .visibility import PUBLISHED, published_rule


class Tag(TagBase):
    """A subject the wire files stories under, e.g. "North Korea"."""

    name_key = models.CharField(max_length=100, editable=False)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name_key"], name="articles_tag_unique_name_key"),
        ]

    def save(self, *args, **kwargs):
        self.name_key = tag_key(self.name)
        if self._state.adding and not self.slug:
            self.slug = self.available_slug(self.name)
        super().save(*args, **kwargs)

    def available_slug(self, name):
        """A slug for name that no other tag has now or had before: a retired slug keeps
        redirecting to its tag rather than being taken over by a new one."""
        base = self.slugify(name)
        others = Tag.objects.exclude(pk=self.pk) if self.pk else Tag.objects.all()
        taken = set(others.filter(slug__startswith=base).values_list("slug", flat=True))
        retired = TagOldSlug.objects.filter(slug__startswith=base)
        if self.pk:
            retired = retired.exclude(tag=self)
        taken.update(retired.values_list("slug", flat=True))
        slug, attempt = base, 0
        while slug in taken:
            attempt += 1
            slug = self.slugify(name, attempt)
        return slug

    def slugify(self, tag, i=None):
        # taggit calls this to build the slug; ours is ASCII so that <slug:> URLs match.
        slug = ascii_slug(tag) or "tag"
        return slug if i is None else f"{slug}-{i + 1}"

    def get_absolute_url(self):
        return slug_url("articles:tag", self.slug)


class TagAlias(models.Model):
    """Another spelling of a tag ("Kim Jong Un" for "Kim Jong-un"): a digest header or an
    editor using it means the tag. Merges and renames record the names they retire here."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=100)
    name_key = models.CharField(max_length=100, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "tag aliases"
        constraints = [
            models.UniqueConstraint(fields=["name_key"], name="articles_tagalias_unique_name_key"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = tag_key(self.name)
        super().save(*args, **kwargs)


class TagOldSlug(models.Model):
    """A slug a tag had before a rename or a merge: its URL answers with a 301 to the tag."""

    slug = models.SlugField(max_length=100)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="old_slugs")
    retired_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-retired_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="articles_tagoldslug_unique_slug"),
        ]

    def __str__(self):
        return f"{self.slug} -> {self.tag_id}"


def tag_by_id(related_name):
    """A record's tag, kept by id with no constraint: a tag merged or deleted since, then
    brought back by an undo (with its id), is the record's tag again."""
    return models.ForeignKey(
        Tag,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name=related_name,
    )


class TagMerge(models.Model):
    """The record of a merge: which tags went into which, moving which items, and all an
    undo needs to bring the merged tags back as they were (tag_undo)."""

    target = tag_by_id(related_name="merges")
    target_name = models.CharField(max_length=100)
    # For each merged tag, its tag_records.TagSnapshot: {"id", "name", "slug", "items": [item
    # ids that had it], "description", "aliases", "old_slugs", "links": [[item id,
    # position]], "digests": [ids]}. Merges recorded before undo existed lack "links".
    sources = models.JSONField(default=list)
    # Items of the sources that had the target already: they keep it on an undo.
    target_had = models.JSONField(default=list, blank=True)
    # The newest link when the merge ran: the target's links above it were made since.
    last_link_id = models.BigIntegerField(null=True, blank=True)
    # The description the target took from a source, having none ("": none taken).
    description_taken = models.TextField(blank=True)
    items_moved = models.PositiveIntegerField(default=0)
    items_already_tagged = models.PositiveIntegerField(default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    merged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-merged_at", "-id"]

    def __str__(self):
        names = ", ".join(source["name"] for source in self.sources)
        return f"{names} -> {self.target_name}"


class TaggedItemQuerySet(models.QuerySet):
    def published(self, at=None):
        """Links to what readers may see: the item's reading rule, on the link's copy of it."""
        return self.filter(published_rule(at))


class TaggedItem(ItemBase):
    """One tag on one item, and where the item stands on the tag's page.

    The link also carries a copy of its item's visibility (status, published_at,
    unpublish_at), kept by database triggers (migration 0007): filled when a link is inserted
    without it, rewritten when the item's change. A tag page then reads its page, the item's
    related stories and a tag's feed from one index of published links, whatever the tag's
    size, and scheduled items appear and disappear at their times with no job to run.
    """

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_items")
    content_object = models.ForeignKey(
        "Item", on_delete=models.CASCADE, related_name="tagged_items"
    )
    # Ascending order of the tag page (top first). Gapped, so that a newer digest's items can
    # go above or between known ones without renumbering the whole tag.
    position = models.BigIntegerField(default=0)
    # The item's, copied by the triggers: never written by the application (left NULL on
    # insert, the trigger fills them from the item).
    status = models.CharField(max_length=10, null=True, editable=False)
    published_at = models.DateTimeField(null=True, editable=False)
    unpublish_at = models.DateTimeField(null=True, editable=False)

    objects = TaggedItemQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="articles_taggeditem_unique_item_tag"
            ),
        ]
        indexes = [
            # A tag's page in the wire's order, for the writers of positions (tag_pages) and
            # for readers: what the reading rule compares is in the index, so a deep page's
            # offset is counted in the index alone, on PostgreSQL and SQLite.
            models.Index(
                fields=["tag", "position", "id", "status", "published_at", "unpublish_at"],
                name="articles_link_page_order",
            ),
            # A tag's newest (feeds, related items, "newest first"); read backwards, oldest.
            models.Index(
                fields=["tag", "-published_at", "content_object", "unpublish_at"],
                condition=Q(status=PUBLISHED),
                name="articles_link_published_latest",
            ),
        ]
