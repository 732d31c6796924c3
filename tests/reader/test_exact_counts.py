"""Counts are cached and exact: the three wrong pages of issue 8, and no job for schedules.

With a 60-second count cache each of these pages was wrong for up to a minute after the
write; now the write drops the counts it changes when it commits. Each runs with the page
cache on and off: the counts are right on their own.
"""

import pytest
from django.test import override_settings

from articles.editing import add_tag, publish_items, unpublish_items
from articles.models import Item
from tests.factories import HOUR, draft, make_item, scheduled, tag
from tests.pages import clock_at, parse_strictly, texts
from tests.reader.cache_support import reader_cache_fixture, reader_fixture  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the writes commit: on_commit runs for real
    pytest.mark.parametrize("page_cache", [True, False], ids=["page-cache", "counts-only"]),
]


@pytest.fixture(autouse=True)
def cached(reader_cache, page_cache):
    with override_settings(READER_PAGE_CACHE=page_cache):
        yield


def titles(response):
    return texts(parse_strictly(response.content), ".//main//article/h2/a")


def test_a_tag_whose_drafts_were_just_published_answers_at_once(reader):
    drafts = [draft(f"Quiet {n}", "Quiet") for n in range(3)]
    assert reader.get("/tags/quiet/").status_code == 404  # its count (0) is cached now

    publish_items(Item.objects.filter(pk__in=[item.pk for item in drafts]))

    response = reader.get("/tags/quiet/")
    assert response.status_code == 200
    assert titles(response) == ["Quiet 0", "Quiet 1", "Quiet 2"]


def test_a_tag_emptied_by_unpublishing_is_gone_at_once(reader):
    items = [make_item(f"Brief {n:02}", "Brief") for n in range(11)]
    first = reader.get("/tags/brief/")
    assert first.status_code == 200 and b'rel="next"' in first.content  # 11: two pages

    unpublish_items(Item.objects.filter(pk__in=[item.pk for item in items]))

    assert reader.get("/tags/brief/").status_code == 404  # not 200, empty, with a "next"
    assert reader.get("/tags/brief/?page=2").status_code == 404


def test_a_new_item_on_a_small_tag_pushes_the_oldest_to_page_two(reader):
    for n in range(10):
        make_item(f"Small {n}", "Small")
    page_one = reader.get("/tags/small/")
    assert len(titles(page_one)) == 10 and b'rel="next"' not in page_one.content

    add_tag(Item.objects.filter(pk=make_item("Newest", "Elsewhere").pk), tag("Small"))

    page_one = reader.get("/tags/small/")
    assert titles(page_one)[0] == "Newest" and b'rel="next"' in page_one.content
    assert titles(reader.get("/tags/small/?page=2")) == ["Small 9"]


def test_a_scheduled_item_counts_the_moment_its_time_comes(reader):
    item = scheduled("Embargoed", "Later", ahead=HOUR)
    assert reader.get("/tags/later/").status_code == 404
    home = reader.get("/")
    assert "Embargoed" not in home.text

    with clock_at(item.published_at):  # no write, no job: the clock alone
        assert titles(reader.get("/tags/later/")) == ["Embargoed"]
        assert "Embargoed" in reader.get("/").text
        assert "Later" in reader.get("/tags/").text


def test_an_unpublication_time_removes_the_item_from_the_counts(reader):
    item = make_item("Fleeting", "Brief")
    item.unpublish_at = item.published_at + 2 * HOUR
    item.save()
    make_item("Lasting", "Other")
    assert titles(reader.get("/tags/brief/")) == ["Fleeting"]
    assert "Brief" in reader.get("/tags/").text

    with clock_at(item.unpublish_at):
        assert reader.get("/tags/brief/").status_code == 404
        assert "Brief" not in reader.get("/tags/").text
