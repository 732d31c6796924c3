"""What the reader site reads: tags in use and related items, under the reading rules.

Every function starts from ``Item.objects.published()`` or ``TaggedItem.objects.published()``
(the same rule, ``models.visibility``, on the links' copy of their item's visibility), so
drafts and items scheduled for later count nowhere, and a rule added there reaches every page
at once. Each function is one SQL query, whatever the number of items; the lists of items read
a bounded number of rows from an index whatever the size of the archive or of the tag.

Counting a tag's published items reads every link of the tag (every link of every tag for
the tag lists): at 100,000 items that is tens to hundreds of milliseconds a request. Counts
are therefore cached (``reader_cache``), exactly: under the versions every write of what
they count replaces, and never past the next publication or unpublication time.
"""

import unicodedata

from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber

from .. import reader_cache as cache
from ..models import Item, ItemOldSlug, Tag, TaggedItem
from ..models.items import TAG_PAGE_ORDER
from .paging import IndexedList

# Related items are chosen among this many newest published items of each of the item's tags.
RELATED_CANDIDATES = 50
# Tag pages with fewer published items than this are not indexed (is_indexed).
MIN_INDEXED_ITEMS = 3
NEWEST_ITEMS = ("-published_at", "id")
# A tag page's orders: (on its links, an index's order; on the items, the same order).
TAG_PAGE_ORDERS = {
    "wire": (("position", "id"), TAG_PAGE_ORDER),
    "newest": (("-published_at", "content_object_id"), NEWEST_ITEMS),
    "oldest": (("published_at", "-content_object_id"), ("published_at", "-id")),
}


def tag_page(tag, order="wire"):
    """A tag's published items in ``order`` (wire, newest, oldest), as an IndexedList: a page
    is picked from the tag's published links (one index) and only its items are read."""
    link_order, item_order = TAG_PAGE_ORDERS[order]
    links = TaggedItem.objects.published().filter(tag=tag).order_by(*link_order).values("id")
    return IndexedList(links, lambda page: Item.objects.linked_by(page).order_by(*item_order), Item)


def latest_items():
    """Every published item, newest first, as an IndexedList over the published items' index."""
    keys = Item.objects.published().order_by(*NEWEST_ITEMS).values("pk")
    return IndexedList(
        keys,
        lambda page: Item.objects.filter(pk__in=page).order_by(*NEWEST_ITEMS).with_tags(),
        Item,
    )


def item_by_old_slug(slug):
    """The published item that had ``slug`` before an editor changed it, or None."""
    old = (
        ItemOldSlug.objects.filter(slug=slug, item__in=Item.objects.published())
        .select_related("item")
        .first()
    )
    return old.item if old is not None else None


def tags_in_use():
    """Tags with at least one published item, each annotated with ``item_count``."""
    return Tag.objects.filter(
        tagged_items__content_object__in=Item.objects.published().values("pk")
    ).annotate(item_count=Count("tagged_items"))


def tag_counts():
    """Every tag in use with its ``item_count``: a list, cached exactly."""
    return cache.remember("tag-counts", [cache.LISTING], lambda: list(tags_in_use()))


def most_used_tags(limit, tags=None):
    """The ``limit`` tags with the most published items, of ``tags`` or of tag_counts()
    (cached exactly, as tag_counts() is: reading and ranking every tag in use a request cost
    the home page more than the rest of it at 1,000 tags)."""
    if tags is None:
        return cache.remember(
            f"most-used-tags:{limit}", [cache.LISTING], lambda: most_used_tags(limit, tag_counts())
        )
    ranked = sorted(tags, key=lambda tag: (-tag.item_count, sort_key(tag.name)))
    return ranked[:limit]


def published_count():
    """How many items readers can see (cached exactly)."""
    return cache.remember(
        "published-count", [cache.LISTING], lambda: Item.objects.published().count()
    )


