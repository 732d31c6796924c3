"""RSS 2.0 and Atom feeds, site-wide and per tag, read back with feedparser."""

from datetime import timedelta

import feedparser
import pytest
from django.utils import timezone

from tests.factories import SEED_PAGE_1, SEED_PAGE_2, draft, make_item, scheduled, seed_titles
from tests.pages import parse_strictly

pytestmark = pytest.mark.django_db

SITE_FEEDS = ["/feed/", "/atom/"]
TAG_FEEDS = ["/tags/korea/feed/", "/tags/korea/atom/"]


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.fixture
def stories():
    now = timezone.now()
    items = [
        make_item(f"Story {n:02}", "Korea", "Russia", published_at=now - timedelta(hours=n + 1))
        for n in range(25)
    ]
    make_item("Elsewhere", "Culture", published_at=now - timedelta(minutes=30))
    return items


class TestContent:
    @pytest.mark.parametrize("url", TAG_FEEDS)
    def test_twenty_latest_of_the_tag_newest_first(self, client, stories, url):
        feed = read(client, url)

        assert [entry.title for entry in feed.entries] == [f"Story {n:02}" for n in range(20)]
        assert feed.feed.title == "Newsroom: contents tagged with Korea"

    @pytest.mark.parametrize("url", SITE_FEEDS)
    def test_site_feeds_cover_every_tag(self, client, stories, url):
        feed = read(client, url)

        assert [entry.title for entry in feed.entries] == ["Elsewhere"] + [
            f"Story {n:02}" for n in range(19)
        ]
        assert feed.feed.title == "Newsroom: latest news"

    @pytest.mark.parametrize("url", SITE_FEEDS + TAG_FEEDS)
    def test_links_dates_categories_and_text(self, client, stories, url):
        item = stories[5]
        [entry] = [entry for entry in read(client, url).entries if entry.title == item.title]

        assert entry.link == f"http://testserver/items/{item.slug}/"
        assert entry.published_parsed[:6] == item.published_at.utctimetuple()[:6]
        assert sorted(tag.term for tag in entry.tags) == ["Korea", "Russia"]
        assert entry.summary == "<p>Teaser of Story 05.\u00a0\u2026</p>"

    @pytest.mark.parametrize("url", SITE_FEEDS + TAG_FEEDS)
    def test_markup_in_wire_text_stays_text(self, client, url):
        make_item("<b>Bold</b> & co", "Korea", teaser="<script>alert(1)</script>")

        entry = read(client, url).entries[0]

        assert entry.title == "<b>Bold</b> & co"
        assert entry.summary == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"

    def test_seed_feed_lists_the_wire_order(self, client, seeded):
        feed = read(client, "/tags/north-korea/feed/")

        # Imported at one instant: the wire's order, page 1 then page 2.
        expected = seed_titles(SEED_PAGE_1) + seed_titles(SEED_PAGE_2)
        assert [entry.title for entry in feed.entries] == expected


class TestReadingRules:
    @pytest.mark.parametrize("url", SITE_FEEDS + TAG_FEEDS)
    def test_drafts_and_scheduled_items_are_left_out(self, client, url):
        make_item("Visible", "Korea")
        draft("Draft", "Korea")
        scheduled("Scheduled", "Korea")

        assert [entry.title for entry in read(client, url).entries] == ["Visible"]

    @pytest.mark.parametrize("suffix", ["feed/", "atom/"])
    def test_unknown_tag_or_nothing_published_is_a_404(self, client, suffix):
        draft("Draft", "Embargo")

        assert client.get(f"/tags/nowhere/{suffix}").status_code == 404
        assert client.get(f"/tags/embargo/{suffix}").status_code == 404


class TestQueries:
    @pytest.mark.parametrize(("url", "queries"), [("/feed/", 2), ("/tags/korea/feed/", 3)])
    def test_fixed_number(self, client, stories, django_assert_num_queries, url, queries):
        # (The tag,) the items, their tags.
        with django_assert_num_queries(queries):
            read(client, url)


class TestDiscovery:
    def test_every_page_links_the_site_feeds(self, client, stories):
        document = parse_strictly(client.get("/").content)

        links = {
            (link.get("type"), link.get("href"))
            for link in document.iterfind(".//head/link[@rel='alternate']")
        }
        assert links == {("application/rss+xml", "/feed/"), ("application/atom+xml", "/atom/")}

    def test_tag_pages_link_their_own_feeds_too(self, client, stories):
        document = parse_strictly(client.get("/tags/korea/").content)

        hrefs = {link.get("href") for link in document.iterfind(".//head/link[@rel='alternate']")}
        assert hrefs == {
            "/feed/",
            "/atom/",
            "/tags/korea/feed/",
            "/tags/korea/atom/",
            "/tags/korea/digest.txt",
        }

    def test_feeds_are_cacheable_and_answer_304(self, client, stories):
        first = client.get("/feed/")
        again = client.get("/feed/", HTTP_IF_NONE_MATCH=first["ETag"])

        assert "max-age=" in first["Cache-Control"]
        assert first["Last-Modified"]
        assert again.status_code == 304
