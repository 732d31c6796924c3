"""The tag-page serving benchmark: ``make bench-serve`` or ``python -m bench.serve --help``.

How fast does the reader site serve a tag page when the tables are large? A fresh database
per backend is filled with deterministic synthetic data (default 100,000 published items over
1,000 tags whose sizes fall off like a news wire's: a few big subjects, a long tail), then the
first and the last page of the largest tag are requested again and again through Django's
whole stack (URL routing, middleware, view, template, ETag), in process, one request at a
time. It reports requests per second and latency percentiles, and the queries' plans with
``--explain``.

Backends: a temporary SQLite file always; PostgreSQL too when DATABASE_URL is set, in a
``newsroom_bench_serve`` database created next to the one DATABASE_URL names (never that one)
and dropped afterwards. Each backend runs in a child process of its own, so that each gets
its own settings. The figures measure; they do not test: the process exits 0 whatever they are.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DATABASE = "newsroom_bench_serve"
ROOT = Path(__file__).resolve().parent.parent
WORDS = (
    "minister summit talks sanctions border missile election ceasefire trade pipeline "
    "embassy delegation treaty parliament protest court ruling budget inflation harvest "
    "drought flood vaccine outbreak strike union merger tariff satellite launch reactor "
    "refugees convoy negotiations referendum coalition opposition verdict investigation"
).split()
NBSP_CUT = "\u00a0\u2026"


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench.serve", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--items", type=int, default=100_000, help="published items (100000)")
    parser.add_argument("--tags", type=int, default=1_000, help="tags (1000)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (200)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", action="store_true", help="print the tag page's query plans")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.items < args.tags or args.tags < 1 or args.requests < 1:
        parser.error(f"expected --items >= --tags >= 1 and --requests >= 1, found {vars(args)}")
    if args.child:
        return run_child(args)

    results = []
    for backend, env in backends():
        say(f"{backend}: filling {args.items:,} items over {args.tags:,} tags…")
        child = [sys.executable, "-m", "bench.serve", "--child", *forwarded(args)]
        completed = subprocess.run(
            child, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=False
        )
        if completed.returncode != 0:
            say(f"{backend}: the benchmark failed (exit {completed.returncode})", sys.stderr)
            return 1
        *plans, last_line = completed.stdout.splitlines()
        if plans:
            say("\n".join(plans))
        results.append({"backend": backend, **json.loads(last_line)})
    say(report(results, args))
    return 0


def forwarded(args):
    options = ["--items", str(args.items), "--tags", str(args.tags)]
    options += ["--requests", str(args.requests), "--seed", str(args.seed)]
    return options + (["--explain"] if args.explain else [])


def backends():
    """(name, child environment) for SQLite, and PostgreSQL when DATABASE_URL is set."""
    base = {
        **os.environ,
        "SECRET_KEY": "bench-serve-not-secret",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_MANIFEST": "0",
        "DEBUG": "",
    }
    with tempfile.TemporaryDirectory(prefix="newsroom-bench-serve-") as folder:
        sqlite_env = {**base, "SQLITE_PATH": str(Path(folder) / "bench.sqlite3")}
        sqlite_env.pop("DATABASE_URL", None)
        yield "SQLite", sqlite_env
    url = os.environ.get("DATABASE_URL")
    if url:
        with postgres_database(url) as bench_url:
            yield "PostgreSQL", {**base, "DATABASE_URL": bench_url}


@contextmanager
def postgres_database(url):
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DATABASE))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(drop)
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DATABASE)))
    try:
        yield urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(drop)


def say(text, stream=None):
    stream = stream or sys.stdout
    stream.write(f"{text}\n")
    stream.flush()


# --- In the child: one backend -------------------------------------------------------------


def run_child(args):
    # Whitenoise warns that collectstatic has not run: these pages need no static files.
    warnings.filterwarnings("ignore", "No directory at")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    largest = fill(args.items, args.tags, random.Random(args.seed))
    fill_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    from django.test import Client

    client = Client()
    last_page = -(-largest["items"] // 10)
    pages = {
        "tag page 1": f"/tags/{largest['slug']}/",
        f"tag page {last_page} (last)": f"/tags/{largest['slug']}/?page={last_page}",
    }
    if args.explain:
        explain(largest["slug"], last_page)
    measured = {}
    for label, url in pages.items():
        # Counts are cached for READER_CACHE_SECONDS: a request every so often computes them.
        measured[f"{label}, count computed"] = measure(client, url, args.requests, cold=True)
        measured[f"{label}, count cached"] = measure(client, url, args.requests)
    say(
        json.dumps(
            {
                "version": database_version(),
                "fill_seconds": round(fill_seconds, 1),
                "largest_tag": largest,
                "pages": measured,
            }
        )
    )
    return 0


def fill(item_count, tag_count, rng):
    """Bulk-insert the synthetic data; returns the largest tag's slug and item count."""
    from django.db import transaction
    from django.utils import timezone

    from articles.models import Item, Tag, TaggedItem
    from articles.tag_names import tag_key

    # Tag sizes fall off as 1/rank: tag 1 gets ~13% of the items at 1,000 tags.
    weights = [1 / rank for rank in range(1, tag_count + 1)]
    names = [f"Subject {number:04}" for number in range(1, tag_count + 1)]
    now = timezone.now()
    with transaction.atomic():
        tags = Tag.objects.bulk_create(
            Tag(name=name, slug=name.lower().replace(" ", "-"), name_key=tag_key(name))
            for name in names
        )
        # Every tag gets at least one item; the rest go by weight.
        primary = list(range(tag_count)) + rng.choices(
            range(tag_count), weights=weights, k=item_count - tag_count
        )
        positions = [0] * tag_count
        sizes = [0] * tag_count
        batch = 5_000
        for start in range(0, item_count, batch):
            stop = min(start + batch, item_count)
            items = Item.objects.bulk_create(
                synthetic_item(number, rng, now) for number in range(start, stop)
            )
            links = []
            for item, first in zip(items, primary[start:stop], strict=True):
                chosen = {first}
                if rng.random() < 0.1:  # one story in ten is filed under a second tag too
                    chosen.add(rng.choices(range(tag_count), weights=weights)[0])
                for index in chosen:
                    positions[index] += 1 << 20
                    sizes[index] += 1
                    links.append(
                        TaggedItem(tag=tags[index], content_object=item, position=positions[index])
                    )
            TaggedItem.objects.bulk_create(links)
    largest = max(range(tag_count), key=sizes.__getitem__)
    return {"slug": tags[largest].slug, "items": sizes[largest]}


