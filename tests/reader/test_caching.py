"""Counts are cached (exactly: tests/reader/test_exact_counts.py); the page cache is off here,
so lists of items are read fresh."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from tests.factories import make_item
from tests.pages import titles_on

pytestmark = pytest.mark.django_db

LOCAL_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "reader-caching-tests",
    }
}


@pytest.fixture
def real_cache():
    with override_settings(CACHES=LOCAL_CACHE, READER_PAGE_CACHE=False):
        cache.clear()
        yield
        cache.clear()


@pytest.fixture
def stories():
    for n in range(12):
        make_item(f"Story {n:02}", "Korea", "Russia" if n % 2 else "China")


@pytest.mark.parametrize(
    ("url", "cold", "warm"),
    [
        # Cold, the first count also reads the next publication time (its cache deadline).
        ("/", 5, 2),  # items, their tags (+ the count and the tag counts when cold)
        ("/tags/", 2, 0),
        ("/tags/korea/", 4, 2),  # tag, items (+ the tag's count when cold)
        ("/search/", 2, 0),  # the tag counts
    ],
)
def test_a_second_request_reuses_the_counts(
    client, real_cache, stories, django_assert_num_queries, url, cold, warm
):
    with django_assert_num_queries(cold):
        first = client.get(url)
    with django_assert_num_queries(warm):
        second = client.get(url)

    assert first.content == second.content


def test_new_items_are_listed_at_once(client, real_cache, stories):
    client.get("/tags/korea/")
    make_item("Breaking", "Korea", "China")

    assert titles_on(client.get("/tags/korea/?order=newest"))[0] == "Breaking"


@override_settings(READER_CACHE_SECONDS=0)
def test_the_http_lifetime_does_not_bound_our_cache(
    client, real_cache, stories, django_assert_num_queries
):
    client.get("/tags/korea/")
    with django_assert_num_queries(2):  # exact counts: nothing to expire
        response = client.get("/tags/korea/")
    assert response["Cache-Control"] == "public, max-age=0"
