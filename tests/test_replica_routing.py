"""With a replica: readers' pages read from it; writes, the admin, editors and commands don't.

The "replica" alias is a mirror of the test database (tests/conftest.py), so what a test
commits on the primary is there to read; each test turns the router and its middleware on, as
settings do when DATABASE_REPLICA_URL is set.
"""

from contextlib import ExitStack, contextmanager
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connections
from django.test import Client, RequestFactory
from django.urls import reverse

from articles import previews
from articles import reader_cache as reader_cache_module
from articles.models import Item, Tag
from newsroom.routers import (
    PRIMARY,
    REPLICA,
    ReplicaRouter,
    is_readers_request,
    reading_from_replica,
)
from tests.admin.test_items import change_url
from tests.factories import SEEDS, draft, logged_in, make_item
from tests.pages import item_form_data, run_command
from tests.reader.cache_support import reader_cache_fixture, served  # noqa: F401

# Reading from the replica's own connection needs committed rows: transactional tests.
reads_replica = pytest.mark.django_db(databases=[PRIMARY, REPLICA], transaction=True)
# Not the replica: a query routed there fails the test. (A TestCase allowed both would open a
# transaction on each, and on SQLite the two connections to one database would lock.)
reads_primary = pytest.mark.django_db(databases=[PRIMARY])

AUTHENTICATION = "django.contrib.auth.middleware.AuthenticationMiddleware"


@pytest.fixture(autouse=True)
def replica_routing(settings):
    settings.DATABASE_ROUTERS = ["newsroom.routers.ReplicaRouter"]
    after = settings.MIDDLEWARE.index(AUTHENTICATION) + 1
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:after],
        "newsroom.routers.ReplicaReadsMiddleware",
        *settings.MIDDLEWARE[after:],
    ]


@contextmanager
def queries_on():
    """The SQL each alias ran in the block, as {"default": [...], "replica": [...]}.

    Recorded by execute wrappers rather than CaptureQueriesContext, which connects to its
    database: tests that read from the primary are not allowed the replica at all."""
    ran = {PRIMARY: [], REPLICA: []}

    def recorder(alias):
        def record(execute, sql, params, many, context):
            ran[alias].append(sql)
            return execute(sql, params, many, context)

        return record

    with ExitStack() as stack:
        for alias in ran:
            stack.enter_context(connections[alias].execute_wrapper(recorder(alias)))
        yield ran


@pytest.fixture
def story():
    return make_item("Summit in Singapore", "North Korea")


@reads_replica
@pytest.mark.parametrize(
    ("url", "shows"),
    [
        ("/", "Summit in Singapore"),
        ("/tags/", "North Korea"),
        ("/tags/north-korea/", "Summit in Singapore"),
        ("/items/summit-in-singapore/", "Summit in Singapore"),
        ("/search/?q=summit", "in Singapore"),  # "Summit" is highlighted
        ("/feed/", "Summit in Singapore"),
        ("/tags/north-korea/atom/", "Summit in Singapore"),
        ("/sitemap-items.xml", "/items/summit-in-singapore/"),
    ],
)
def test_a_readers_page_reads_from_the_replica(client, story, url, shows):
    with queries_on() as ran:
        response = client.get(url)

    assert response.status_code == 200
    assert shows in response.text
    assert ran[REPLICA] and not ran[PRIMARY]


@reads_replica
def test_a_head_request_reads_from_the_replica(client, story):
    with queries_on() as ran:
        assert client.head("/tags/north-korea/").status_code == 200

    assert ran[REPLICA] and not ran[PRIMARY]


@reads_replica
def test_reads_after_the_request_go_to_the_primary_again(client, story):
    client.get("/")

    with queries_on() as ran:
        Item.objects.count()

    assert ran[PRIMARY] and not ran[REPLICA]


@reads_primary
def test_the_admin_reads_from_the_primary(client, story):
    logged_in(client, "editor", "Editors")

    for url in (reverse("admin:articles_item_changelist"), change_url(story)):
        with queries_on() as ran:
            assert client.get(url).status_code == 200
        assert ran[PRIMARY] and not ran[REPLICA], url


