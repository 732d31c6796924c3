"""RSS 2.0 and Atom feeds: the 20 latest published items, site-wide and for each tag.

Descriptions are rendered by ``feeds/item_description.html`` (autoescaped paragraphs), so wire
text never reaches a feed reader as markup. Each feed runs a fixed number of queries: the tag
(per-tag feeds), the items, and their tags for the categories.
"""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .. import reader_pages
from ..models import Item
from . import queries
from .http import SITE_DESCRIPTION, SITE_NAME, lookup_tag_once

FEED_LENGTH = 20


class LatestItemsFeed(Feed):
    title = f"{SITE_NAME}: latest news"
    description = SITE_DESCRIPTION
    description_template = "feeds/item_description.html"

    def link(self):
        return reverse("articles:home")

    def feed_url(self):
        return reverse("articles:feed")

    def items(self):
        return Item.objects.published().with_tags()[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_categories(self, item):
        # The prefetched tags (with_tags); taggit's .names() would query again per item.
        return [tag.name for tag in queries.ordered_tags(item)]


class LatestItemsAtomFeed(LatestItemsFeed):
    feed_type = Atom1Feed
    subtitle = LatestItemsFeed.description

    def feed_url(self):
        return reverse("articles:atom")


class TagFeed(LatestItemsFeed):
    def get_object(self, request, slug):
        # Subscribers keep the feed they had when a tag is renamed or merged.
        match = lookup_tag_once(request, slug)
        if match is None:
            raise Http404(f"No tag with the slug {slug!r}.")
        return match.tag

    def items(self, tag):
        # The tag's newest links, from their index: as fast for a tag of 100,000 items.
        latest = list(queries.tag_page(tag, "newest")[:FEED_LENGTH].with_tags())
        if not latest:
            # As the tag page: a tag with nothing published is not known to readers.
            raise Http404(f"No published items tagged {tag.name!r}.")
        # Each item lists its tags: their names are part of the feed.
        reader_pages.depends_on(names=[other for item in latest for other in item.tag_list])
        return latest

    def title(self, tag):
        return f"{SITE_NAME}: contents tagged with {tag.name}"

    def description(self, tag):
        return tag.description or f"The latest stories tagged {tag.name}."

    def link(self, tag):
        return tag.get_absolute_url()

    def feed_url(self, tag):
        return reverse("articles:tag_feed", kwargs={"slug": tag.slug})


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed

    def subtitle(self, tag):
        return self.description(tag)

    def feed_url(self, tag):
        return reverse("articles:tag_atom", kwargs={"slug": tag.slug})
