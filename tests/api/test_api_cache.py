"""The API from the readers' page cache: served without the view, with the reader pages'
headers, and dropped exactly by each kind of write that changes a response (publish, edit,
retag, tag rename), while a response the write did not change stays cached."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.editing import add_tag, publish_items, remove_tag
from articles.models import Item, Tag
from articles.tag_services import rename_tag
from tests.factories import HOUR, draft, logged_in, make_item, tag
from tests.reader.cache_support import (
    assert_dropped,
    assert_still_cached,
    fresh,
    item_form_post,
    reader_cache_fixture,  # noqa: F401
    reader_fixture,  # noqa: F401
    tag_form_post,
    warm,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the writes commit: on_commit runs for real
    pytest.mark.usefixtures("reader_cache"),
]

ITEMS, TAGS = "/api/items/", "/api/tags/"
KOREA, KOREA_ITEMS = "/api/tags/korea/", "/api/items/?tag=korea"
SEOUL, MOSCOW, RUSSIA = "/api/items/seoul-talks/", "/api/items/moscow/", "/api/tags/russia/"


@pytest.fixture
def stories():
    return {
        "seoul": make_item("Seoul talks", "Korea", ago=3 * HOUR),
        "pyongyang": make_item("Pyongyang", "Korea", "China", ago=2 * HOUR),
        "moscow": make_item("Moscow", "Russia", ago=HOUR),
    }


def only(item):
    return Item.objects.filter(pk=item.pk)


def test_every_url_is_served_from_the_cache(reader, stories):
    urls = [ITEMS, f"{ITEMS}?page_size=1", KOREA_ITEMS, f"{ITEMS}?q=talks", TAGS, KOREA, SEOUL]
    warm(reader, *urls)
    assert_still_cached(reader, *urls)
    with CaptureQueriesContext(connection) as queries:
        assert reader.get(ITEMS).status_code == 200
    assert len(queries) == 0


def test_cache_control_and_etag_as_the_reader_pages(reader, stories):
    for url in [ITEMS, TAGS, KOREA, SEOUL]:
        warm(reader, url)
        cached, now = reader.get(url), fresh(url)
        for header in ["Cache-Control", "ETag", "Content-Type", "Vary"]:
            assert cached.headers.get(header) == now.headers.get(header), (url, header)
        assert cached["Cache-Control"] == "public, max-age=60"
        assert cached["Content-Type"] == "application/json"
        assert reader.get(url, headers={"if-none-match": cached["ETag"]}).status_code == 304


def test_errors_and_redirects_are_not_cached(reader, stories):
    rename_tag(Tag.objects.get(name="Korea"), "South Korea")
    for _ in range(2):
        assert reader.get(KOREA).status_code == 301
        assert reader.get("/api/items/?tag=nowhere").status_code == 400
        assert reader.get("/api/items/nowhere/").status_code == 404
    assert "Cache-Control" not in reader.get("/api/items/?tag=nowhere").headers


def test_publishing(reader, stories):
    hidden = draft("Draft in Korea", "Korea")
    warm(reader, ITEMS, KOREA_ITEMS, TAGS, KOREA, MOSCOW, RUSSIA)

    publish_items(only(hidden))

    assert_dropped(reader, ITEMS, KOREA_ITEMS, TAGS, KOREA)
    assert "draft-in-korea" in reader.get(KOREA_ITEMS).text
    assert reader.get(KOREA).json()["item_count"] == 3
    assert_still_cached(reader, MOSCOW, RUSSIA)


def test_an_edit_in_the_admin(client, reader, stories):
    logged_in(client, "editor", "Editors")
    warm(reader, ITEMS, KOREA_ITEMS, SEOUL, MOSCOW, RUSSIA)

    assert item_form_post(client, stories["seoul"], title="Seoul talks resume").status_code == 302

    assert_dropped(reader, ITEMS, KOREA_ITEMS, SEOUL)
    assert reader.get(SEOUL).json()["title"] == "Seoul talks resume"
    assert_still_cached(reader, MOSCOW, RUSSIA)


def test_retagging(reader, stories):
    warm(reader, ITEMS, SEOUL, KOREA, "/api/items/pyongyang/", MOSCOW, RUSSIA)

    add_tag(only(stories["seoul"]), tag("Japan"))
    assert_dropped(reader, ITEMS, SEOUL)
    assert [t["slug"] for t in reader.get(SEOUL).json()["tags"]] == ["japan", "korea"]
    assert reader.get("/api/items/?tag=japan").json()["results"][0]["slug"] == "seoul-talks"

    warm(reader, KOREA, KOREA_ITEMS)
    remove_tag(only(stories["seoul"]), Tag.objects.get(name="Korea"))
    assert_dropped(reader, SEOUL, KOREA, KOREA_ITEMS)
    assert reader.get(KOREA).json()["item_count"] == 1
    assert_still_cached(reader, "/api/items/pyongyang/", MOSCOW, RUSSIA)


def test_renaming_a_tag(client, reader, stories):
    logged_in(client, "editor", "Editors")
    korea = Tag.objects.get(name="Korea")
    pyongyang = "/api/items/pyongyang/"
    warm(reader, ITEMS, TAGS, KOREA, SEOUL, pyongyang, MOSCOW, RUSSIA)

    assert tag_form_post(client, korea, name="South Korea").status_code == 302

    assert_dropped(reader, ITEMS, TAGS, SEOUL, pyongyang)
    assert reader.get(KOREA).status_code == 301
    assert reader.get(SEOUL).json()["tags"] == [{"slug": "south-korea", "name": "South Korea"}]
    assert reader.get("/api/tags/south-korea/").json()["name"] == "South Korea"
    assert_still_cached(reader, MOSCOW, RUSSIA)


def test_a_tag_description_drops_its_tag_only(client, reader, stories):
    logged_in(client, "editor", "Editors")
    warm(reader, ITEMS, TAGS, KOREA, SEOUL)

    tag_form_post(client, Tag.objects.get(name="Korea"), description="The peninsula.")

    assert_dropped(reader, KOREA)
    assert reader.get(KOREA).json()["description"] == "The peninsula."
    assert_still_cached(reader, ITEMS, TAGS, SEOUL)
