"""Measure the editors' changelists at scale: python -m bench.admin [--items N] [--tags N].

Fills a separate database (Django's test database for DATABASE_URL, kept between runs so the
million rows are generated once) with synthetic items, tags and tag links in a few set-based
INSERTs, then times the item and tag changelists through the test client (a logged-in
superuser), as an editor loads them: unfiltered, searched, filtered, sorted, and the dashboard
(the admin's index) over an import log of its own. Prints the median time and the number of
SQL queries of each page. PostgreSQL is the target (DATABASE_URL); without it the same runs
on SQLite.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")  # no collectstatic for the bench

import warnings

import django

# Whitenoise looks for collectstatic's output, which the bench does without.
warnings.filterwarnings("ignore", "No directory at", UserWarning)

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import ImportRun, Item, Tag, TaggedItem  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
RUNS = 100

PAGES = [
    ("items, first page", "/admin/articles/item/"),
    ("items, page 100", "/admin/articles/item/?p=100"),
    ("items, sorted by title", "/admin/articles/item/?o=1"),
    ("items, drafts", "/admin/articles/item/?status__exact=draft"),
    ("items, one tag", "/admin/articles/item/?tag=bench-tag-7"),
    ("items, one year", "/admin/articles/item/?published_at__year=2025"),
    ("items, search", "/admin/articles/item/?q=summit"),
    ("tags, first page", "/admin/articles/tag/"),
    ("tags, sorted by items", "/admin/articles/tag/?o=-2"),
    ("tags, search", "/admin/articles/tag/?q=tag+99"),
    # The dashboard (the admin's index) and the lists its panels link to.
    ("dashboard", "/admin/"),
    ("items, open conflicts", "/admin/articles/item/?conflict=open"),
    ("items, next 48 hours", "/admin/articles/item/?visible=soon"),
    ("tags, changed lately", "/admin/articles/tag/?changed=recent"),
]


def say(text, stream=None):
    stream = stream or sys.stdout  # looked up when called: a test may capture it
    stream.write(text + "\n")
    stream.flush()


def numbers(count):
    """A row source of 1..count that PostgreSQL and SQLite both understand."""
    return (
        f"WITH RECURSIVE numbers(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM numbers "
        f"WHERE n < {int(count)}) SELECT n FROM numbers"
    )


def minutes_ago(column):
    if connection.vendor == "postgresql":
        return f"now() - {column} * interval '1 minute'"
    return f"datetime('now', '-' || {column} || ' minutes')"


def fill(items, tags):
    fill_rows(items, tags)
    analyze()


def fill_rows(items, tags):
    """Items (every tenth a draft), tags, one link an item plus a second for every tenth.
    No VACUUM: it cannot run in a transaction (bench/api.py's tests fill in one)."""
    now = "now()" if connection.vendor == "postgresql" else "datetime('now')"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO articles_tag (name, slug, name_key, description) "
            f"SELECT 'Bench tag ' || n, 'bench-tag-' || n, 'bench tag ' || n, '' "
            f"FROM ({numbers(tags)}) AS t"
        )
        cursor.execute(
            f"INSERT INTO articles_item (title, slug, teaser, status, published_at, "
            f"created_at, updated_at, import_key, import_hash) "
            f"SELECT 'Bench item ' || n || CASE WHEN n % 100 = 0 THEN ' on the summit' "
            f"ELSE ' on the harvest' END, 'bench-item-' || n, "
            f"'A paragraph of item ' || n || ' about missiles, rice and talks.', "
            f"CASE WHEN n % 10 = 0 THEN 'draft' ELSE 'published' END, {minutes_ago('n')}, "
            f"{now}, {now}, 'bench-' || n, '' FROM ({numbers(items)}) AS t"
        )
        first_item = Item.objects.order_by("id").values_list("id", flat=True).first()
        first_tag = Tag.objects.order_by("id").values_list("id", flat=True).first()
        cursor.execute(
            "INSERT INTO articles_taggeditem (tag_id, content_object_id, position) "
            "SELECT %s + (i.id - %s) %% %s, i.id, i.id FROM articles_item i",
            [first_tag, first_item, tags],
        )
        cursor.execute(
            "INSERT INTO articles_taggeditem (tag_id, content_object_id, position) "
            "SELECT %s + (i.id - %s + 1) %% %s, i.id, i.id FROM articles_item i "
            "WHERE i.id %% 10 = 0",
            [first_tag, first_item, tags],
        )


def analyze():
    with connection.cursor() as cursor:
        # Statistics and visibility maps as autovacuum keeps them on a live database.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def fill_desk():
    fill_desk_rows()
    analyze()


