"""Measure the content API's cursor pages at scale: python -m bench.api [--items N].

Fills the database of DATABASE_URL (or SQLite's) when it has no items, with bench.admin's
synthetic items (every tenth a draft) and tag links, then publishes them in groups of
``--tie`` at one instant, as imports publish a digest's items, so that the keyset's
tiebreaker is exercised. Times page 1 and page ``--page`` of /api/items/ (newest and oldest
first) and of one tag's list through the test client, and prints the EXPLAIN ANALYZE of each
page's items query on PostgreSQL. The deep page's cursor is the one the walk would reach
(the position of the last row of the page before), computed with one OFFSET query.
"""

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("CACHE_DISABLED", "1")  # the database's cost, not the cache's

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from articles.api.cursors import Keyset, encode  # noqa: E402
from articles.models import Item, Tag  # noqa: E402
from articles.reader.filters import ORDERINGS  # noqa: E402
from bench.admin import analyze, fill  # noqa: E402

PAGE_SIZE = 20


def say(text=""):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def prepare(items, tags, tie):
    call_command("migrate", verbosity=0)
    if Item.objects.exists():
        return
    say(f"filling {items:,} items, {tags} tags…")
    fill(items, tags)
    if connection.vendor == "postgresql":
        moment = f"now() - ((id / {tie}) * interval '1 minute')"
    else:
        moment = f"datetime('now', '-' || (id / {tie}) || ' minutes')"
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE articles_item SET published_at = {moment}")
    analyze()


def small_tag():
    """A tag of one item in a thousand, spread over the archive: a sparse filter."""
    tag, created = Tag.objects.get_or_create(name="Bench sparse", defaults={"slug": "bench-sparse"})
    if created:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO articles_taggeditem (tag_id, content_object_id, position) "
                "SELECT %s, id, id FROM articles_item WHERE id %% 1000 = 3",
                [tag.pk],
            )
        analyze()
    return tag


def deep_url(base, order, page, queryset):
    """The URL of page ``page`` of ``base``: its cursor is the last row of the page before."""
    keyset = Keyset(f"items:{order}", Item, ORDERINGS[order])
    last = queryset.order_by(*ORDERINGS[order])[(page - 1) * PAGE_SIZE - 1]
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}cursor={encode(keyset, keyset.position(last))}"


def measure(client, url, runs):
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.content[:200])
        assert len(response.json()["results"]) == PAGE_SIZE, url
    items_sql = next(q["sql"] for q in captured if f"LIMIT {PAGE_SIZE + 1}" in q["sql"])
    return statistics.median(timings) * 1000, len(captured), items_sql


def explain(sql):
    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(f"    {row[0]}" for row in cursor.fetchall())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--tags", type=int, default=10)
    parser.add_argument("--tie", type=int, default=100, help="items published at one instant")
    parser.add_argument("--page", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--plans", action="store_true", help="print EXPLAIN ANALYZE")
    parser.add_argument("--sparse-only", action="store_true", help="only the sparse tag")
    options = parser.parse_args()
    prepare(options.items, options.tags, options.tie)
    setup_test_environment()
    client = Client()
    published = Item.objects.published()
    tag = Tag.objects.order_by("id").first()
    tagged = published.filter(tagged_items__tag=tag)
    tag_page = min(options.page, tagged.count() // PAGE_SIZE)
    sparse = small_tag()
    sparse_items = published.filter(tagged_items__tag=sparse)
    cases = [
        ("newest", "/api/items/", published, options.page),
        ("oldest", "/api/items/?order=oldest", published, options.page),
        ("newest", f"/api/items/?tag={tag.slug}", tagged, tag_page),
        ("newest", f"/api/items/?tag={sparse.slug}", sparse_items, sparse_items.count() // 20),
    ]
    say(f"{connection.vendor}, {published.count():,} published items, {PAGE_SIZE} a page")
    for order, base, queryset, page in cases[-1:] if options.sparse_only else cases:
        for number, url in [(1, base), (page, deep_url(base, order, page, queryset))]:
            ms, queries, sql = measure(client, url, options.runs)
            say(f"{base:<40} page {number:>5}: {ms:7.1f} ms median, {queries} queries")
            if options.plans:
                say(explain(sql))


if __name__ == "__main__":
    main()
