"""The tag digests and the sitemap's threshold in the page cache, dropped exactly.

A digest shows its tag's name and its items' titles and teasers, in the tag page's order: it
is stored under ``tag:<pk>`` only (not the description, nor other tags). A tag page says
noindex and the sitemap leaves it out below 3 published items, so publishing a third item
or unpublishing one must reach both even when they are cached.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.editing import add_tag, publish_items, remove_tag, unpublish_items
from articles.models import Item, Tag
from tests.factories import HOUR, draft, make_item, tag
from tests.pages import clock_at
from tests.reader.cache_support import (
    assert_dropped,
    assert_still_cached,
    item_form_post,
    reader_cache_fixture,  # noqa: F401
    reader_fixture,  # noqa: F401
    served,
    tag_form_post,
    warm,
)
from tests.reader.test_sitemaps import entries

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the writes commit: on_commit runs for real
    pytest.mark.usefixtures("reader_cache"),
]

KOREA, CHINA = "/tags/korea/digest.txt", "/tags/china/digest.txt"
KOREA_2, RUSSIA = f"{KOREA}?page=2", "/tags/russia/digest.txt"


@pytest.fixture
def stories():
    """Korea on two pages (12 items), one of them also in China; Russia apart."""
    korea = tag("Korea")
    shared = make_item("Pyongyang", korea, "China", ago=20 * HOUR)
    for number in range(11):
        make_item(f"Seoul {number}", korea, ago=(19 - number) * HOUR)
    make_item("Beijing", "China")
    make_item("Moscow", "Russia")
    return {"shared": shared, "korea": korea}


def only(item):
    return Item.objects.filter(pk=item.pk)


def test_digests_are_served_from_the_cache_at_no_query(reader, stories):
    warm(reader, KOREA, KOREA_2, RUSSIA)
    assert_still_cached(reader, KOREA, KOREA_2, RUSSIA)

    with CaptureQueriesContext(connection) as queries:
        response = reader.get(KOREA_2)
    assert (response.status_code, len(queries)) == (200, 0)
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith('inline; filename="001_')
    assert response["Cache-Control"] == "public, max-age=60"
    assert reader.get(KOREA_2, headers={"if-none-match": response["ETag"]}).status_code == 304


def test_publishing(reader, stories):
    hidden = draft("Draft in Korea", "Korea")
    warm(reader, KOREA, KOREA_2, RUSSIA)

    publish_items(only(hidden))

    assert_dropped(reader, KOREA, KOREA_2)
    assert "Draft in Korea" in reader.get(KOREA_2).text
    assert_still_cached(reader, RUSSIA)


def test_an_editor_edit_in_the_admin(client, reader, stories, editor):
    warm(reader, KOREA, CHINA, RUSSIA)

    response = item_form_post(client, stories["shared"], title="Pyongyang, again")
    assert response.status_code == 302

    assert_dropped(reader, KOREA, CHINA)
    assert "\u2022 Pyongyang, again\n" in reader.get(CHINA).text
    assert_still_cached(reader, RUSSIA)


def test_retagging(reader, stories):
    warm(reader, KOREA, KOREA_2, CHINA, RUSSIA)

    remove_tag(only(stories["shared"]), stories["korea"])

    assert_dropped(reader, KOREA, KOREA_2)
    assert "Pyongyang" not in reader.get(KOREA).text
    assert_still_cached(reader, CHINA, RUSSIA)  # its list is the same
    add_tag(only(stories["shared"]), Tag.objects.get(name="Russia"))
    assert_dropped(reader, RUSSIA)
    assert "Pyongyang" in reader.get(RUSSIA).text


def test_renaming_the_tag_in_the_admin(client, reader, stories, editor):
    warm(reader, KOREA, KOREA_2, CHINA)

    assert tag_form_post(client, stories["korea"], name="South Korea").status_code == 302

    moved = reader.get(KOREA_2)
    assert (moved.status_code, moved["Location"]) == (301, "/tags/south-korea/digest.txt?page=2")
    assert reader.get(moved["Location"]).text.startswith("Contents tagged with South Korea\n")
    assert_still_cached(reader, CHINA)


def test_a_rename_that_keeps_the_slug_changes_the_header(client, reader, stories, editor):
    warm(reader, KOREA, KOREA_2, CHINA)

    assert tag_form_post(client, stories["korea"], name="KOREA").status_code == 302

    assert_dropped(reader, KOREA, KOREA_2)
    assert reader.get(KOREA_2).text.startswith("Contents tagged with KOREA\n")
    assert_still_cached(reader, CHINA)


def test_a_description_is_not_in_the_digest_which_stays(client, reader, stories, editor):
    warm(reader, KOREA, "/tags/korea/")

    response = tag_form_post(client, stories["korea"], description="The peninsula.")
    assert response.status_code == 302

    assert_dropped(reader, "/tags/korea/")
    assert_still_cached(reader, KOREA)


def test_a_page_that_cannot_be_a_digest_is_never_cached(reader, stories):
    Item.objects.filter(title="Seoul 1").update(title="Seoul 0")  # two alike on page 1
    for _ in range(2):
        response, from_cache = served(reader, KOREA)
        assert (response.status_code, from_cache) == (503, False)


class TestThreshold:
    """Three published items put a tag page in the sitemap and take its noindex away."""

    TAGS = "/sitemap-tags.xml"

    @pytest.fixture
    def japan(self, stories):
        make_item("Tokyo", "Japan", ago=3 * HOUR)
        make_item("Osaka", "Japan", ago=2 * HOUR)
        return draft("Kyoto", "Japan")

    def in_sitemap(self, reader):
        return "http://testserver/tags/japan/" in entries(reader, self.TAGS)

    def noindex(self, reader):
        return '<meta name="robots" content="noindex,follow">' in reader.get("/tags/japan/").text

    def test_publishing_a_third_item_and_unpublishing_it(self, reader, japan):
        warm(reader, self.TAGS, "/sitemap.xml", "/tags/japan/", RUSSIA)
        assert (self.in_sitemap(reader), self.noindex(reader)) == (False, True)

        publish_items(only(japan))

        assert_dropped(reader, self.TAGS, "/sitemap.xml", "/tags/japan/")
        assert (self.in_sitemap(reader), self.noindex(reader)) == (True, False)
        assert_still_cached(reader, RUSSIA)
        warm(reader, self.TAGS, "/tags/japan/")

        unpublish_items(Item.objects.filter(title="Tokyo"))

        assert_dropped(reader, self.TAGS, "/tags/japan/")
        assert (self.in_sitemap(reader), self.noindex(reader)) == (False, True)

    def test_a_third_item_scheduled_enters_at_its_time(self, reader, japan):
        later = timezone.now() + 2 * HOUR
        make_item("Nara", "Japan", published_at=later)
        warm(reader, self.TAGS, "/tags/japan/")

        with clock_at(later):
            assert (self.in_sitemap(reader), self.noindex(reader)) == (True, False)
