"""Items: the stories as the wire's digests show them, their reading rules and revisions."""

from django.conf import settings
from django.db import models
from django.db.models import F, Prefetch, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from ..history import ItemRevision
from ..slug_urls import slug_url
from ..tag_names import ascii_slug
from .tags import TaggedItem
from .visibility import PUBLISHED, published_rule

ELLIPSIS = "\u2026"
PARAGRAPH_SEPARATOR = "\n\n"
# Room left in a slug for the "-2", "-3"… that tell items of the same title apart.
SLUG_BASE_LENGTH = 200
# The slug of a title with nothing a slug can keep (editing.make_slugs_readable fixes them).
FALLBACK_SLUG = "item"


def item_slug_base(title):
    """The slug a title gives an item, before any suffix: ASCII (tag_names.ascii_slug, the
    tags' own), so that <slug:> URLs match; "item" for a title with nothing to keep."""
    return ascii_slug(title, max_length=SLUG_BASE_LENGTH) or FALLBACK_SLUG


class ItemQuerySet(models.QuerySet):
    def published(self, at=None):
        """What readers may see: published, inside [published_at, unpublish_at).

        Both times are compared with the clock at query time, so scheduling needs no job
        (``visibility.published_rule``; tag links carry a copy of the same three columns).
        """
        return self.filter(published_rule(at))

    def for_tag(self, tag):
        """The items of a tag, in the order of its page (the digests' order)."""
        return self.filter(tagged_items__tag=tag).order_by(*TAG_PAGE_ORDER)

    def linked_by(self, links):
        """The items of ``links`` (TaggedItem rows of one tag, typically a sliced page of
        ``TaggedItem.objects.published()``): the links pick the rows, the items are read by key."""
        return self.filter(tagged_items__in=links.values("id"))

    def with_tags(self):
        """Each item's tags, read in one query for all, as the list ``item.tag_list``.

        A list, not ``item.tags.all()``: to hold prefetched tags Django builds a taggit
        queryset for each item (a quarter of a millisecond each, a quarter of the home page).
        """
        return self.prefetch_related(Prefetch("tags", to_attr="tag_list"))

    def with_open_conflict(self):
        """Items whose wire copy differs and no editor has resolved (models.WireCopy): the
        admin's "Conflicts" filter, and the dashboard's count."""
        from .conflicts import WireCopy

        return self.filter(pk__in=WireCopy.objects.open().values("item_id"))

    def possible_duplicates(self):
        """Items flagged as nearly the same as another and not dismissed (DuplicateCandidate):
        the admin's "Possible duplicates" filter."""
        from .duplicates import DuplicateCandidate

        flagged = DuplicateCandidate.objects.open()
        return self.filter(
            Q(pk__in=flagged.values("item_id")) | Q(pk__in=flagged.values("other_id"))
        )


# A tag page's order, on the items joined to the tag's links.
TAG_PAGE_ORDER = ("tagged_items__position", "tagged_items__id")


class Item(models.Model):
    """A story as the wire's digests show it: a title and its teaser paragraphs."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = PUBLISHED, "Published"

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
            # Readers' newest first (home, feeds): what the reading rule compares is in the
            # index, so a deep page's offset is counted in the index alone.
            models.Index(
                fields=["-published_at", "id", "unpublish_at"],
                condition=Q(status=PUBLISHED),
                name="articles_item_published_order",
            ),
            # The sitemap index: the latest change of a published item, the first row read
            # backwards (MAX(updated_at) read every published item).
            models.Index(
                fields=["-updated_at", "published_at", "unpublish_at"],
                condition=Q(status=PUBLISHED),
                name="articles_item_changes",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_url("articles:item", self.slug)

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


class ItemOldSlug(models.Model):
    """A slug an item had before an editor changed it: its URL answers with a 301 to the
    item. No other item may take it (admin form, imports), so the old links keep their
    promise."""

    slug = models.SlugField(max_length=255)
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="old_slugs")
    retired_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-retired_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="articles_itemoldslug_unique_slug"),
        ]

    def __str__(self):
        return f"{self.slug} -> {self.item_id}"


def assign_slugs(items):
    """Unique, stable ASCII slugs from titles (item_slug_base): "-2", "-3"… when a title
    repeats, and never a slug another item had (it redirects there).

    Suffixes are checked by exact lookups, 50 at a time: a prefix match ("base-%") would also
    match every longer title starting with the same words, and scan the slug index on SQLite.
    """
    bases = [item_slug_base(item.title) for item in items]
    checked = set(bases)
    taken = _taken_slugs(checked)
    for item, base in zip(items, bases, strict=True):
        slug, counter = base, 1
        while slug in taken:
            counter += 1
            slug = f"{base}-{counter}"
            if slug not in checked:
                window = [f"{base}-{n}" for n in range(counter, counter + 50)]
                checked.update(window)
                taken.update(_taken_slugs(window))
        taken.add(slug)
        item.slug = slug


def _taken_slugs(slugs):
    """Of slugs, those an item has, or had before an editor changed it (they redirect)."""
    slugs = list(slugs)
    taken = set(Item.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    taken.update(ItemOldSlug.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    return taken
