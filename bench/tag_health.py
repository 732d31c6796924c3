"""Measure the tag health page at scale: python -m bench.tag_health [--items N] [--tags N].

Fills a database of its own (Django's test database for DATABASE_URL with the suffix
_bench_tag_health, kept between runs; bench/data/tag_health.sqlite3 on SQLite) with TAGS tag
names as a newsroom has them (places and subjects, people, organisations) with a few hundred
planted look-alikes (misspelt, one word more, a longer name beginning with a shorter one, a
tag on the same items as another), ITEMS items (every tenth a draft) and LINKS_PER_ITEM tags
on each item, skewed so that a few tags have tens of thousands of items and most a handful.
Then times the report alone (articles.tag_health.health_report) and the page through the test
client as a logged-in superuser, and prints the medians and the number of queries. PostgreSQL
is the target (DATABASE_URL); without it the same runs on SQLite.
"""

import argparse
import os
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")  # no collectstatic for the bench

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles import tag_health  # noqa: E402
from articles.models import Item, Tag, TaggedItem  # noqa: E402
from articles.tag_names import ascii_slug, tag_key  # noqa: E402
from bench.admin import analyze, measure, minutes_ago, numbers, own_database, say, superuser_client  # noqa: E402
from bench.text import _ORGS, _PLACES, _SURNAMES, _TOPICS  # noqa: E402

URL = "/admin/articles/tag/health/"
LINKS_PER_ITEM = 4
LINK_HASHES = [2_654_435_761, 2_246_822_519, 3_266_489_917, 668_265_263, 374_761_393]
PLANTED = 100  # look-alikes of each kind, at most: one tag in twenty each


def planted(tags):
    return min(PLANTED, tags // 20)


SYLLABLES = "ka ri to me sa no ha lu vi de po ran gel mar tin os ul be cha zo".split()


def pseudo_word(rng, shortest=2):
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(shortest, 4))).capitalize()


def tag_names(count, seed=7):
    """count distinct names (by tag_key), the planted look-alikes among them."""
    rng = random.Random(seed)
    names, keys = [], set()
    alike = planted(count)

    def add(name):
        if tag_key(name) not in keys and len(names) < count:
            keys.add(tag_key(name))
            names.append(name)

    for place in _PLACES:
        for topic in _TOPICS:
            if len(names) < count // 4:
                add(f"{place} {topic}")
    for org in _ORGS:
        add(org)
    first = [pseudo_word(rng) for _ in range(300)]
    while len(names) < count - 4 * alike:
        kind = rng.random()
        if kind < 0.5:
            add(f"{rng.choice(first)} {rng.choice(_SURNAMES + tuple(first))}")
        elif kind < 0.8:
            add(pseudo_word(rng, shortest=3))
        else:
            add(f"{pseudo_word(rng)} {rng.choice(_TOPICS)}")
    originals = rng.sample([name for name in names if len(name) >= 10], 3 * alike)
    for name in originals[:alike]:  # misspelt: one letter replaced
        at = rng.randrange(1, len(name) - 1)
        add(name[:at] + ("e" if name[at] != "e" else "a") + name[at + 1 :])
    for name in originals[alike : 2 * alike]:
        add(f"The {name}")
    for name in originals[2 * alike :]:
        add(f"{name} talks")
    while len(names) < count:
        add(f"{pseudo_word(rng)} {pseudo_word(rng)}")
    return names


