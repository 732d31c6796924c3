"""Sitemaps for crawlers: every published item and every tag page worth indexing (at least
``queries.MIN_INDEXED_ITEMS`` published items).

Served as an index (``/sitemap.xml``) of one sitemap per section, each paginated at the
protocol's 50,000 URLs, so that the wire's backlog never outgrows a single file. Last
modification times come from the database in the same query as the URLs. What the index
reads of each section is constant in the archive's size: its latest change from an index
(Django's default would load every row to find it) and its number of pages from the exact,
cached count of published items (``queries.published_count``).
"""

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Greatest
from django.utils import timezone

from ..models import Item, Tag, TaggedItem
from . import queries


class ItemSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        # An item scheduled ahead changes for readers when it appears, not when it was saved.
        return (
            Item.objects.published()
            .annotate(changed_at=Greatest("updated_at", "published_at"))
            .only("slug")
            .order_by("id")
        )

    def lastmod(self, item):
        return item.changed_at

    @property
    def paginator(self):
        paginator = Paginator(self._items(), self.limit)
        paginator.count = queries.published_count()  # the same rule, counted exactly, cached
        return paginator

    def get_latest_lastmod(self):
        # The greatest of GREATEST(updated_at, published_at) is the greater of the two
        # maxima, each the first row of an index of published items read backwards.
        latest = [
            Item.objects.published().order_by(f"-{field}").values_list(field, flat=True).first()
            for field in ("published_at", "updated_at")
        ]
        return max((moment for moment in latest if moment is not None), default=None)


class TagSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        # A tag's latest published item: the first of its published links, newest first,
        # from their index (no tag's items are all read); tags with none have no page.
        now = timezone.now()  # one moment for both rules
        newest = (
            TaggedItem.objects.published(now)
            .filter(tag=OuterRef("pk"))
            .order_by("-published_at")
            .values("published_at")[:1]
        )
        # Tags with too few items (queries.is_indexed) are left out: their pages say noindex.
        return (
            Tag.objects.annotate(changed_at=Subquery(newest))
            .filter(queries.has_indexed_items(now))
            .only("slug")
            .order_by("slug")
        )

    def lastmod(self, tag):
        return tag.changed_at

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("changed_at"))["latest"]


SITEMAPS = {"tags": TagSitemap, "items": ItemSitemap}
