"""Search ranks and counts a bounded set of matches: beyond ``MAX_RESULTS``, "1,000+ results"
(here the bound is set low). The same on PostgreSQL and on SQLite's FTS5 index."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Item
from articles.reader import search
from tests.factories import make_item
from tests.pages import parse_strictly, texts

pytestmark = pytest.mark.django_db


def results(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    document = parse_strictly(response.content)
    return texts(document, ".//p[@class='result-count']"), texts(document, ".//main//article/h2/a")


@pytest.fixture
def summits():
    """Five summits, newest first (Summit 0 an hour ago), and one story without the word."""
    now = timezone.now()
    make_item("Harvest festival", "Culture", published_at=now)
    return [
        make_item(f"Summit {n}", "Korea", published_at=now - timedelta(hours=n + 1))
        for n in range(5)
    ]


@pytest.fixture
def low_bound(monkeypatch):
    monkeypatch.setattr(search, "MAX_RESULTS", 3)


def test_beyond_the_bound_the_count_says_so_and_the_newest_matches_are_ranked(
    client, summits, low_bound
):
    count, titles = results(client, q="summit", order="newest")

    assert count == ["3+ results"]
    assert titles == ["Summit 0", "Summit 1", "Summit 2"]


def test_oldest_first_ranks_the_oldest_matches(client, summits, low_bound):
    assert results(client, q="summit", order="oldest") == (
        ["3+ results"],
        ["Summit 4", "Summit 3", "Summit 2"],
    )


def test_no_page_past_the_bound(client, summits, monkeypatch):
    monkeypatch.setattr(search, "MAX_RESULTS", 2)
    client_page = client.get("/search/", {"q": "summit", "page": 2})

    assert client_page.status_code == 404
    assert results(client, q="summit")[0] == ["2+ results"]


def test_under_the_bound_the_count_is_exact(client, summits, low_bound):
    Item.objects.filter(title__in=["Summit 3", "Summit 4"]).delete()

    assert results(client, q="summit", order="newest") == (
        ["3 results"],
        ["Summit 0", "Summit 1", "Summit 2"],
    )


def test_most_relevant_first_among_the_matches(client):
    make_item("Trade news", "Korea", teaser="Talks on trade.")
    make_item("Trade talks resume", "Korea", teaser="Trade talks resumed on trade.")

    assert results(client, q="trade talks")[1] == ["Trade talks resume", "Trade news"]


def test_stems_and_case_are_ignored(client, summits):
    assert results(client, q="SUMMITS", order="newest")[1] == [f"Summit {n}" for n in range(5)]


def test_exclusions_alone_list_what_lacks_the_words(client, summits):
    assert results(client, q="-summit")[1] == ["Harvest festival"]


def test_a_phrase_matches_its_words_in_order(client):
    make_item("North Korea talks", "Korea")
    make_item("Korea North of the river", "Korea")

    assert results(client, q='"north korea"')[1] == ["North Korea talks"]


def test_filters_alone_are_bounded_too(client, summits, low_bound):
    assert results(client, tag="korea") == (["3+ results"], ["Summit 0", "Summit 1", "Summit 2"])
