"""The cache server down: every public page answers from the database, the outage is logged
once, a write's invalidation never raises, and a missed one drops every entry once the cache
answers again (articles/cache_health.py)."""

import logging
import socket

import pytest
from django.db import transaction
from django.test import override_settings
from redis.exceptions import ConnectionError as RedisConnectionError

from articles import cache_health, reader_cache
from articles.editing import unpublish_items
from articles.models import Item
from tests.factories import SEED_PAGE_1, seed_titles
from tests.reader.cache_support import (
    assert_current,
    assert_dropped,
    fresh,
    reader_cache_fixture,  # noqa: F401
    reader_fixture,  # noqa: F401
    warm,
)

PUBLIC_PAGES = [
    "/",
    "/tags/",
    "/tags/north-korea/",
    "/tags/north-korea/?page=2",
    "/tags/north-korea/feed/",
    "/tags/north-korea/atom/",
    "/search/?q=korea",
    "/feed/",
    "/atom/",
    "/sitemap.xml",
    "/sitemap-items.xml",
    "/sitemap-tags.xml",
    "/robots.txt",
]


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def cache_down():
    """Redis at a port where nothing listens, the page cache on."""
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    with override_settings(CACHES=caches, READER_PAGE_CACHE=True):
        yield


def cache_errors(caplog):
    return [r for r in caplog.records if r.name == "articles.reader_cache" and r.levelno >= 40]


@pytest.mark.usefixtures("seeded", "cache_down")
def test_every_public_page_answers_from_the_database_and_the_outage_is_logged_once(reader, caplog):
    item = Item.objects.get(title=seed_titles(SEED_PAGE_1)[0])
    pages = [*PUBLIC_PAGES, item.get_absolute_url()]
    with caplog.at_level(logging.INFO):
        for _ in range(2):
            for url in pages:
                response = reader.get(url)
                assert response.status_code == 200, url
                assert response.content == fresh(url).content, url

    [logged] = cache_errors(caplog)
    assert "The cache does not answer" in logged.getMessage()


@pytest.mark.usefixtures("seeded", "cache_down")
def test_a_write_commits_when_its_invalidation_fails(django_capture_on_commit_callbacks, caplog):
    with caplog.at_level(logging.INFO):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            unpublish_items(Item.objects.filter(title=seed_titles(SEED_PAGE_1)[0]))

    assert Item.objects.filter(status=Item.Status.DRAFT).count() == 1
    messages = [record.getMessage() for record in cache_errors(caplog)]
    assert any("invalidation failed" in message for message in messages)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded", "reader_cache")
def test_a_missed_invalidation_drops_every_page_when_the_cache_answers_again(reader, monkeypatch):
    warm(reader, "/", "/tags/north-korea/")
    first = Item.objects.get(title=seed_titles(SEED_PAGE_1)[0])

    def unreachable(names):
        raise RedisConnectionError("simulated: the cache is away at this commit")

    with monkeypatch.context() as during:
        during.setattr(reader_cache, "_bump", unreachable)
        with transaction.atomic():
            unpublish_items(Item.objects.filter(pk=first.pk))

    # Still away for this process: computed from the database, not the entries from before.
    assert_current(reader, "/", "/tags/north-korea/")
    # Back: the epoch goes first, so the pages from before the write are never served.
    monkeypatch.setattr(cache_health._health, "retry_at", 0.0)
    assert_dropped(reader, "/", "/tags/north-korea/")
    assert_current(reader, "/", "/tags/north-korea/")
    assert not cache_health._health.flush_pending


@pytest.mark.django_db
def test_healthz_reports_the_cache_apart_from_the_database(reader, cache_down):
    response = reader.get("/healthz")

    assert response.status_code == 200  # the site serves every page without its cache
    assert response.json() == {"databases": {"default": "ok"}, "cache": "unavailable"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
@pytest.mark.usefixtures("reader_cache")
def test_healthz_says_ok_when_both_answer(reader):
    response = reader.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"databases": {"default": "ok"}, "cache": "ok"}