def tag_item_count(tag):
    """How many published items ``tag`` has (cached exactly)."""
    return cache.remember(
        f"tag-item-count:{tag.pk}",
        [f"tag:{tag.pk}"],
        # The tag's published links, from their partial index: no item row is read.
        lambda: TaggedItem.objects.published().filter(tag=tag).count(),
    )


def is_indexed(count):
    """Whether a tag page with ``count`` published items is for search engines: fewer is
    thin content, ``noindex,follow`` on the page and left out of the sitemap."""
    return count >= MIN_INDEXED_ITEMS


def has_indexed_items(at=None):
    """For a Tag queryset: the tag has at least MIN_INDEXED_ITEMS items published ``at``
    (now), told by whether its published links have a MIN_INDEXED_ITEMS-th one (from their
    index, at most that many entries read a tag) rather than by counting them all."""
    nth = MIN_INDEXED_ITEMS - 1
    links = TaggedItem.objects.published(at).filter(tag=OuterRef("pk")).values("pk")
    return Exists(links[nth : nth + 1])


def published_item_counts(tags):
    """{tag pk: its published items} for ``tags``, in one query over their links' index."""
    links = TaggedItem.objects.published().filter(tag__in=[tag.pk for tag in tags])
    return dict(links.values("tag").annotate(count=Count("id")).values_list("tag", "count"))


def tags_with_published_items():
    """Tags a reader may know of, without counting: for lookups and form choices.

    Told by the links' own copy of their item's visibility, from their partial index (the
    first published link of the tag): reading the published items as ``content_object__in``
    listed every one of them, ~30 ms a tag filter at 100,000 items on SQLite."""
    published_links = TaggedItem.objects.published().filter(tag=OuterRef("pk"))
    return Tag.objects.filter(Exists(published_links))


def related_items(item, tags, limit=5, candidates=None):
    """Other published items sharing the most of ``tags`` (the item's), newest first.

    Chosen among the ``candidates`` newest published items of each tag, read from the links'
    index, so that an item of a tag with 100,000 stories costs what one of a small tag does.
    One subquery ranks each tag's links (``ROW_NUMBER`` over the tag): ``id IN (a) OR id IN
    (b)``, a subquery a tag, made PostgreSQL scan every item (88 ms at 100,000 items).
    """
    if not tags:
        return Item.objects.none()
    candidates = candidates or RELATED_CANDIDATES
    newest_first = (F("published_at").desc(), F("content_object_id").asc())
    ranked = (
        TaggedItem.objects.published()
        .filter(tag__in=tags)
        .exclude(content_object=item)
        .annotate(place=Window(RowNumber(), partition_by=F("tag_id"), order_by=newest_first))
        .filter(place__lte=candidates)
        .values("content_object_id")[
            # The bound tells the planner how few they are (it cannot see through the ranking).
            : candidates * len(tags)
        ]
    )
    return (
        Item.objects.filter(pk__in=ranked)
        .annotate(shared_tags=Count("tagged_items", filter=Q(tagged_items__tag__in=tags)))
        .order_by("-shared_tags", *NEWEST_ITEMS)[:limit]
    )


def by_initial(tags):
    """Tags grouped under their first letter, A to Z; accents and case ignored.

    Sorted here rather than in SQL: SQLite and PostgreSQL collate differently, and readers
    expect "Åland" next to "Aland", not after "Zimbabwe".
    """
    groups = {}
    for tag in sorted(tags, key=lambda tag: (sort_key(tag.name), tag.name)):
        key = sort_key(tag.name)
        initial = key[:1].upper() if key[:1].isalpha() else "#"
        groups.setdefault(initial, []).append(tag)
    return sorted(groups.items(), key=lambda group: (group[0] == "#", group[0]))


def sort_key(name):
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def ordered_tags(item):
    """An item's prefetched tags (``with_tags``) by name as readers sort them: taggit's
    prefetch has no ORDER BY (and takes no queryset), so its order was the plan's."""
    return sorted(item.tag_list, key=lambda tag: (sort_key(tag.name), tag.name))
