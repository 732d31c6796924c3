"""Which pages the benchmark loads, found in the imported database (no Django here).

The tags come from the data set's manifest (largest and smallest by entries), their slugs
and the item from the tables, so that the URLs are the product's own.
"""

from __future__ import annotations

import math
from contextlib import closing
from dataclasses import dataclass

from .text import RARE_WORD

PAGE_SIZE = 10  # the tag page's (articles/reader/views.py TagView.paginate_by)
COMMON_WORD = "bank"  # in ~1 title or teaser in 4 ("Central bank", "the World Bank", ...)
PHRASE = '"central bank"'


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: str


@dataclass(frozen=True)
class Plan:
    largest_slug: str
    largest_items: int
    smallest_slug: str
    smallest_items: int
    item_slug: str

    @property
    def last_page(self) -> int:
        return max(1, math.ceil(self.largest_items / PAGE_SIZE))

    def cached_pages(self, constant_size: int) -> list[Page]:
        """Measured on a server with the readers' page cache on."""
        return [
            Page("cached-constant", f"constant page ({constant_size:,} bytes), cache on",
                 f"/_bench/constant/{constant_size}/"),
            Page("cached-tag-first", "tag page 1 from the page cache",
                 f"/tags/{self.largest_slug}/"),
        ]  # fmt: skip

    def pages(self, constant_size: int) -> list[Page]:
        largest, last = self.largest_slug, self.last_page
        return [
            Page("floor-constant", f"constant page ({constant_size:,} bytes)",
                 f"/_bench/constant/{constant_size}/"),
            Page("floor-minimal-tag", "minimal tag page", f"/_bench/minimal-tag/{largest}/"),
            Page("tag-first", f"tag page 1 ({self.largest_items:,} items)", f"/tags/{largest}/"),
            Page("tag-last", f"tag page {last:,} (last)", f"/tags/{largest}/?page={last}"),
            Page("tag-small", f"small tag page ({self.smallest_items:,} items)",
                 f"/tags/{self.smallest_slug}/"),
            Page("tag-digest-first", "tag page 1 as a digest",
                 f"/tags/{largest}/digest.txt"),
            Page("tag-digest-last", f"tag page {last:,} as a digest",
                 f"/tags/{largest}/digest.txt?page={last}"),
            Page("api-items", "API: items, page 1", "/api/items/"),
            Page("api-tag", "API: largest tag's items, page 1", f"/api/items/?tag={largest}"),
            Page("item", "item page", f"/items/{self.item_slug}/"),
            Page("home", "home", "/"),
            Page("search-common", f"search, common word ({COMMON_WORD})",
                 f"/search/?q={COMMON_WORD}"),
            Page("search-rare", f"search, rare word ({RARE_WORD})", f"/search/?q={RARE_WORD}"),
            Page("search-phrase", f"search, phrase ({PHRASE})", "/search/?q=%22central+bank%22"),
            Page("feed", "RSS feed, latest", "/feed/"),
            Page("tag-feed", "RSS feed, largest tag", f"/tags/{largest}/feed/"),
            Page("sitemap-index", "sitemap index", "/sitemap.xml"),
            Page("sitemap-items", "sitemap of items, page 1", "/sitemap-items.xml"),
            Page("sitemap-tags", "sitemap of tags", "/sitemap-tags.xml"),
        ]  # fmt: skip


def find_plan(connection, backend: str, largest_name: str, smallest_name: str) -> Plan:
    """Slugs and sizes of the two tags, and an item of the largest tag that has a second tag."""
    mark = "?" if backend == "sqlite" else "%s"
    published = "i.status = 'published'"
    with closing(connection):
        cursor = connection.cursor()

        def tag(name: str) -> tuple[str, int, int]:
            cursor.execute(f"SELECT id, slug FROM articles_tag WHERE name = {mark}", (name,))
            found = cursor.fetchone()
            if found is None:
                raise LookupError(f"expected a tag named {name!r} after the import, found none")
            cursor.execute(
                "SELECT COUNT(*) FROM articles_taggeditem t JOIN articles_item i "
                f"ON i.id = t.content_object_id WHERE t.tag_id = {mark} AND {published}",
                (found[0],),
            )
            return found[1], cursor.fetchone()[0], found[0]

        largest_slug, largest_items, largest_id = tag(largest_name)
        smallest_slug, smallest_items, _ = tag(smallest_name)
        cursor.execute(
            "SELECT i.slug FROM articles_taggeditem t JOIN articles_item i "
            f"ON i.id = t.content_object_id WHERE t.tag_id = {mark} AND {published} AND "
            "(SELECT COUNT(*) FROM articles_taggeditem o WHERE o.content_object_id = i.id) > 1 "
            "ORDER BY t.position LIMIT 1",
            (largest_id,),
        )
        item = cursor.fetchone()
        if item is None:
            raise LookupError(f"expected an item of {largest_name!r} with two tags, found none")
    return Plan(largest_slug, largest_items, smallest_slug, smallest_items, item[0])
