"""Items, tags, where each item came from, and the log of imports."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase

from .tagging import ascii_slug, tag_key

ELLIPSIS = "\u2026"
PARAGRAPH_SEPARATOR = "\n\n"


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
        return reverse("articles:tag", kwargs={"slug": self.slug})


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


class TagMerge(models.Model):
    """The audit record of a merge: which tags went into which, moving which items."""

    target = models.ForeignKey(
        Tag, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges"
    )
    target_name = models.CharField(max_length=100)
    # [{"id", "name", "slug", "items": [item ids that had it]}] for each merged tag.
    sources = models.JSONField(default=list)
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


class TaggedItem(ItemBase):
    """One tag on one item, and where the item stands on the tag's page."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="tagged_items")
    content_object = models.ForeignKey(
        "Item", on_delete=models.CASCADE, related_name="tagged_items"
    )
    # Ascending order of the tag page (top first). Gapped, so that a newer digest's items can
    # go above or between known ones without renumbering the whole tag.
    position = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="articles_taggeditem_unique_item_tag"
            ),
        ]
        indexes = [
            models.Index(fields=["tag", "position"], name="articles_taggeditem_page_order"),
        ]


class ItemRevision(models.Model):
    """What a revision of an item keeps besides its fields: its tags' names, when known.

    Taggit's manager is no ManyToManyField, so simple-history cannot track it. Editors' saves
    and deletions record the names here (None: a bulk path that did not look them up)."""

    tag_names = models.JSONField(null=True, blank=True)

    class Meta:
        abstract = True


class ItemQuerySet(models.QuerySet):
    def published(self, at=None):
        """What readers may see: published, inside [published_at, unpublish_at).

        Both times are compared with the clock at query time, so scheduling needs no job.
        """
        at = at or timezone.now()
        return self.filter(status=Item.Status.PUBLISHED, published_at__lte=at).filter(
            Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=at)
        )

    def for_tag(self, tag):
        """The items of a tag, in the order of its page (the digests' order)."""
        return self.filter(tagged_items__tag=tag).order_by(
            "tagged_items__position", "tagged_items__id"
        )

    def with_tags(self):
        return self.prefetch_related("tags")


class Item(models.Model):
    """A story as the wire's digests show it: a title and its teaser paragraphs."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=255, unique=True)
    # The paragraphs exactly as imported (non-breaking spaces, quotes and the wire's "…"
    # included), separated by one blank line; a paragraph never contains a line break.
    teaser = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField("publish at", null=True, blank=True)
    unpublish_at = models.DateTimeField(
        null=True, blank=True, help_text="Readers stop seeing the item at this time."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Identity for re-imports: derived from the title as first imported, so an editor may
    # retitle the item and the next import still finds it. Null for items made by hand.
    import_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    # Hash of the title and teaser the last import wrote: tells a wire change from an old copy.
    import_hash = models.CharField(max_length=64, blank=True, editable=False)
    imported_at = models.DateTimeField(null=True, blank=True, editable=False)

    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)

    tags = TaggableManager(through=TaggedItem, blank=True)

    objects = ItemQuerySet.as_manager()
    # Revisions of every save, bulk action and import, deletions included (django-simple-history).
    history = HistoricalRecords(bases=[ItemRevision])

    class Meta:
        permissions = [("publish_item", "Can publish, unpublish and schedule items")]
        # Newest first. An import publishes a digest's items at one instant; among those, the
        # earlier created came first on the wire (page 1 before page 2, top to bottom).
        ordering = ["-published_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["import_key"], name="articles_item_unique_import_key"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="articles_item_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="articles_item_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(unpublish_at__isnull=True)
                | Q(published_at__isnull=True)
                | Q(unpublish_at__gt=F("published_at")),
                name="articles_item_unpublish_after_publish",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="articles_item_latest"),
            # The admin's list: every item in this order, first page without a sort of all.
            models.Index(fields=["-published_at", "id"], name="articles_item_admin_order"),
            # Sorting the admin's list by title (the admin adds "-pk" to make it total).
            models.Index(fields=["title", "-id"], name="articles_item_admin_title"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:item", kwargs={"slug": self.slug})

    @property
    def paragraphs(self):
        return self.teaser.split(PARAGRAPH_SEPARATOR)

    @property
    def truncated(self):
        """The wire cut the teaser short ("…"): the full story lives elsewhere."""
        return self.teaser.endswith(ELLIPSIS)

    @property
    def is_edited(self):
        return self.edited_at is not None

    def mark_edited(self, user, when=None):
        """Record an editor's change: from now on imports keep this version."""
        self.edited_by = user
        self.edited_at = when or timezone.now()


class ImportRun(models.Model):
    """One invocation of the importer (command or admin): the unit of the import log."""

    class Origin(models.TextChoices):
        COMMAND = "command", "Command line"
        ADMIN = "admin", "Admin upload"
        UNDO = "undo", "Undo"

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.COMMAND)
    forced = models.BooleanField(default=False)
    status = models.CharField(max_length=10, default=Item.Status.PUBLISHED)

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

    class Meta:
        ordering = ["-started_at", "-id"]
        permissions = [
            ("import_digests", "Can import digests from the admin"),
            ("undo_importrun", "Can undo an import run"),
        ]

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
        indexes = [models.Index(fields=["run", "kind"], name="articles_importchange_run")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title or self.object_id}"


class PendingUpload(models.Model):
    """Digest files uploaded in the admin and previewed, waiting for the editor to confirm.

    Kept in the database, not on an app server's disk or in a per-process cache, so that the
    confirming request may reach any server; deleted once imported or after a day.
    """

    batch = models.UUIDField(db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["batch", "id"]

    def __str__(self):
        return self.name


class Digest(models.Model):
    """One imported digest file: one page of one tag's listing on the wire."""

    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    tag = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="digests")
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


def _record_tag_names(sender, instance, history_instance, **kwargs):
    # Set by whoever knows the tags at that moment: the admin form, the delete path.
    names = getattr(instance, "_history_tag_names", None)
    if names is not None:
        history_instance.tag_names = names


pre_create_historical_record.connect(_record_tag_names, sender=Item.history.model)
