"""/sitemap.xml (an index of per-section sitemaps) and /robots.txt, for crawlers."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from articles.models import Item
from tests.factories import draft, make_item, scheduled

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ElementTree.fromstring(response.content)
    return {
        node.findtext("s:loc", namespaces=NS): node.findtext("s:lastmod", namespaces=NS)
        for node in root
    }


@pytest.fixture
def stories():
    """Korea has 3 published items (enough to be indexed: queries.MIN_INDEXED_ITEMS), Russia
    2 and more to come, Embargo none readers can see."""
    now = timezone.now().replace(microsecond=0)
    make_item("Zeroth", "Korea", published_at=now - timedelta(days=4))
    first = make_item("First", "Korea", "Russia", published_at=now - timedelta(days=3))
    second = make_item("Second", "Korea", "Russia", published_at=now - timedelta(days=1))
    draft("Draft", "Korea", "Embargo")
    scheduled("Scheduled", "Russia", "Embargo")
    return first, second


def test_the_index_lists_one_sitemap_per_section(client, stories):
    assert set(entries(client, "/sitemap.xml")) == {
        "http://testserver/sitemap-tags.xml",
        "http://testserver/sitemap-items.xml",
    }


def test_the_index_gives_each_section_its_latest_change(client, stories):
    first, second = stories
    edited = second.published_at + timedelta(days=2)
    Item.objects.filter(pk=first.pk).update(updated_at=edited)
    # A draft's later change and a scheduled item are not what readers see.
    Item.objects.filter(title="Draft").update(updated_at=edited + timedelta(days=1))

    index = entries(client, "/sitemap.xml")

    assert index == {
        "http://testserver/sitemap-tags.xml": second.published_at.isoformat(),
        "http://testserver/sitemap-items.xml": edited.isoformat(),
    }


def test_items_are_the_published_ones_with_their_last_change(client, stories):
    first, second = stories
    Item.objects.filter(pk=first.pk).update(updated_at=first.published_at + timedelta(hours=5))
    zeroth = Item.objects.get(title="Zeroth")

    items = entries(client, "/sitemap-items.xml")

    assert items == {
        "http://testserver/items/zeroth/": zeroth.updated_at.date().isoformat(),
        "http://testserver/items/first/": (first.published_at + timedelta(hours=5))
        .date()
        .isoformat(),
        "http://testserver/items/second/": second.updated_at.date().isoformat(),
    }


def test_a_scheduled_item_counts_as_changed_when_it_appears(client):
    item = make_item("Ahead", "Korea", published_at=timezone.now() + timedelta(days=2))
    Item.objects.filter(pk=item.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    item.refresh_from_db()
    Item.objects.filter(pk=item.pk).update(updated_at=item.published_at - timedelta(days=5))

    items = entries(client, "/sitemap-items.xml")

    assert items == {"http://testserver/items/ahead/": item.published_at.date().isoformat()}


def test_tag_pages_with_enough_published_items_and_their_latest_item(client, stories):
    first, second = stories

    tags = entries(client, "/sitemap-tags.xml")

    # Russia's 2 published items are too few (its scheduled third does not count yet).
    assert tags == {"http://testserver/tags/korea/": second.published_at.date().isoformat()}


def test_a_tag_enters_the_sitemap_with_its_third_published_item(client, stories):
    make_item("Third in Russia", "Russia", ago=timedelta(hours=2))

    tags = entries(client, "/sitemap-tags.xml")

    assert set(tags) == {"http://testserver/tags/korea/", "http://testserver/tags/russia/"}
    assert entries(client, "/sitemap.xml")["http://testserver/sitemap-tags.xml"] is not None


@pytest.mark.parametrize("size", [2, 20])
def test_query_counts_do_not_grow(client, stories, django_assert_num_queries, size):
    for n in range(size):
        make_item(f"Single {n}", f"Tag {n}")  # one item: not in the sitemap
        for k in range(3):
            make_item(f"Grouped {n} of {k}", f"Big {n}")
    assert len(entries(client, "/sitemap-tags.xml")) == size + 1

    # Each section's latest change (the items': the newest publication and the newest
    # change, two index reads) and number of pages.
    with django_assert_num_queries(5):
        client.get("/sitemap.xml")
    # The count, the page of URLs.
    with django_assert_num_queries(2):
        client.get("/sitemap-items.xml")
    with django_assert_num_queries(2):
        client.get("/sitemap-tags.xml")


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines
    assert "max-age=" in response["Cache-Control"]