def fill_desk_rows():
    """What the dashboard reads, on the filled items: every thousandth item scheduled within
    four days, every thousandth edited, and the import log that made them: RUNS runs, an item
    created for every item, a conflict for every edited one, a tag created for every tag.
    Set apart from fill() so that a database filled before it only gets these. No VACUUM, as
    in fill_rows()."""
    now = "now()" if connection.vendor == "postgresql" else "datetime('now')"
    if connection.vendor == "postgresql":
        ahead = "now() + (id % 5760) * interval '1 minute'"
    else:
        ahead = "datetime('now', '+' || (id % 5760) || ' minutes')"
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM articles_importchange")
        cursor.execute("DELETE FROM articles_importrun")
        cursor.execute(
            f"UPDATE articles_item SET published_at = {ahead} "
            f"WHERE id % 1000 = 1 AND status = 'published'"
        )
        cursor.execute(f"UPDATE articles_item SET edited_at = {now} WHERE id % 1000 = 7")
    # Through the model, so that a column added to the log gets its default (a hand-written
    # INSERT missed the background runs' NOT NULL columns); RUNS rows are few.
    finished = timezone.now()
    ImportRun.objects.bulk_create(
        ImportRun(
            started_at=finished,
            finished_at=finished,
            origin=ImportRun.Origin.COMMAND,
            state=ImportRun.State.FINISHED,
            files=1000,
            files_imported=1000,
            created=10000,
            conflicts=10,
        )
        for _ in range(RUNS)
    )
    first_run = ImportRun.objects.order_by("id").values_list("id", flat=True).first()
    with connection.cursor() as cursor:
        for kind, rows in [
            ("item_created", "SELECT id, title FROM articles_item"),
            ("item_conflict", "SELECT id, title FROM articles_item WHERE edited_at IS NOT NULL"),
        ]:
            cursor.execute(
                f"INSERT INTO articles_importchange (run_id, kind, item_id, title) "
                f"SELECT %s + i.id %% {RUNS}, %s, i.id, i.title FROM ({rows}) AS i",
                [first_run, kind],
            )
        cursor.execute(
            f"INSERT INTO articles_importchange (run_id, kind, object_id, title) "
            f"SELECT %s + t.id %% {RUNS}, 'tag_created', t.id, '' FROM articles_tag t",
            [first_run],
        )


def measure(client, url, repeat):
    timings = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, secure=True)
            timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"{url}: expected 200, found {response.status_code}")
        queries = len(captured)
        counts = [q["sql"] for q in captured if q["sql"].upper().startswith("SELECT COUNT(*)")]
    return statistics.median(timings), queries, counts


def own_database(name, items, tags, fill):
    """Use a database of its own, kept between runs (generated once, reused after), apart
    from the one the test suite creates and drops: <NAME>_bench_<name> on PostgreSQL,
    bench/data/<name>.sqlite3 on SQLite. fill(items, tags) fills it when its counts differ."""
    setup_test_environment()
    test_settings = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "postgresql":
        test_settings["NAME"] = f"{connection.settings_dict['NAME']}_bench_{name}"
    else:
        DATA.mkdir(parents=True, exist_ok=True)
        test_settings["NAME"] = str(DATA / f"{name}.sqlite3")
    # serialize=False: the copy of every row Django keeps for TransactionTestCase's
    # serialized_rollback is of no use here (15 s and 139 MB of JSON a run at 100,000 items).
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True, serialize=False)
    if Item.objects.count() != items or Tag.objects.count() != tags:
        say(f"Filling {items:,} items and {tags:,} tags…", sys.stderr)
        TaggedItem.objects.all().delete()
        Item.objects.all().delete()
        Tag.objects.all().delete()
        started = time.perf_counter()
        fill(items, tags)
        say(f"  filled in {time.perf_counter() - started:.0f} s", sys.stderr)


def superuser_client():
    """A test client logged in as the superuser "bench" (made on first use)."""
    User = get_user_model()
    user = User.objects.filter(username="bench").first() or User.objects.create_superuser(
        "bench", password=None
    )
    client = Client()
    client.force_login(user)
    return client


def report(repeat):
    """Time each of PAGES on the database as it is (filled), and print the lines."""
    client = superuser_client()
    say(
        f"Admin changelists on {connection.vendor}, {Item.objects.count():,} items, "
        f"{Tag.objects.count():,} tags, {TaggedItem.objects.count():,} links; "
        f"median of {repeat}:"
    )
    for label, url in PAGES:
        seconds, queries, counts = measure(client, url, repeat)
        full = any("WHERE" not in sql.upper() for sql in counts)
        note = "  (whole table counted exactly)" if full else ""
        say(f"  {label:<24} {seconds * 1000:8.1f} ms  {queries:3d} queries{note}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--tags", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args(argv)

    own_database("admin", options.items, options.tags, fill)
    if ImportRun.objects.count() != RUNS:
        say("Filling the import log and the dashboard's items…", sys.stderr)
        started = time.perf_counter()
        fill_desk()
        say(f"  filled in {time.perf_counter() - started:.0f} s", sys.stderr)
    report(options.repeat)


if __name__ == "__main__":
    main()
