"""The content API's cursor pages at depth: ``python -m bench.api`` (a step of ``make bench``).

Fills a database of its own (``<NAME>_bench_api`` on DATABASE_URL's server, kept between runs;
``bench/data/api.sqlite3`` without DATABASE_URL) with bench.admin's synthetic items (every
tenth a draft) and tag links, publishes them in groups of ``--tie`` at one instant, as an
import publishes a digest's items, so that the keyset's tiebreaker is exercised, and adds a
sparse tag (one item in ``--sparse-every``). Then, through the test client, times page 1 and
page ``--page`` of /api/items/, newest and oldest first, and of two tags' lists (their last
full page when they have fewer). Page 1 is each list's floor, measured in the same run: the
target is the deep page as fast as page 1 (its median at most ``MAX_RATIO`` × page 1's).
Beside each, the list's items query alone, run again on the database; ``--plans`` prints its
plan (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite). The deep page's cursor is
the one a walk would reach (the position of the last row of the page before), found with
one OFFSET query.

Misses exit 0: this measures, it does not test. Errors (a page that does not answer 200
with a full page, a list too short for two pages) exit 1.
"""

import argparse
import os
import statistics
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("CACHE_DISABLED", "1")  # the database's cost, not the cache's

import warnings

import django

# Whitenoise looks for collectstatic's output, which an API bench does without.
warnings.filterwarnings("ignore", "No directory at", UserWarning)

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from articles.api.cursors import Keyset, encode  # noqa: E402
from articles.models import Item, Tag  # noqa: E402
from articles.reader.filters import ORDERINGS  # noqa: E402
from bench import admin  # noqa: E402
from bench.report import progress, write  # noqa: E402

PAGE_SIZE = 20
MAX_RATIO = 2.0
SPARSE = ("Bench sparse", "bench-sparse")


class BenchError(Exception):
    """The run cannot be measured: its timings would mean nothing."""


@dataclass(frozen=True)
class Timing:
    page: int
    ms: float  # the request's median, through the test client
    sql_ms: float  # the items query's median, run again on the database
    queries: int
    plan: str


@dataclass(frozen=True)
class Row:
    label: str
    url: str
    first: Timing  # the floor
    deep: Timing

    def judged(self):
        """(measure, page 1's figure, the deep page's, ratio, met) of the request and of its
        items query alone: a deep page's extra reads can hide behind the request's cost."""
        first, deep = self.first, self.deep
        for measure, one, other, text in [
            ("request", first.ms, deep.ms, "{:.1f} ms, {} queries"),
            ("items query", first.sql_ms, deep.sql_ms, "{:.2f} ms"),
        ]:
            ratio = other / one
            yield (
                measure,
                text.format(one, first.queries),
                f"page {deep.page:,}: " + text.format(other, deep.queries),
                ratio,
                ratio <= MAX_RATIO,
            )


