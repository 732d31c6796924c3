"""Each API URL runs as many queries at 30 items as at 3: lists, filters, deep cursor pages."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.api.support import get_json, relative
from tests.factories import draft, make_item

pytestmark = pytest.mark.django_db

URLS = {
    "items": "/api/items/?page_size=2",
    "items, one tag": "/api/items/?tag=korea&page_size=2",
    "items, two tags": "/api/items/?tag=korea&tag=tag-1&page_size=2",
    "items, dates": "/api/items/?published_after=2000-01-01&published_before=2999-12-31",
    "items, search": "/api/items/?q=story&page_size=2",
    "items, oldest": "/api/items/?order=oldest&page_size=2",
    "tags": "/api/tags/?page_size=2",
    "item": "/api/items/story-00/",
    "tag": "/api/tags/korea/",
}
# Items and their tags; a tag filter adds the tags' check, a search the matches' keys.
EXPECTED = {"items": 2, "items, one tag": 3, "items, search": 3, "tags": 2, "item": 2, "tag": 2}


def stories(count):
    now = timezone.now()
    for n in range(count):
        make_item(f"Story {n:02}", "Korea", f"Tag {n % 3}", published_at=now - timedelta(hours=n))
        draft(f"Draft {n:02}", "Korea")


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return len(captured)


def counts(client):
    found = {name: queries(client, url) for name, url in URLS.items()}
    # A deep page: the third, at one item a page.
    url = "/api/items/?page_size=1"
    for _ in range(2):
        url = relative(get_json(client, url)["next"])
    found["items, third page"] = queries(client, url)
    return found


def test_constant_at_two_sizes(client):
    stories(3)
    small = counts(client)

    earlier = timezone.now() - timedelta(days=2)
    for n in range(27):
        make_item(
            f"More {n:02}", "Korea", f"Tag {n % 3}", published_at=earlier - timedelta(hours=n)
        )

    assert counts(client) == small
    assert {name: small[name] for name in EXPECTED} == EXPECTED
    assert small["items, third page"] == EXPECTED["items"]
