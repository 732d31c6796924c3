"""What every public page shares: valid HTML, landmarks, meta tags, HTTP caching, static files."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_item
from tests.pages import collected_static, parse_strictly, texts

pytestmark = pytest.mark.django_db

# One URL of every page type, and the status each answers with.
PAGES = {
    "home": ("/", 200),
    "home, page 2": ("/?page=2", 200),
    "tag index": ("/tags/", 200),
    "tag": ("/tags/korea/", 200),
    "tag, page 2": ("/tags/korea/?page=2", 200),
    "tag, filtered": ("/tags/korea/?tag=russia&order=newest", 200),
    "tag, bad filter": ("/tags/korea/?published_after=yesterday", 400),
    "item": ("/items/story-00/", 200),
    "search form": ("/search/", 200),
    "search results": ("/search/?q=story&tag=korea", 200),
    "search, no results": ("/search/?q=zzz", 200),
    "search, bad query": ("/search/?q=" + "x" * 300, 400),
    "not found": ("/items/nothing/", 404),
}
CACHEABLE = [name for name, (url, status) in PAGES.items() if status == 200]


@pytest.fixture
def stories():
    now = timezone.now()
    for n in range(25):
        make_item(
            f"Story {n:02}",
            "Korea",
            *(["Russia"] if n % 2 else []),
            published_at=now - timedelta(hours=n + 1),
        )


@pytest.mark.parametrize("name", PAGES)
def test_every_page_is_valid_html_with_landmarks_and_one_h1(client, stories, name):
    url, status = PAGES[name]

    response = client.get(url)

    assert response.status_code == status
    document = parse_strictly(response.content)  # raises on any parse error
    assert document.get("lang") == "en"
    assert len(list(document.iterfind(".//h1"))) == 1
    assert len(list(document.iterfind(".//main"))) == 1
    assert len(list(document.iterfind(".//header[@class='site-header']"))) == 1
    assert len(list(document.iterfind(".//footer[@class='site-footer']"))) == 1
    [skip] = document.iterfind(".//body/a[@class='skip-link']")
    assert skip.get("href") == "#content"
    assert document.find(".//main").get("id") == "content"


@pytest.mark.parametrize("name", CACHEABLE)
def test_every_page_has_title_description_canonical_and_open_graph(client, stories, name):
    url, _ = PAGES[name]

    document = parse_strictly(client.get(url).content)

    [title] = texts(document, ".//head/title")
    assert title.endswith("Newsroom")
    meta = {
        node.get("name") or node.get("property"): node.get("content")
        for node in document.iterfind(".//head/meta")
    }
    assert meta["description"]
    [canonical] = document.iterfind(".//head/link[@rel='canonical']")
    assert canonical.get("href").startswith("http://testserver/")
    assert meta["og:url"] == canonical.get("href")
    assert meta["og:title"] and meta["og:description"] == meta["description"]
    assert meta["og:site_name"] == "Newsroom"


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("/tags/korea/", "http://testserver/tags/korea/"),
        ("/tags/korea/?page=1", "http://testserver/tags/korea/"),
        ("/tags/korea/?page=2&order=newest", "http://testserver/tags/korea/?page=2"),
        ("/tags/korea/?page=last", "http://testserver/tags/korea/?page=3"),
        ("/?page=2", "http://testserver/?page=2"),
    ],
)
def test_canonical_urls_keep_the_page_and_drop_the_rest(client, stories, url, canonical):
    document = parse_strictly(client.get(url).content)

    [link] = document.iterfind(".//head/link[@rel='canonical']")
    assert link.get("href") == canonical


@pytest.mark.parametrize("name", CACHEABLE)
def test_pages_are_cacheable_and_a_conditional_get_is_a_304(client, stories, name):
    url, _ = PAGES[name]

    first = client.get(url)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["Cache-Control"] == "public, max-age=60"
    assert again.status_code == 304
    assert again.content == b""


def test_a_changed_page_is_sent_again(client, stories):
    first = client.get("/")
    make_item("Breaking", "Korea", ago=timedelta(minutes=1))

    again = client.get("/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert b"Breaking" in again.content


def test_errors_are_not_cached_as_public(client, stories):
    assert "public" not in client.get("/items/nothing/").get("Cache-Control", "")
    assert "public" not in client.get("/search/?q=" + "x" * 300).get("Cache-Control", "")


def test_static_files_get_hashed_compressed_names_when_collected(client, stories, tmp_path):
    with collected_static(tmp_path):
        page = client.get("/").content.decode()
        [stylesheet] = re.findall(r'href="(/static/reader/site\.[0-9a-f]{12}\.css)"', page)
        served = client.get(stylesheet, HTTP_ACCEPT_ENCODING="gzip")

    assert (tmp_path / stylesheet.removeprefix("/static/")).is_file()
    assert (tmp_path / (stylesheet.removeprefix("/static/") + ".gz")).is_file()
    assert served.status_code == 200
    assert served["Content-Encoding"] == "gzip"
    assert "immutable" in served["Cache-Control"]
