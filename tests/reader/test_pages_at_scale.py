"""Reader lists read from indexes: deep pages show the right items in the right order, and
every public page runs as many queries at 3 items as at 30."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.reader import queries
from articles.tag_pages import link_on_top
from tests.factories import draft, make_item, scheduled, tag
from tests.pages import parse_strictly, texts

pytestmark = pytest.mark.django_db


def titles_on(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return texts(parse_strictly(response.content), ".//main//article/h2/a")


def query_count(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


def stories(count, start=0):
    """``count`` published items under Korea in order, each an hour older than the one before,
    among drafts, scheduled ones and other tags; returns their titles in the wire's order."""
    now = timezone.now()
    titles = []
    for n in range(start, start + count):
        title = f"Story {n:02}"
        make_item(title, "Korea", f"Tag {n % 4}", published_at=now - timedelta(hours=n + 1))
        titles.append(title)
        if n % 3 == 0:
            draft(f"Draft {n:02}", "Korea")
            scheduled(f"Scheduled {n:02}", "Korea")
    return titles


class TestDeepPages:
    @pytest.mark.parametrize("page", [1, 2, 3, 4])
    def test_each_tag_page_in_the_wires_order(self, client, page):
        titles = stories(35)

        assert titles_on(client, f"/tags/korea/?page={page}") == titles[(page - 1) * 10 :][:10]

    @pytest.mark.parametrize(("order", "page"), [("newest", 4), ("oldest", 1), ("oldest", 4)])
    def test_newest_and_oldest_first(self, client, order, page):
        # Korea's wire order is the reverse of "newest first" here: the first story is newest.
        titles = stories(35)
        expected = titles if order == "newest" else titles[::-1]

        shown = titles_on(client, f"/tags/korea/?order={order}&page={page}")

        assert shown == expected[(page - 1) * 10 :][:10]

    def test_a_tag_page_renumbered_by_an_editor_keeps_its_order(self, client):
        titles = stories(25)
        korea = tag("Korea")
        latest = make_item("Tagged on top")

        link_on_top(korea, [latest.pk])

        assert titles_on(client, "/tags/korea/") == ["Tagged on top", *titles[:9]]
        assert titles_on(client, "/tags/korea/?page=3") == titles[19:25]

    @pytest.mark.parametrize("page", [1, 2, 3])
    def test_home_pages_newest_first(self, client, page):
        titles = stories(45)

        assert titles_on(client, f"/?page={page}") == titles[(page - 1) * 20 :][:20]

    def test_a_page_past_the_end_is_a_404(self, client):
        stories(12)

        assert client.get("/tags/korea/?page=3").status_code == 404
        assert client.get("/?page=2").status_code == 404


class TestRelated:
    def test_chosen_among_each_tags_newest(self, client, monkeypatch):
        monkeypatch.setattr(queries, "RELATED_CANDIDATES", 2)
        now = timezone.now()
        item = make_item("Story", "A", "B", published_at=now - timedelta(days=30))
        make_item("Old, shares both", "A", "B", published_at=now - timedelta(days=20))
        for n in range(3):
            make_item(f"A {n}", "A", published_at=now - timedelta(days=n + 1))
        make_item("B 0", "B", published_at=now - timedelta(days=1))

        document = parse_strictly(client.get(item.get_absolute_url()).content)

        # "Old, shares both" is not among A's two newest, but is among B's.
        assert texts(document, ".//aside[@aria-labelledby='related-heading']//li/a") == [
            "Old, shares both",
            "A 0",
            "B 0",
            "A 1",
        ]


PAGES = [
    ("tag page 1", "/tags/korea/"),
    ("tag page, last", "/tags/korea/?page=last"),
    ("tag page, newest, last", "/tags/korea/?order=newest&page=last"),
    ("home", "/"),
    ("home, last", "/?page=last"),
    ("item", "/items/story-00/"),
    ("tag index", "/tags/"),
    ("search", "/search/?q=story"),
    ("search, last", "/search/?q=story&page=last"),
    ("search, phrase and exclusion", '/search/?q="story 00"+-draft'),
    ("feed", "/feed/"),
    ("tag feed", "/tags/korea/feed/"),
    ("sitemap index", "/sitemap.xml"),
    ("sitemap of tags", "/sitemap-tags.xml"),
    ("sitemap of items", "/sitemap-items.xml"),
]


@pytest.mark.parametrize(("name", "url"), PAGES, ids=[name for name, _ in PAGES])
def test_query_count_is_the_same_at_3_and_at_30_items(client, name, url):
    stories(3)
    small = query_count(client, url)
    stories(30, start=3)  # 33 stories under Korea now, and more drafts, schedules and tags
    large = query_count(client, url)

    assert small == large, name
