"""The readers' cache under test: a real one (Redis when REDIS_URL is set, else local
memory), a reader's client, and what tells a cached page from a fresh one.

Test modules import the fixtures (``reader_cache_fixture``, ``reader_fixture``) by name.
"""

import os
import uuid
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import reader_pages
from tests.pages import item_form_data, tag_form_data

DUMMY = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# Queries a page costs at most when it comes from the cache: none, but a tag's URL looks its
# slug up again after a rename, merge or deletion of any tag (then it is cached again).
FROM_CACHE = {"listing": 0, "item": 0, "tag": 1}


def served(client, url):
    """(response, whether it came from the cache: the view did not run)."""
    with mock.patch.object(reader_pages, "_render", wraps=reader_pages._render) as render:
        response, queries = get(client, url)
    from_cache = not render.called
    if from_cache:
        assert queries <= FROM_CACHE[kind_of(url)], url
    return response, from_cache


def real_caches():
    """The cache the tests run against: every test has keys of its own (a fresh prefix), so
    that runs sharing one Redis database never see each other's entries."""
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    url = os.environ.get("REDIS_URL")
    if url:
        backend = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    else:
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": prefix}
    return {"default": backend}, prefix


@pytest.fixture(name="reader_cache")
def reader_cache_fixture():
    settings, prefix = real_caches()
    with override_settings(CACHES=settings, READER_PAGE_CACHE=True):
        try:
            yield cache
        finally:
            _forget(prefix)


def _forget(prefix):
    if os.environ.get("REDIS_URL"):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(name="reader")
def reader_fixture():
    """An anonymous reader: no session cookie."""
    return Client()


def get(client, url):
    """(response, number of queries it took)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def fresh(url):
    """The page as computed now from the database, with no cache at all."""
    with override_settings(CACHES=DUMMY):
        return Client().get(url)


def kind_of(url):
    url = url.removeprefix("/api")  # the content API's URLs are cached as the pages are
    if url.startswith("/items/"):
        return "item"
    if url.startswith("/tags/") and url != "/tags/":
        return "tag"
    return "listing"


def warm(client, *urls):
    """Request each page until it comes from the cache (an item page or a tag feed takes
    two requests: the first records what else it shows)."""
    for url in urls:
        for _ in range(3):
            response, from_cache = served(client, url)
            assert response.status_code == 200, url
            if from_cache:
                break
        else:
            raise AssertionError(f"{url} is not served from the cache")


def assert_current(client, *urls):
    """What the reader gets is what the database says now."""
    for url in urls:
        response = client.get(url)
        now = fresh(url)
        assert (response.status_code, response.content) == (now.status_code, now.content), url


def assert_still_cached(client, *urls):
    """The page was not dropped: it comes from the cache, and it is still right."""
    for url in urls:
        response, from_cache = served(client, url)
        assert (response.status_code, from_cache) == (200, True), url
        assert response.content == fresh(url).content, url


def assert_dropped(client, *urls):
    """The page is computed again (and right)."""
    for url in urls:
        _, from_cache = served(client, url)
        assert not from_cache, url
    assert_current(client, *urls)


def item_form_post(client, item, url=None, **changes):
    """Save item through its admin change form (or ``url``: a revision's), with ``changes``."""
    url = url or reverse("admin:articles_item_change", args=[item.pk])
    return client.post(url, item_form_data(item, **changes))


def tag_form_post(client, tag, **changes):
    """Save tag through its admin change form (no new alias), with ``changes``."""
    return client.post(
        reverse("admin:articles_tag_change", args=[tag.pk]), tag_form_data(tag, **changes)
    )
