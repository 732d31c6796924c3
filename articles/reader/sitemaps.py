"""Sitemaps for crawlers: every published item and every tag page that has one.

Served as an index (``/sitemap.xml``) of one sitemap per section, each paginated at the
protocol's 50,000 URLs, so that the wire's backlog never outgrows a single file. Last
modification times come from the database in the same query as the URLs, and the index reads
each section's latest with one aggregate (Django's default would load every row to find it).
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Greatest

from ..models import Item
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

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("changed_at"))["latest"]


class TagSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        # Annotated after the filter: the latest of the tag's published items only.
        return (
            queries.tags_in_use()
            .annotate(changed_at=Max("tagged_items__content_object__published_at"))
            .only("slug")
            .order_by("slug")
        )

    def lastmod(self, tag):
        return tag.changed_at

    def get_latest_lastmod(self):
        return (
            Item.objects.published()
            .filter(tagged_items__isnull=False)
            .aggregate(latest=Max("published_at"))["latest"]
        )


SITEMAPS = {"tags": TagSitemap, "items": ItemSitemap}
