"""Search: /search/?q= over titles and teasers, ranked, highlighted, filtered, never a 500.

The same assertions hold on PostgreSQL (full text on the generated search_vector) and on SQLite
(full text on its FTS5 index): the words below mean the same to both.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Item
from articles.reader import search
from tests.factories import draft, make_item, scheduled
from tests.pages import parse_strictly, titles_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories():
    now = timezone.now()
    return [
        make_item(
            "Sanctions against Pyongyang",
            "Korea",
            "Russia",
            teaser="The ministry announced measures.",
            published_at=now - timedelta(days=20),
        ),
        make_item(
            "Trade talks resume",
            "Korea",
            teaser="Negotiators discussed sanctions relief at length.",
            published_at=now - timedelta(days=2),
        ),
        make_item(
            "Harvest festival",
            "Culture",
            teaser="Villagers celebrated the rice harvest.",
            published_at=now - timedelta(days=1),
        ),
    ]


class TestResults:
    def test_finds_words_in_titles_and_teasers_most_relevant_first(self, client, stories):
        response = client.get("/search/", {"q": "sanctions"})

        assert response.status_code == 200
        assert titles_on(response) == ["Sanctions against Pyongyang", "Trade talks resume"]
        assert b"2 results" in response.content

    def test_order_newest_and_oldest(self, client, stories):
        newest = client.get("/search/", {"q": "sanctions", "order": "newest"})
        oldest = client.get("/search/", {"q": "sanctions", "order": "oldest"})

        assert titles_on(newest) == ["Trade talks resume", "Sanctions against Pyongyang"]
        assert titles_on(oldest) == ["Sanctions against Pyongyang", "Trade talks resume"]

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("sanctions pyongyang", ["Sanctions against Pyongyang"]),
            ('"trade talks"', ["Trade talks resume"]),
            ("sanctions -relief", ["Sanctions against Pyongyang"]),
            ("pyongyang or harvest", ["Harvest festival", "Sanctions against Pyongyang"]),
            ("SANCTIONS Relief", ["Trade talks resume"]),
            ("nothing-like-this", []),
        ],
    )
    def test_query_syntax(self, client, stories, query, expected):
        response = client.get("/search/", {"q": query, "order": "newest"})

        assert titles_on(response) == expected

    def test_drafts_and_scheduled_items_are_never_found(self, client, stories):
        draft("Sanctions draft", "Korea")
        scheduled("Sanctions tomorrow", "Korea")

        response = client.get("/search/", {"q": "sanctions"})

        assert titles_on(response) == ["Sanctions against Pyongyang", "Trade talks resume"]

    def test_paginated_ten_a_page(self, client):
        for n in range(13):
            make_item(f"Festival {n:02}", "Culture", ago=timedelta(hours=n + 1))

        first = client.get("/search/", {"q": "festival", "order": "newest"})
        second = client.get("/search/", {"q": "festival", "order": "newest", "page": 2})

        assert titles_on(first) == [f"Festival {n:02}" for n in range(10)]
        assert titles_on(second) == [f"Festival {n:02}" for n in range(10, 13)]
        assert b'href="?q=festival&amp;order=newest&amp;page=2"' in first.content

    def test_query_count_is_fixed(self, client, stories, django_assert_num_queries):
        for n in range(15):
            make_item(f"Harvest {n}", f"Tag {n}", "Culture")

        # Count, page, the page's tags, the tag choices.
        with django_assert_num_queries(4):
            client.get("/search/", {"q": "harvest"})
        # ... and the tags named in the filter, checked in one query.
        with django_assert_num_queries(5):
            client.get("/search/", {"q": "harvest", "tag": ["culture", "tag-1"]})


class TestHighlighting:
    def test_matches_are_marked_in_titles_and_teasers(self, client, stories):
        content = client.get("/search/", {"q": "sanctions"}).content.decode()

        assert "<mark>Sanctions</mark> against Pyongyang" in content
        assert "discussed <mark>sanctions</mark> relief" in content

    def test_text_is_escaped_around_the_marks(self, client):
        title = "<b>Sanctions</b> & <script>sanctions</script>"
        make_item(title, "Korea", teaser="<i>sanctions</i>")

        content = client.get("/search/", {"q": "sanctions"}).content.decode()

        assert (
            "&lt;b&gt;<mark>Sanctions</mark>&lt;/b&gt; &amp; "
            "&lt;script&gt;<mark>sanctions</mark>&lt;/script&gt;"
        ) in content
        assert "<script>" not in content
        assert "&lt;i&gt;<mark>sanctions</mark>&lt;/i&gt;" in content

    def test_highlight_never_marks_inside_an_entity(self):
        assert search.highlight("A & amp <amp>", ["amp"]) == (
            "A &amp; <mark>amp</mark> &lt;<mark>amp</mark>&gt;"
        )

    def test_highlight_marks_words_starting_with_a_term_whatever_the_case(self):
        assert search.highlight("Über sanctioned, Sanctions", ["über", "sanction"]) == (
            "<mark>Über</mark> <mark>sanctioned</mark>, <mark>Sanctions</mark>"
        )

    def test_no_words_is_escaped_text(self):
        assert search.highlight("<b>", []) == "&lt;b&gt;"


class TestParse:
    def test_words_phrases_or_and_minus(self):
        assert search.parse('kim "north korea" -china russia or ukraine') == [
            [search.Term("kim")],
            [search.Term("north korea")],
            [search.Term("china", negated=True)],
            [search.Term("russia"), search.Term("ukraine")],
        ]

    def test_odd_input_gives_clauses_not_errors(self):
        assert search.parse('"unclosed phrase') == [[search.Term("unclosed phrase")]]
        assert search.parse("or or -- ! ''") == []
        assert len(search.parse(" ".join(f"w{n}" for n in range(100)))) == search.MAX_TERMS

    def test_highlight_words_leave_out_excluded_terms(self):
        assert search.highlight_words('"north korea" -china') == ["korea", "north"]


class TestForm:
    def test_empty_query_shows_the_form(self, client, stories, django_assert_num_queries):
        with django_assert_num_queries(1):  # the tag choices; no search, no count
            response = client.get("/search/")

        assert response.status_code == 200
        assert titles_on(response) == []
        document = parse_strictly(response.content)
        assert list(document.iterfind(".//main//form[@role='search']//input[@name='q']"))
        assert b"results" not in response.content

    def test_blank_query_is_the_empty_form(self, client, stories):
        response = client.get("/search/", {"q": "   "})

        assert response.status_code == 200
        assert titles_on(response) == []

    def test_search_pages_are_not_for_indexing(self, client):
        assert b'<meta name="robots" content="noindex, follow">' in client.get("/search/").content

    def test_filters_without_words_list_matching_items(self, client, stories):
        response = client.get("/search/", {"tag": "russia"})

        assert titles_on(response) == ["Sanctions against Pyongyang"]


class TestFilters:
    def test_tags_must_all_match(self, client, stories):
        both = client.get("/search/", {"q": "sanctions", "tag": ["korea", "russia"]})
        one = client.get("/search/", {"q": "sanctions", "tag": "korea"})

        assert titles_on(both) == ["Sanctions against Pyongyang"]
        assert titles_on(one) == ["Sanctions against Pyongyang", "Trade talks resume"]

    def test_date_range(self, client, stories):
        day = timezone.localdate(stories[1].published_at)
        response = client.get(
            "/search/",
            {"q": "sanctions", "published_after": day, "published_before": day},
        )

        assert titles_on(response) == ["Trade talks resume"]

    def test_selected_tags_stay_ticked(self, client, stories):
        document = parse_strictly(client.get("/search/", {"tag": "culture"}).content)

        [box] = document.iterfind(".//input[@name='tag'][@value='culture']")
        assert box.get("checked") is not None

    def test_too_many_tags(self, client, stories):
        for n in range(6):
            make_item(f"Story {n}", *[f"T{m}" for m in range(6)])
        response = client.get("/search/", {"tag": [f"t{m}" for m in range(6)]})

        assert response.status_code == 400
        assert "Expected at most 5 tags, found 6." in response.content.decode()


class TestOddQueries:
    @pytest.mark.parametrize(
        "query",
        [
            '"sanctions',
            'sanctions"',
            "'; DROP TABLE articles_item; --",
            "1' OR '1'='1",
            "sanctions) UNION SELECT * FROM auth_user --",
            "%",
            "_",
            "\\",
            "!!!",
            "& | ! <-> :*",
            "sanctions:* & !pyongyang",
            "or",
            "-",
            "-sanctions",
            "Über ümlaut",
            "😀 emoji",
            "a" * 200,
            "the",
        ],
    )
    def test_a_normal_page(self, client, stories, query):
        response = client.get("/search/", {"q": query})

        assert response.status_code == 200
        parse_strictly(response.content)
        assert Item.objects.count() == 3

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("a" * 10_000, "Ensure this value has at most 200 characters (it has 10000)."),
            ("sanc\x00tions", "Null characters are not allowed."),
        ],
    )
    def test_a_400_with_the_reason(self, client, stories, query, message):
        response = client.get("/search/", {"q": query})

        assert response.status_code == 400
        assert message in response.content.decode()
        assert "\x00" not in response.content.decode()
        parse_strictly(response.content)


def test_postgresql_searches_the_indexed_vector_sqlite_its_fts5_index(client, stories):
    with CaptureQueriesContext(connection) as queries:
        client.get("/search/", {"q": "sanctions"})

    # The matches' keys are read once, by the index; the page ranks those keys only.
    searches = [query["sql"] for query in queries if "sanctions" in query["sql"].lower()]
    assert len(searches) == 2
    matching, ranking = searches
    if connection.vendor == "postgresql":
        assert '"search_vector" @@' in matching
        assert all("websearch_to_tsquery('english'::regconfig" in sql for sql in searches)
        assert "unnest(" in ranking
    else:
        assert "articles_item_fts MATCH" in matching
        assert "json_each(" in ranking
        # Matching is FTS5's; LIKE only ranks the bounded candidates (one CASE WHEN each).
        assert all(sql.count("LIKE") == sql.count("CASE WHEN") for sql in searches)
