"""What the API tests share: reading a list's pages, following the ``next`` links."""

from urllib.parse import urlsplit


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.content[:300])
    return response.json()


def relative(url):
    """The path and query of an absolute ``next`` link, for the test client."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def walk(client, url, limit=1000):
    """Every page of a list from ``url`` on: a list of the pages' ``results``."""
    pages = []
    while url is not None and len(pages) < limit:
        page = get_json(client, url)
        pages.append(page["results"])
        url = relative(page["next"]) if page["next"] else None
    assert url is None, "the walk did not end"
    return pages


def slugs(results):
    return [row["slug"] for row in results]


def all_slugs(client, url):
    return [slug for page in walk(client, url) for slug in slugs(page)]