def synthetic_item(number, rng, now):
    from articles.models import Item

    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 9))).capitalize()
    paragraphs = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 60))).capitalize() + "."
        for _ in range(rng.randint(1, 3))
    ]
    paragraphs[-1] = paragraphs[-1][:-1] + NBSP_CUT
    return Item(
        title=f"{title} {number}",
        slug=f"story-{number}",
        teaser="\n\n".join(paragraphs),
        status=Item.Status.PUBLISHED,
        published_at=now - rng.random() * timedelta(days=730),
    )


def measure(client, url, requests, cold=False):
    from django.core.cache import cache

    for _ in range(5):  # warm connections (and caches)
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    latencies = []
    for _ in range(requests):
        if cold:
            cache.clear()
        started = time.perf_counter()
        client.get(url)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    return {
        "url": url,
        "requests_per_second": round(len(latencies) / (sum(latencies) / 1000), 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 2),
        "max_ms": round(latencies[-1], 2),
    }


def explain(slug, last_page):
    from articles.models import Item, Tag

    tag = Tag.objects.get(slug=slug)
    queryset = Item.objects.published().for_tag(tag)
    offset = (last_page - 1) * 10
    say(f"-- plan, count of tag {slug!r}:")
    say(queryset.values("pk").order_by().explain())
    say(f"-- plan, last page (offset {offset}):")
    say(queryset[offset : offset + 10].explain())


def database_version():
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        return cursor.fetchone()[0]


# --- Report ---------------------------------------------------------------------------------


def report(results, args):
    lines = [
        "",
        f"Tag page serving, {args.items:,} items over {args.tags:,} tags, "
        f"{args.requests} sequential requests a page, in process (Django test client, no network)",
        f"Python {sys.version.split()[0]} on {os.cpu_count()} CPUs",
        "",
    ]
    for result in results:
        largest = result["largest_tag"]
        lines += [
            f"### {result['backend']} {result['version']}: largest tag {largest['slug']!r}, "
            f"{largest['items']:,} items (filled in {result['fill_seconds']} s)",
            "",
            "| page | requests/s | p50 ms | p95 ms | max ms |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for label, figures in result["pages"].items():
            lines.append(
                f"| {label} | {figures['requests_per_second']} | {figures['p50_ms']} | "
                f"{figures['p95_ms']} | {figures['max_ms']} |"
            )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