@reads_primary
def test_logging_in_uses_the_primary(client):
    logged_in(client, "editor", "Editors")
    client.logout()

    with queries_on() as ran:
        response = client.post(
            reverse("admin:login"), {"username": "editor", "password": "secret-pass-123"}
        )

    assert response.status_code == 302
    assert ran[PRIMARY] and not ran[REPLICA]


@reads_primary
def test_an_editor_reads_their_own_change_on_the_public_site(client, story):
    logged_in(client, "editor", "Editors")

    with queries_on() as saving:
        response = client.post(change_url(story), item_form_data(story, title="Summit postponed"))
    with queries_on() as reading:
        page = client.get("/items/summit-in-singapore/")

    assert response.status_code == 302
    assert saving[PRIMARY] and not saving[REPLICA]
    assert b"Summit postponed" in page.content
    assert reading[PRIMARY] and not reading[REPLICA]


@reads_primary
def test_management_commands_read_from_the_primary():
    with queries_on() as importing:
        run_command("import_digests", str(SEEDS))
    with queries_on() as exporting:
        out, _ = run_command("export_digest", "North Korea")

    assert out.startswith("Contents tagged with North Korea")
    assert importing[PRIMARY] and not importing[REPLICA]
    assert exporting[PRIMARY] and not exporting[REPLICA]


@pytest.mark.parametrize(
    ("method", "path", "logged_in", "readers"),
    [
        ("get", "/tags/korea/", False, True),
        ("head", "/", False, True),
        ("post", "/search/", False, False),
        ("options", "/", False, False),
        ("get", "/admin/", False, False),
        ("get", "/admin/login/", False, False),
        ("get", "/tags/korea/", True, False),
    ],
)
def test_which_requests_are_readers(method, path, logged_in, readers):
    request = getattr(RequestFactory(), method)(path)
    request.user = SimpleNamespace(is_authenticated=True) if logged_in else AnonymousUser()
    if logged_in:
        request.COOKIES[settings.SESSION_COOKIE_NAME] = "a-session"

    assert is_readers_request(request) is readers


def test_writes_go_to_the_primary_even_in_a_readers_request():
    router = ReplicaRouter()

    with reading_from_replica():
        assert router.db_for_read(Item) == REPLICA
        assert router.db_for_write(Item) == PRIMARY
    assert router.db_for_read(Item) == PRIMARY


def test_only_the_primary_is_migrated_and_relations_span_both():
    router = ReplicaRouter()
    on_primary, on_replica = Item(), Tag()
    on_primary._state.db, on_replica._state.db = PRIMARY, REPLICA

    assert router.allow_migrate(PRIMARY, "articles")
    assert not router.allow_migrate(REPLICA, "articles")
    assert router.allow_relation(on_primary, on_replica)


@reads_primary
def test_the_readers_cache_is_filled_from_the_primary_and_serves_readers(reader_cache):
    # reads_primary: a query on the replica fails the test. What the cache stores must come
    # from the primary, whose commits replaced the versions it is stored under.
    make_item("Summit in Singapore", "North Korea")
    client = Client()

    hits = [
        served(client, url)[1] for url in ("/", "/", "/tags/north-korea/", "/tags/north-korea/")
    ]

    assert hits == [False, True, False, True]
    assert "Cookie" not in client.get("/").get("Vary", "")  # the session was never read


@reads_primary
def test_counts_the_cache_keeps_are_read_from_the_primary(reader_cache):
    with reading_from_replica():
        assert ReplicaRouter().db_for_read(Item) == REPLICA
        alias = reader_cache_module.remember(
            "alias", [reader_cache_module.LISTING], lambda: ReplicaRouter().db_for_read(Item)
        )
        assert ReplicaRouter().db_for_read(Item) == REPLICA

    assert alias == PRIMARY


@reads_primary
def test_a_preview_reads_from_the_primary_an_editors_save_shows_at_once():
    item = draft("Not out yet", "North Korea")
    token = previews.preview_token(item)

    for url in (previews.preview_url(item), previews.preview_tag_url(token, item.tags.get())):
        with queries_on() as ran:
            assert Client().get(url).status_code == 200  # anonymous: a reader's request
        assert ran[PRIMARY] and not ran[REPLICA], url
