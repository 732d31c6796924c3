"""The tag page: "Contents tagged with <Tag>", 10 items a page in the wire's order."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    SEED_PAGE_1,
    SEED_PAGE_2,
    draft,
    make_item,
    numbered_stories,
    scheduled,
    seed_titles,
    tag,
)
from tests.pages import clock_at, parse_strictly, texts, titles_on

pytestmark = pytest.mark.django_db


def tag_url(slug, **params):
    url = reverse("articles:tag", kwargs={"slug": slug})
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{url}?{query}" if query else url


class TestSeeds:
    def test_page_1_and_2_show_the_seed_digests_in_their_order(self, client, seeded):
        first = client.get(tag_url("north-korea"))
        second = client.get(tag_url("north-korea", page=2))

        assert titles_on(first) == seed_titles(SEED_PAGE_1)
        assert titles_on(second) == seed_titles(SEED_PAGE_2)

    def test_heading_names_the_tag(self, client, seeded):
        document = parse_strictly(client.get(tag_url("north-korea")).content)

        assert texts(document, ".//h1") == ["Contents tagged with North Korea"]
        assert texts(document, ".//title") == ["Contents tagged with North Korea | Newsroom"]

    def test_teasers_keep_the_wire_text_exactly(self, client, seeded):
        content = client.get(tag_url("north-korea")).content.decode()

        # Typographic quotes, the wire's cut-off and its non-breaking space, as imported.
        assert "“Because of the North Korea related sanctions" in content
        assert "which holds the company’\u00a0…</p>" in content


class TestPage:
    def test_description_shows_when_the_tag_has_one(self, client):
        korea = tag("Korea", description="Both Koreas.\n\nAnd <b>the DMZ</b>.")
        make_item("One", korea)

        content = client.get(tag_url("korea")).content.decode()

        assert "<p>Both Koreas.</p>" in content
        assert "And &lt;b&gt;the DMZ&lt;/b&gt;." in content
        assert '<meta name="description" content="Both Koreas.' in content

    def test_each_item_links_to_its_page_with_all_its_paragraphs(self, client):
        item = make_item("Summit", "Korea", teaser="First.\n\nSecond <script>.\n\nThird\u00a0…")

        document = parse_strictly(client.get(tag_url("korea")).content)

        [link] = document.iterfind(".//main//article/h2/a")
        assert link.get("href") == item.get_absolute_url()
        paragraphs = texts(document, ".//main//article/div/p")
        assert paragraphs == ["First.", "Second <script>.", "Third\u00a0…"]

    def test_publication_date_is_an_iso_time_element(self, client):
        moment = timezone.now().replace(microsecond=0) - timedelta(days=2)
        make_item("Dated", "Korea", published_at=moment)

        document = parse_strictly(client.get(tag_url("korea")).content)

        [time] = document.iterfind(".//main//article//time")
        assert time.get("datetime") == moment.isoformat()


class TestPagination:
    @pytest.fixture
    def korea(self):
        return numbered_stories("Korea", 25)

    def test_ten_items_a_page_in_the_tag_order(self, client, korea):
        assert titles_on(client.get(tag_url("korea"))) == [f"Story {n:02}" for n in range(1, 11)]
        assert titles_on(client.get(tag_url("korea", page=3))) == [
            f"Story {n:02}" for n in range(21, 26)
        ]

    def test_prev_and_next_links_and_page_numbers(self, client, korea):
        document = parse_strictly(client.get(tag_url("korea", page=2)).content)

        [prev] = document.iterfind(".//nav//a[@rel='prev']")
        [next_] = document.iterfind(".//nav//a[@rel='next']")
        assert prev.get("href") == "?"  # page 1 is the tag page itself
        assert next_.get("href") == "?page=3"
        numbers = texts(document, ".//nav[@aria-label='Pages']//li/a")
        assert numbers == ["← Previous page", "Page 1", "Page 2", "Page 3", "Next page →"]
        [current] = document.iterfind(".//nav//a[@aria-current='page']")
        assert "".join(current.itertext()) == "Page 2"
        assert [link.get("href") for link in document.iterfind(".//head/link[@rel='prev']")] == [
            "?"
        ]

    def test_first_page_has_no_prev_last_page_no_next(self, client, korea):
        first = parse_strictly(client.get(tag_url("korea")).content)
        last = parse_strictly(client.get(tag_url("korea", page=3)).content)

        assert list(first.iterfind(".//a[@rel='prev']")) == []
        assert list(last.iterfind(".//a[@rel='next']")) == []

    def test_page_links_keep_the_filters(self, client, korea):
        response = client.get(tag_url("korea", order="oldest"))

        assert b'href="?order=oldest&amp;page=2"' in response.content

    @pytest.mark.parametrize("page", ["4", "0", "-1", "abc", "1.5", "99999999999999999999", ""])
    def test_a_page_out_of_range_or_not_a_number_is_a_404(self, client, korea, page):
        response = client.get(tag_url("korea"), {"page": page})

        assert response.status_code == (200 if page == "" else 404)

    def test_the_query_count_does_not_grow_with_the_page(
        self, client, korea, django_assert_num_queries
    ):
        # The tag, the count, the page of items.
        with django_assert_num_queries(3):
            assert client.get(tag_url("korea")).status_code == 200
        with django_assert_num_queries(3):
            assert client.get(tag_url("korea", page=3)).status_code == 200

    def test_filters_add_one_query_for_the_tags_they_name(
        self, client, korea, django_assert_max_num_queries
    ):
        tag("Russia")
        make_item("Both", korea, "Russia")
        with django_assert_max_num_queries(5):
            response = client.get(
                tag_url("korea", tag="russia", published_after="2000-01-01", order="newest")
            )
        assert titles_on(response) == ["Both"]


class TestNotFound:
    def test_unknown_tag(self, client):
        assert client.get(tag_url("nowhere")).status_code == 404

    def test_tag_with_only_drafts_and_scheduled_items_is_unknown_to_readers(self, client):
        draft("Secret", "Embargo")
        scheduled("Tomorrow", "Embargo")

        assert client.get(tag_url("embargo")).status_code == 404
        assert client.get(tag_url("embargo", order="newest")).status_code == 404
        assert client.get(tag_url("embargo", published_after="2000-01-01")).status_code == 404

    def test_the_404_page_is_ours(self, client):
        response = client.get(tag_url("nowhere"))

        assert b"Page not found" in response.content
        parse_strictly(response.content)


class TestReadingRules:
    def test_drafts_and_scheduled_items_are_not_listed(self, client):
        make_item("Visible", "Korea")
        draft("Draft", "Korea")
        scheduled("Scheduled", "Korea")

        assert titles_on(client.get(tag_url("korea"))) == ["Visible"]

    def test_a_scheduled_item_appears_at_its_time_with_no_job(self, client):
        make_item("Visible", "Korea")
        later = scheduled("Later", "Korea", ahead=timedelta(hours=2))

        with clock_at(later.published_at + timedelta(seconds=1)):
            response = client.get(tag_url("korea"))

        assert titles_on(response) == ["Visible", "Later"]


class TestFilters:
    @pytest.fixture
    def stories(self):
        now = timezone.now()
        return {
            "old": make_item("Old", "Korea", "Russia", published_at=now - timedelta(days=30)),
            "mid": make_item("Mid", "Korea", published_at=now - timedelta(days=10)),
            "new": make_item(
                "New", "Korea", "Russia", "China", published_at=now - timedelta(days=1)
            ),
        }

    def test_order_newest_and_oldest(self, client, stories):
        assert titles_on(client.get(tag_url("korea"))) == ["Old", "Mid", "New"]
        assert titles_on(client.get(tag_url("korea", order="newest"))) == ["New", "Mid", "Old"]
        assert titles_on(client.get(tag_url("korea", order="oldest"))) == ["Old", "Mid", "New"]

    def test_other_tags_must_all_match(self, client, stories):
        assert titles_on(client.get(tag_url("korea", tag="russia"))) == ["Old", "New"]
        response = client.get(tag_url("korea") + "?tag=russia&tag=china")
        assert titles_on(response) == ["New"]

    def test_date_range_includes_both_days(self, client, stories):
        day = timezone.localdate(stories["mid"].published_at)
        response = client.get(
            tag_url("korea", published_after=day.isoformat(), published_before=day.isoformat())
        )

        assert titles_on(response) == ["Mid"]

    def test_no_match_is_an_empty_list_not_a_404(self, client, stories):
        response = client.get(tag_url("korea", published_after=date(2999, 1, 1).isoformat()))

        assert response.status_code == 200
        assert b"No items match these filters." in response.content

    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({"tag": "nowhere"}, "Expected a tag’s slug, found “nowhere”."),
            ({"published_after": "2020-13-45"}, "Enter a valid date."),
            ({"order": "random"}, "Select a valid choice."),
            (
                {"published_after": "2024-02-01", "published_before": "2024-01-01"},
                "Expected the “from” date on or before the “to” date, found 2024-02-01 after "
                "2024-01-01.",
            ),
        ],
    )
    def test_invalid_filters_are_a_400_with_the_reason(self, client, stories, params, message):
        response = client.get(tag_url("korea", **params))

        assert response.status_code == 400
        assert message in response.content.decode()
        assert titles_on(response) == []

    def test_drafts_do_not_count_as_a_tag_to_filter_by(self, client, stories):
        draft("Secret", "Korea", "Embargo")

        assert client.get(tag_url("korea", tag="embargo")).status_code == 400