def fill(items, tags):
    names = tag_names(tags)
    Tag.objects.bulk_create(
        Tag(name=name, name_key=tag_key(name), slug=f"{ascii_slug(name)}-{n}")
        for n, name in enumerate(names)
    )
    now = "now()" if connection.vendor == "postgresql" else "datetime('now')"
    first_tag = Tag.objects.order_by("id").values_list("id", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO articles_item (title, slug, teaser, status, published_at, "
            f"created_at, updated_at, import_key, import_hash) "
            f"SELECT 'Bench item ' || n, 'bench-item-' || n, 'A paragraph of item ' || n, "
            f"CASE WHEN n % 10 = 0 THEN 'draft' ELSE 'published' END, {minutes_ago('n')}, "
            f"{now}, {now}, 'bench-' || n, '' FROM ({numbers(items)}) AS t"
        )
        # Each link of an item draws a tag of the first 80 % from a hash of its own (so that
        # tags meet by chance), with density ~ 1/sqrt(rank): tens of thousands of items for
        # the first tags, tens for the last of these.
        head = tags * 8 // 10
        for multiplier in LINK_HASHES[:LINKS_PER_ITEM]:
            spread = f"((i.id * {multiplier}) %% 1000003)"  # %%: a query with parameters
            cursor.execute(
                f"INSERT INTO articles_taggeditem (tag_id, content_object_id, position) "
                f"SELECT %s + ({spread} * {spread} / 1000003) * %s / 1000003, i.id, i.id "
                f"FROM articles_item i WHERE 1 = 1 ON CONFLICT DO NOTHING",
                [first_tag, head],
            )
        # The last 20 %, the planted look-alikes among them: one item in fifty gets one,
        # drawn from twice as many slots as there are tags: about a third get none, a third
        # one item, a third a few.
        tail = tags - head
        slot = f"((i.id / 50 * {LINK_HASHES[-1]}) %% {2 * tail})"  # of i.id / 50: all slots
        cursor.execute(
            f"INSERT INTO articles_taggeditem (tag_id, content_object_id, position) "
            f"SELECT %s + {slot}, i.id, i.id FROM articles_item i "
            f"WHERE i.id %% 50 = 0 AND {slot} < {tail} ON CONFLICT DO NOTHING",
            [first_tag + head],
        )
        # Tags on the same items as another: the planted pairs of shared items.
        ids = list(Tag.objects.order_by("id").values_list("id", flat=True))
        for n in range(planted(tags)):  # a tag of the head's hundreds of items, one of the tail
            source, copy = ids[len(ids) // 50 + n], ids[len(ids) - 1 - n]
            cursor.execute(
                "INSERT INTO articles_taggeditem (tag_id, content_object_id, position) "
                "SELECT %s, content_object_id, position FROM articles_taggeditem "
                "WHERE tag_id = %s ON CONFLICT DO NOTHING",
                [copy, source],
            )


def fill_and_analyze(items, tags):
    fill(items, tags)
    analyze()  # VACUUM on PostgreSQL: outside a transaction, so not in fill (the tests')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=250_000)
    parser.add_argument("--tags", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args(argv)

    own_database("tag_health", options.items, options.tags, fill_and_analyze)

    timings, in_sql = [], []
    for _ in range(options.repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            report = tag_health.health_report()
            timings.append(time.perf_counter() - started)
        in_sql.append([float(query["time"]) for query in captured])
    client = superuser_client()
    seconds, queries, _ = measure(client, URL, options.repeat)
    say(
        f"Tag health on {connection.vendor}, {Tag.objects.count():,} tags, "
        f"{Item.objects.count():,} items, {TaggedItem.objects.count():,} links; "
        f"median of {options.repeat}:"
    )
    say(f"  report alone             {statistics.median(timings) * 1000:8.1f} ms")
    per_query = ", ".join(
        f"{statistics.median(times) * 1000:.0f}" for times in zip(*in_sql, strict=True)
    )
    say(f"    of which SQL ({len(in_sql[0])} queries, ms each): {per_query}")
    say(f"  page (admin, rendered)   {seconds * 1000:8.1f} ms  {queries:3d} queries")
    kinds = {}
    for group in report.groups:
        for pair in group.pairs:
            kinds[pair.likeness] = kinds.get(pair.likeness, 0) + 1
    say(
        f"  {report.group_count:,} groups ({', '.join(f'{k}: {n}' for k, n in kinds.items())} "
        f"pairs in those shown), {report.one_item_count:,} tags used once, "
        f"{report.unpublished_count:,} with no published item"
    )


if __name__ == "__main__":
    main()
