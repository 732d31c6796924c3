"""Home (latest items, most used tags) and the tag index (every tag in use, A to Z)."""

from datetime import timedelta

import pytest

from tests.factories import SEED_PAGE_1, SEED_PAGE_2, draft, make_item, scheduled, seed_titles
from tests.pages import parse_strictly, texts, titles_on

pytestmark = pytest.mark.django_db


class TestHome:
    def test_latest_seeds_first_twenty_a_page(self, client, seeded):
        response = client.get("/")

        assert titles_on(response) == seed_titles(SEED_PAGE_1) + seed_titles(SEED_PAGE_2)

    def test_newest_first_and_paginated(self, client):
        for days in range(25):
            make_item(f"{days} days ago", "Korea", ago=timedelta(days=days, hours=1))

        first, second = client.get("/"), client.get("/?page=2")

        assert titles_on(first) == [f"{days} days ago" for days in range(20)]
        assert titles_on(second) == [f"{days} days ago" for days in range(20, 25)]
        assert client.get("/?page=3").status_code == 404

    def test_a_story_shows_its_text_escaped_with_its_tags(self, client):
        item = make_item("<b>Bold</b> & co", "R&D <lab>", "Korea", teaser="<script>x</script>")

        response = client.get("/")
        content = response.content.decode()

        story = parse_strictly(response.content).find(".//main//article")
        assert story.find("h2/a").get("href") == f"/items/{item.slug}/"
        assert texts(story, ".//a[@class='chip']") == ["Korea", "R&D <lab>"]  # by name
        assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in content
        assert "<p>&lt;script&gt;x&lt;/script&gt;</p>" in content
        assert "<script>" not in content

    def test_drafts_and_scheduled_items_are_not_shown_or_counted(self, client):
        make_item("Visible", "Korea")
        draft("Draft", "Korea", "Secret")
        scheduled("Scheduled", "Korea", "Secret")

        response = client.get("/")
        document = parse_strictly(response.content)

        assert titles_on(response) == ["Visible"]
        assert texts(document, ".//aside//a[@class='chip']") == ["Korea 1 story"]

    def test_most_used_tags_by_count(self, client):
        make_item("One", "Korea", "Russia", "China")
        make_item("Two", "Korea", "Russia")
        make_item("Three", "Korea")

        document = parse_strictly(client.get("/").content)

        assert texts(document, ".//aside//a[@class='chip']") == [
            "Korea 3 stories",
            "Russia 2 stories",
            "China 1 story",
        ]

    def test_each_item_shows_its_tags(self, client):
        make_item("One", "Korea", "Russia")

        document = parse_strictly(client.get("/").content)

        assert texts(document, ".//main//article//a[@class='chip']") == ["Korea", "Russia"]

    def test_query_count_does_not_grow_with_items_or_tags(self, client, django_assert_num_queries):
        for n in range(30):
            make_item(f"Story {n}", f"Tag A{n % 7}", f"Tag B{n % 5}")

        # Count, items, their tags, the most used tags.
        with django_assert_num_queries(4):
            client.get("/")
        with django_assert_num_queries(4):
            client.get("/?page=2")


class TestTagIndex:
    def test_every_tag_in_use_a_to_z_with_counts(self, client):
        make_item("One", "zebra", "Émile", "apple")
        make_item("Two", "Apple pie", "apple")
        make_item("Three", "42")
        draft("Secret", "Hidden")
        scheduled("Later", "Hidden too", "zebra")

        document = parse_strictly(client.get("/tags/").content)

        assert texts(document, ".//ul[@class='tag-index']/li") == [
            "apple 2 stories",
            "Apple pie 1 story",
            "Émile 1 story",
            "zebra 1 story",
            "42 1 story",
        ]
        assert texts(document, ".//div[@class='letter-group']/h3") == ["A", "E", "Z", "#"]

    def test_most_used_first(self, client):
        make_item("One", "Korea", "Russia")
        make_item("Two", "Russia")

        document = parse_strictly(client.get("/tags/").content)

        assert texts(document, ".//section//ul[@class='tag-list']//a") == [
            "Russia 2 stories",
            "Korea 1 story",
        ]

    def test_one_query(self, client, django_assert_num_queries):
        for n in range(20):
            make_item(f"Story {n}", f"Tag {n}")

        with django_assert_num_queries(1):
            assert client.get("/tags/").status_code == 200

    def test_no_tags_yet(self, client):
        assert b"No tags yet" in client.get("/tags/").content