def fill(items, tags, tie, sparse_every):
    """bench.admin's items and links on ``tags - 1`` tags, published ``tie`` at one instant,
    and the sparse tag (the last of ``tags``) on one item in ``sparse_every``."""
    admin.fill_rows(items, tags - 1)
    if connection.vendor == "postgresql":
        moment = f"now() - ((id / {int(tie)}) * interval '1 minute')"
    else:
        moment = f"datetime('now', '-' || (id / {int(tie)}) || ' minutes')"
    sparse = Tag.objects.create(name=SPARSE[0], slug=SPARSE[1])
    # Counted from the first item, as bench.admin numbers them (ids go on after a refill on
    # PostgreSQL): item 3, then every sparse_every-th, none of them a draft (every tenth).
    first = Item.objects.order_by("id").values_list("id", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE articles_item SET published_at = {moment}")
        cursor.execute(
            "INSERT INTO articles_taggeditem (tag_id, content_object_id, position) "
            "SELECT %s, id, id FROM articles_item WHERE (id - %s) %% %s = 2",
            [sparse.pk, first, sparse_every],
        )


def fill_and_analyze(items, tags, tie, sparse_every):
    fill(items, tags, tie, sparse_every)
    admin.analyze()  # VACUUM on PostgreSQL: outside a transaction, so not in fill (the tests')


@contextmanager
def recorded(statements):
    """Keep each (sql, params) the connection runs, to run the items query again."""

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield


def run_sql(sql, params):
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        return time.perf_counter() - started


def plan(sql, params):
    explain = "EXPLAIN (ANALYZE, BUFFERS)"
    if connection.vendor != "postgresql":
        explain = "EXPLAIN QUERY PLAN"
    with connection.cursor() as cursor:
        cursor.execute(f"{explain} {sql}", params)
        return "\n".join("    " + " ".join(map(str, row)) for row in cursor.fetchall())


def get(client, url):
    """One request: its seconds and the statements it ran, or BenchError."""
    statements = []
    with recorded(statements):
        started = time.perf_counter()
        response = client.get(url)
        seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise BenchError(f"{url}: expected 200, found {response.status_code}")
    found = len(response.json()["results"])
    if found != PAGE_SIZE:
        raise BenchError(f"{url}: expected {PAGE_SIZE} items, found {found}")
    return seconds, statements


def measure(client, pages, runs):
    """A Timing of each (page number, URL) of one list. The pages' requests alternate, and
    then their items queries, so that what else the machine does weighs on each alike."""
    # One request each first, untimed: the first of a URL fills per-process caches (URL
    # resolving, the filter set, the serializer), which every later request finds made.
    statements = [get(client, url)[1] for _, url in pages]
    items = [next(s for s in ran if f"LIMIT {PAGE_SIZE + 1}" in s[0]) for ran in statements]
    requests = [[] for _ in pages]
    queries = [[] for _ in pages]
    for _ in range(runs):
        for n, (_, url) in enumerate(pages):
            requests[n].append(get(client, url)[0])
        for n, (sql, params) in enumerate(items):
            queries[n].append(run_sql(sql, params))
    return [
        Timing(
            page=number,
            ms=statistics.median(requests[n]) * 1000,
            sql_ms=statistics.median(queries[n]) * 1000,
            queries=len(statements[n]),
            plan=plan(*items[n]),
        )
        for n, (number, _) in enumerate(pages)
    ]


def deep_url(base, order, page, queryset):
    """The URL of page ``page`` of ``base``: its cursor is the last row of the page before."""
    keyset = Keyset(f"items:{order}", Item, ORDERINGS[order])
    last = queryset.order_by(*ORDERINGS[order])[(page - 1) * PAGE_SIZE - 1]
    joiner = "&" if "?" in base else "?"
    return f"{base}{joiner}cursor={encode(keyset, keyset.position(last))}"


def lists(page):
    """(label, URL, order, deep page, queryset) of each list measured."""
    published = Item.objects.published()
    tag = Tag.objects.exclude(slug=SPARSE[1]).order_by("id").first()
    sparse = Tag.objects.filter(slug=SPARSE[1]).first()
    if tag is None or sparse is None:
        raise BenchError("the database holds no bench tags: fill it again (delete it)")
    cases = [("items, newest", "/api/items/", "newest", published)]
    cases.append(("items, oldest", "/api/items/?order=oldest", "oldest", published))
    for label, one in [("one tag", tag), ("sparse tag", sparse)]:
        tagged = published.filter(tagged_items__tag=one)
        cases.append((label, f"/api/items/?tag={one.slug}", "newest", tagged))
    found = []
    for label, url, order, queryset in cases:
        count = queryset.count()
        deep = min(page, count // PAGE_SIZE)
        if deep < 2:
            raise BenchError(f"{url} has {count:,} items: fewer than 2 pages of {PAGE_SIZE}")
        found.append((f"{label} ({count:,} items)", url, order, deep, queryset))
    return found


def run(options):
    """Measure every list; the rows, judged. Raises BenchError."""
    client = Client()
    rows = []
    for label, url, order, deep, queryset in lists(options.page):
        progress(f"api: {url}, pages 1 and {deep:,}")
        pages = [(1, url), (deep, deep_url(url, order, deep, queryset))]
        rows.append(Row(label, url, *measure(client, pages, options.runs)))
    return rows


def report(rows, plans):
    published = Item.objects.published().count()
    write(f"### Content API cursor pages: {connection.vendor}, {published:,} published items")
    write()
    write("| list | measure (median) | page 1 (floor) | deep page | ratio | target | verdict |")
    write("| --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        for measure, first, deep, ratio, met in row.judged():
            write(
                f"| {row.label}: `{row.url}` | {measure} | {first} | {deep} | {ratio:.2f}× "
                f"| ≤ {MAX_RATIO:g}× page 1 | {'PASS' if met else 'MISS'} |"
            )
    if plans:
        for row in rows:
            for timing in (row.first, row.deep):
                write(f"\n{row.url}, page {timing.page:,}:\n{timing.plan}")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench.api", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--items", type=int, default=100_000, help="items (100000)")
    parser.add_argument("--tags", type=int, default=10, help="tags, the sparse one too (10)")
    parser.add_argument(
        "--tie", type=int, default=100, help="items published at one instant (100; on filling)"
    )
    parser.add_argument(
        "--sparse-every", type=int, default=1000, help="the sparse tag's spacing (1000; on filling)"
    )
    parser.add_argument("--page", type=int, default=1000, help="the deep page (1000)")
    parser.add_argument("--runs", type=int, default=15, help="requests a page, median (15)")
    parser.add_argument("--plans", action="store_true", help="print each items query's plan")
    options = parser.parse_args(argv)
    if (
        min(options.runs, options.tie, options.sparse_every) < 1
        or min(options.page, options.tags) < 2
    ):
        parser.error("--runs, --tie and --sparse-every must be at least 1, --page and --tags 2")
    return options


def measured(options):
    """Measure and print the table, on the database as it is: the exit status."""
    try:
        rows = run(options)
    except BenchError as error:
        progress(f"api: error: {error}")
        return 1
    report(rows, options.plans)
    return 0


def main(argv=None):
    options = parse_args(argv)
    # A database filled before with other --tie or --sparse-every keeps its own: only its
    # counts of items and tags decide whether it is filled again.
    fill_api = partial(fill_and_analyze, tie=options.tie, sparse_every=options.sparse_every)
    admin.own_database("api", options.items, options.tags, fill_api)
    return measured(options)


if __name__ == "__main__":
    raise SystemExit(main())
