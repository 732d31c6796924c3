"""The item page: /items/<slug>/ with its paragraphs, date, tags and related items."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import draft, make_item, scheduled
from tests.pages import clock_at, parse_strictly, texts

pytestmark = pytest.mark.django_db


def get(client, item):
    return client.get(item.get_absolute_url())


class TestContent:
    def test_title_paragraphs_as_imported_and_date(self, client):
        moment = timezone.now().replace(microsecond=0) - timedelta(days=3)
        item = make_item(
            "Kim meets Putin",
            "Korea",
            teaser="“Quoted” words,\u00a0here.\n\nSecond <em>paragraph</em>\u00a0…",
            published_at=moment,
        )

        response = get(client, item)
        document = parse_strictly(response.content)

        assert texts(document, ".//h1") == ["Kim meets Putin"]
        assert texts(document, ".//article/div/p") == [
            "“Quoted” words,\u00a0here.",
            "Second <em>paragraph</em>\u00a0…",
        ]
        assert "Second &lt;em&gt;paragraph&lt;/em&gt;\u00a0…" in response.content.decode()
        [time] = document.iterfind(".//article/header//time")
        assert time.get("datetime") == moment.isoformat()

    def test_tags_link_to_their_pages_a_to_z(self, client):
        item = make_item("Story", "Russia", "china", "Korea")

        document = parse_strictly(get(client, item).content)

        links = list(document.iterfind(".//article/footer//a[@rel='tag']"))
        assert [link.text for link in links] == ["china", "Korea", "Russia"]
        assert [link.get("href") for link in links] == [
            "/tags/china/",
            "/tags/korea/",
            "/tags/russia/",
        ]

    def test_canonical_url_and_open_graph(self, client):
        item = make_item("Story", "Korea", teaser="A first paragraph.\n\nA second.")

        document = parse_strictly(get(client, item).content)

        [canonical] = document.iterfind(".//head/link[@rel='canonical']")
        assert canonical.get("href") == f"http://testserver/items/{item.slug}/"
        meta = {m.get("property"): m.get("content") for m in document.iterfind(".//head/meta")}
        assert meta["og:type"] == "article"
        assert meta["og:title"] == "Story"
        assert meta["og:description"] == "A first paragraph."
        assert meta["og:url"] == canonical.get("href")

    def test_three_queries_whatever_the_number_of_tags(self, client, django_assert_num_queries):
        item = make_item("Story", *[f"Tag {n}" for n in range(8)])
        for n in range(8):
            make_item(f"Other {n}", f"Tag {n}")

        # The item, its tags, the related items.
        with django_assert_num_queries(3):
            assert get(client, item).status_code == 200


class TestReadingRules:
    @pytest.mark.parametrize("make", [draft, scheduled])
    def test_drafts_and_scheduled_items_are_not_found(self, client, make):
        assert get(client, make("Hidden", "Korea")).status_code == 404

    def test_unknown_slug(self, client):
        assert client.get("/items/nothing-here/").status_code == 404

    def test_a_scheduled_item_is_found_at_its_time(self, client):
        item = scheduled("Later", "Korea")

        with clock_at(item.published_at):
            assert get(client, item).status_code == 200


class TestRelated:
    def test_most_shared_tags_first_then_newest_at_most_five(self, client):
        item = make_item("Story", "A", "B", "C")
        make_item("Shares one, oldest", "A", ago=timedelta(days=9))
        make_item("Shares two", "A", "B", ago=timedelta(days=8))
        make_item("Shares three", "A", "B", "C", ago=timedelta(days=7))
        make_item("Shares one, newest", "C", ago=timedelta(days=1))
        make_item("Shares one, middle", "B", ago=timedelta(days=5))
        make_item("Shares one, older", "B", ago=timedelta(days=6))
        make_item("Unrelated", "D")

        document = parse_strictly(get(client, item).content)

        assert texts(document, ".//aside[@aria-labelledby='related-heading']//li/a") == [
            "Shares three",
            "Shares two",
            "Shares one, newest",
            "Shares one, middle",
            "Shares one, older",
        ]

    def test_only_published_items_are_related(self, client):
        item = make_item("Story", "A")
        draft("Draft", "A")
        scheduled("Scheduled", "A")

        document = parse_strictly(get(client, item).content)

        assert list(document.iterfind(".//aside[@aria-labelledby='related-heading']")) == []

    def test_an_item_without_tags_has_no_related_section(self, client):
        item = make_item("Alone")

        assert b"Related" not in get(client, item).content
