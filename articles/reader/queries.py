"""What the reader site reads: tags in use and related items, under the reading rules.

Every function starts from ``Item.objects.published()``, so drafts and items scheduled for
later count nowhere, and a rule added there (e.g. unpublishing) reaches every page at once.
Each function is one SQL query, whatever the number of items.

Counting a tag's published items reads every link of the tag (every link of every tag for
the tag lists): at 100,000 items that is tens to hundreds of milliseconds a request. Counts
are therefore cached (``reader.cache``), exactly: under the versions every write of what
they count replaces, and never past the next publication or unpublication time.
"""

import unicodedata

from django.db.models import Count, Exists, OuterRef

from ..models import Item, Tag, TaggedItem
from . import cache


def tags_in_use():
    """Tags with at least one published item, each annotated with ``item_count``."""
    return Tag.objects.filter(
        tagged_items__content_object__in=Item.objects.published().values("pk")
    ).annotate(item_count=Count("tagged_items"))


def tag_counts():
    """Every tag in use with its ``item_count``: a list, cached exactly."""
    return cache.remember("tag-counts", [cache.LISTING], lambda: list(tags_in_use()))


def most_used_tags(limit, tags=None):
    """The ``limit`` tags with the most published items, of ``tags`` or of tag_counts()."""
    tags = tag_counts() if tags is None else tags
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
        lambda: Item.objects.published().for_tag(tag).count(),
    )


def tags_with_published_items():
    """Tags a reader may know of, without counting: for lookups and form choices."""
    published_links = TaggedItem.objects.filter(
        tag=OuterRef("pk"), content_object__in=Item.objects.published().values("pk")
    )
    return Tag.objects.filter(Exists(published_links))


def related_items(item, tags, limit=5):
    """Other published items sharing the most of ``tags`` (the item's), newest first."""
    if not tags:
        return Item.objects.none()
    return (
        Item.objects.published()
        .exclude(pk=item.pk)
        .filter(tagged_items__tag__in=tags)
        # After filter(): counts only the joined rows, i.e. the tags shared with ``item``.
        .annotate(shared_tags=Count("tagged_items"))
        .order_by("-shared_tags", "-published_at", "id")[:limit]
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
