"""Cursor pages: a walk lists every published item once, in the list's order, ties broken
by id, whatever is inserted meanwhile; cursors are opaque and checked."""

from datetime import timedelta

import pytest
from django.core import signing
from django.db import connection
from django.utils import timezone

from articles.api import cursors
from articles.models import Item, TaggedItem
from tests.api.support import all_slugs, get_json, relative, slugs, walk
from tests.factories import draft, make_item
from tests.pages import clock_at
from tests.query_cost import analyze, bulk_items, cost, recorded

pytestmark = pytest.mark.django_db


def archive(count, *, same_instant_every=3):
    """``count`` published items among drafts, each an hour older than the one before,
    except that every ``same_instant_every`` in a row share one instant (as a digest's items
    do); returns their slugs newest first (ties: the earlier created first)."""
    now = timezone.now().replace(microsecond=0)
    for n in range(count):
        moment = now - timedelta(hours=n // same_instant_every)
        make_item(f"Story {n:03}", "Korea" if n % 2 else "China", published_at=moment)
        if n % 4 == 0:
            draft(f"Draft {n:03}", "Korea")
    return list(
        Item.objects.published().order_by("-published_at", "id").values_list("slug", flat=True)
    )


class TestWalk:
    @pytest.mark.parametrize("size", [1, 2, 7, 20])
    def test_every_published_item_once_newest_first(self, client, size):
        expected = archive(23)

        pages = walk(client, f"/api/items/?page_size={size}")

        assert [slug for page in pages for slug in slugs(page)] == expected
        assert all(len(page) == size for page in pages[:-1])
        assert 1 <= len(pages[-1]) <= size

    def test_oldest_first_is_the_reverse(self, client):
        expected = archive(17)

        assert all_slugs(client, "/api/items/?order=oldest&page_size=4") == expected[::-1]

    def test_a_filtered_list_is_walked_to_its_end(self, client, monkeypatch):
        # The search page ranks at most MAX_RESULTS items; a tag's API list is not bounded.
        monkeypatch.setattr("articles.reader.search.MAX_RESULTS", 3)
        expected = [slug for n, slug in enumerate(archive(20)) if slug[-1] in "13579"]

        assert all_slugs(client, "/api/items/?tag=korea&page_size=3") == expected

    def test_the_last_page_has_no_next_link(self, client):
        archive(4)

        assert get_json(client, "/api/items/?page_size=4")["next"] is None
        assert get_json(client, "/api/items/?page_size=3")["next"] is not None

    def test_an_empty_list(self, client):
        assert get_json(client, "/api/items/") == {"next": None, "results": []}

    def test_stable_under_inserts(self, client):
        expected = archive(12)
        first = get_json(client, "/api/items/?page_size=5")
        # Newer items, one among the rows already read, one tied with the cursor's row.
        make_item("Breaking", "Korea")
        last_read = Item.objects.get(slug=first["results"][-1]["slug"])
        make_item("Tied", "Korea", published_at=last_read.published_at)

        rest = all_slugs(client, relative(first["next"]))

        # Nothing read twice, nothing skipped; the tied newcomer (a higher id) comes after.
        assert slugs(first["results"]) + [slug for slug in rest if slug != "tied"] == expected
        assert rest.count("tied") == 1 and "breaking" not in rest

    def test_filters_are_kept_in_the_next_link(self, client):
        archive(10)

        page = get_json(client, "/api/items/?tag=korea&page_size=2&order=oldest")

        assert "tag=korea" in page["next"] and "order=oldest" in page["next"]


def deep_url(client, url, pages):
    for _ in range(pages):
        url = relative(get_json(client, url)["next"])
    return url


def items_query(client, url):
    """The page's items query (its LIMIT is the page's size and one), as (sql, params)."""
    statements = recorded(lambda: get_json(client, url))
    return next(statement for statement in statements if "LIMIT 21" in statement[0])


class TestDepth:
    """A deep page reads an index range from its cursor, as page 1 reads one from the top."""

    def test_the_cursors_bound_leads_the_where_clause(self):
        keyset = cursors.Keyset("items:newest", Item, ("-published_at", "id"))
        moment = timezone.now().replace(microsecond=0) - timedelta(days=3)

        after = keyset.after(Item.objects.published(), [moment.isoformat(), "7"])

        sql, params = after.query.sql_with_params()
        where = sql.split(" WHERE ", 1)[1].lstrip("(")
        assert where.startswith('"articles_item"."published_at" <= %s AND')
        assert params[0] == connection.ops.adapt_datetimefield_value(moment)

    @pytest.mark.parametrize(
        "base", ["/api/items/?page_size=20", "/api/items/?tag=korea&page_size=20"]
    )
    def test_page_100_reads_what_page_1_does(self, client, base):
        bulk_items(2100, "Korea")
        first, deep = items_query(client, base), items_query(client, deep_url(client, base, 49))

        # Behind the reading rule's bound, SQLite's page 50 walked the 980 newer rows (page
        # 100's, 11 times page 1's instructions). PostgreSQL's buffers: page 1 reads 3 to 66,
        # a deep page a few more for the index's descent to the cursor. Near a tag's last
        # page PostgreSQL may read the rest of the tag's links and sort them (it estimated 7
        # rows for 120 at page 100 of 105): at most what remains of the list.
        assert cost(deep) <= 2 * cost(first) + 10


class TestTagAtTheFarEnd:
    """A tag's list reads the tag's links, not the items' order until enough of the tag's
    turn up (a tag whose stories are all old walked the whole archive)."""

    def far_tag_cost(self, client, scale, order):
        Item.objects.all().delete()
        bulk_items(20 * scale, "Other")  # the newest
        bulk_items(6 * scale, "Korea", first=20 * scale)  # all older than the others
        if order == "oldest":
            Item.objects.filter(tagged_items__tag__name="Other").update(
                published_at=timezone.now() - timedelta(days=3650)
            )
            analyze()
        query = items_query(client, f"/api/items/?tag=korea&page_size=20&order={order}")
        return cost(query)

    @pytest.mark.parametrize("order", ["newest", "oldest"])
    def test_page_1_reads_the_same_at_any_archive_size(self, client, order):
        small = self.far_tag_cost(client, 10, order)
        large = self.far_tag_cost(client, 100, order)

        assert large <= 2 * small

    @pytest.mark.parametrize("order", ["newest", "oldest"])
    def test_a_walk_lists_the_tags_items_once_in_the_order(self, client, order):
        archive(11)
        for item in Item.objects.published().filter(tags__name="Korea")[:3]:
            item.tags.add("Russia")

        def expected(*names):
            items = Item.objects.published()
            for name in names:
                items = items.filter(
                    pk__in=TaggedItem.objects.filter(tag__name=name).values("content_object")
                )
            fields = ("-published_at", "id") if order == "newest" else ("published_at", "-id")
            return list(items.order_by(*fields).values_list("slug", flat=True))

        korea = all_slugs(client, f"/api/items/?tag=korea&page_size=2&order={order}")
        both = all_slugs(client, f"/api/items/?tag=korea&tag=russia&page_size=1&order={order}")

        assert korea == expected("Korea") and len(korea) == 5
        assert both == expected("Korea", "Russia") and len(both) == 3


class TestCursor:
    def next_cursor(self, client, url):
        archive(6)
        return get_json(client, url)["next"].split("cursor=")[1].split("&")[0]

    def test_is_opaque_and_signed(self, client):
        cursor = self.next_cursor(client, "/api/items/?page_size=2")
        payload = signing.Signer(salt=cursors.SALT).unsign_object(cursor.replace("%3A", ":"))
        forged = signing.Signer(salt="another salt").sign_object(
            {**payload, "p": [payload["p"][0], "1"]}
        )

        assert client.get(f"/api/items/?cursor={forged}").status_code == 400
        tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
        assert client.get(f"/api/items/?cursor={tampered}").status_code == 400

    def test_a_cursor_of_another_order_is_a_400(self, client):
        cursor = self.next_cursor(client, "/api/items/?page_size=2")

        errors = get_json(client, f"/api/items/?order=oldest&cursor={cursor}", 400)

        assert errors == {"cursor": [cursors.BAD_CURSOR]}

    def test_a_cursor_of_the_tags_is_a_400_on_the_items(self, client):
        cursor = self.next_cursor(client, "/api/tags/?page_size=1")

        assert get_json(client, f"/api/items/?cursor={cursor}", 400) == {
            "cursor": [cursors.BAD_CURSOR]
        }

    @pytest.mark.parametrize("position", [["not a date", "1"], ["2024-01-01T00:00:00Z"], "x"])
    def test_a_signed_cursor_with_a_bad_position_is_a_400(self, client, position):
        cursor = signing.Signer(salt=cursors.SALT).sign_object({"k": "items:newest", "p": position})

        assert client.get(f"/api/items/?cursor={cursor}").status_code == 400


def test_a_page_links_the_same_next_cursor_a_second_later(client):
    """A cached page and a fresh one are the same bytes: the cursor carries no time."""
    make_item("First", "Korea")
    make_item("Second", "Korea")
    first = client.get("/api/items/?page_size=1").json()["next"]
    with clock_at(timezone.now() + timedelta(seconds=5)):
        later = client.get("/api/items/?page_size=1").json()["next"]
    assert first == later
