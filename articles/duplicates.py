"""Duplicate stories: items whose title and teaser are nearly the same as another's (a
re-worded headline, changed punctuation, a sentence added), flagged with a similarity score.

Two steps, both set-based (a constant number of queries for a batch of any size):

1. Candidates: every item has *keys*, kept in ``DuplicateKey``: one for its title and one for
   each of a few runs of ``SHINGLE_WORDS`` words of its teaser (case and punctuation
   ignored), the ``TEASER_KEYS`` runs whose checksums are the smallest: a bottom-k sketch, so
   that two teasers sharing most of their runs keep some of the same ones, whatever was
   added, dropped or re-worded around them. Items sharing a key are compared, the
   ``MAX_COMPARED`` sharing the most keys with an item. A key shared by more than
   ``COMMON_KEY_ITEMS`` items is boilerplate ("The ministry declined to comment on the
   report.", a headline's template) and says nothing of two stories.
   On PostgreSQL with pg_trgm, a save also asks the title's trigram index (GIN) for items of
   a similar title, which catches a story whose every sentence was touched.
2. Score: the trigram similarity of "title teaser", pg_trgm's ``similarity()`` (shared
   trigrams of the words, each padded as pg_trgm pads them, over all trigrams). On
   PostgreSQL with pg_trgm the database computes it; elsewhere ``similarity`` below
   computes the same thing. A pair at ``MIN_SCORE`` or above is flagged.

A pg_trgm GIN search alone was measured too slow for imports: 16 ms a title against 100,000
items of the benchmark's text, 4 s for title and teaser (the README's Duplicate stories).
"""

import hashlib
import re
import unicodedata
import zlib
from collections import Counter, defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from .models import DuplicateCandidate, DuplicateKey, Item
from .sql import insert_rows

MIN_SCORE = 0.65
# Pairs whose sets of words overlap less than this are not scored: their trigrams would not
# reach MIN_SCORE (the test set's copies share 0.74 of their words or more), and most pairs a
# shared key gives are such (a headline's template), at a tenth of a trigram score's cost.
MIN_WORDS_SHARED = 0.5
# The best candidates kept for an item, highest score first.
MAX_CANDIDATES = 5
COMMON_KEY_ITEMS = 8
# The items compared with one item at most: those sharing the most keys with it.
MAX_COMPARED = 10
# A pair is compared when it shares this many keys: one is chance (a run of a sentence the
# wire repeats with other names); on the benchmark's text (100,000 items) a thousand items
# gave 1,797 pairs sharing one key and none of them scored as a copy, while every pair of
# tests/duplicate_pairs.py that must be flagged shares 3 keys or more.
MIN_SHARED_KEYS = 2
MIN_TITLE_WORDS = 3
# The teaser's sketch: its runs of SHINGLE_WORDS words, the TEASER_KEYS of smallest checksum.
# Measured on the benchmark's text (100,000 items), with the title's key: 7 keys an item
# where a key for each sentence and for the title less each word made 19.7, and every
# pair of tests/duplicate_pairs.py found as before.
SHINGLE_WORDS = 5
TEASER_KEYS = 6
# Items of a similar title the trigram index gives a save (PostgreSQL with pg_trgm).
TITLE_MATCHES = 20

_WORD = re.compile(r"[^\W_]+")


def enabled():
    return settings.DUPLICATE_DETECTION


def _words(text):
    return _WORD.findall(text.lower())


def _key(kind, text):
    digest = hashlib.blake2b(f"{kind}:{text}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def text_keys(title, teaser):
    """The item's keys: its title's, and its teaser's sketch (the module's docstring)."""
    keys = set()
    title_words = _words(unicodedata.normalize("NFKC", title))
    if len(title_words) >= MIN_TITLE_WORDS:
        keys.add(_key("t", " ".join(title_words)))
    words = _words(unicodedata.normalize("NFKC", teaser))
    runs = [
        " ".join(words[start : start + SHINGLE_WORDS]).encode()
        for start in range(len(words) - SHINGLE_WORDS + 1)
    ]
    # crc32 ranks the runs: stable across processes, unlike hash(), and mapped in C (a
    # Python call a run was most of detection's cost). Only the kept runs get a 64-bit key.
    ranked = dict(zip(map(zlib.crc32, runs), runs, strict=True))
    for rank in sorted(ranked)[:TEASER_KEYS]:
        keys.add(_key("s", ranked[rank].decode()))
    return keys


def trigrams(text):
    """pg_trgm's trigrams of text: each word (letters and digits) lowercased, padded with two
    spaces before and one after. The windows of all the padded words written one after the
    other, less those across two words (they end with two spaces): one pass, not one a word."""
    padded = "".join(f"  {word} " for word in _words(text))
    windows = {padded[i : i + 3] for i in range(len(padded) - 2)}
    return {gram for gram in windows if not gram.endswith("  ")}


def similarity(first, second):
    """pg_trgm's similarity() of two texts: shared trigrams over all of them, 0 to 1."""
    return _set_similarity(trigrams(first), trigrams(second))


def _set_similarity(a, b):
    if not a or not b:
        return 0.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def item_text(item):
    return f"{item.title} {item.teaser}"


def has_trigrams():
    """Whether the database is PostgreSQL with pg_trgm (asked once a connection)."""
    if connection.vendor != "postgresql":
        return False
    known = getattr(connection, "_newsroom_pg_trgm", None)
    if known is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            known = cursor.fetchone() is not None
        connection._newsroom_pg_trgm = known
    return known


def detect(items, *, replaced=()):
    """Flag the items (just written: created or changed, with their title and teaser) that
    look like another item; returns the candidates found.

    replaced: those of the items that had keys before (changed, not created): their keys
    and open flags are computed again. Call once the items are in the database.
    """
    items = [item for item in items if item.pk is not None]
    if not enabled() or not items:
        return []
    by_pk = {item.pk: item for item in items}
    replaced = [pk for pk in {getattr(item, "pk", item) for item in replaced} if pk in by_pk]
    if replaced:
        DuplicateKey.objects.filter(item_id__in=replaced).delete()
        DuplicateCandidate.objects.open().filter(item_id__in=replaced).delete()
        DuplicateCandidate.objects.open().filter(other_id__in=replaced).delete()
    keys = {pk: text_keys(item.title, item.teaser) for pk, item in by_pk.items()}
    holders = _key_holders({key for item_keys in keys.values() for key in item_keys})
    for pk, item_keys in keys.items():
        for key in item_keys:
            holders[key].add(pk)
    pairs = set()
    for pk, item_keys in keys.items():
        shared = Counter(
            other
            for key in item_keys
            if len(holders[key]) <= COMMON_KEY_ITEMS
            for other in holders[key]
            if other != pk
        )
        pairs.update(
            _pair(pk, other)
            for other, count in shared.most_common(MAX_COMPARED)
            if count >= MIN_SHARED_KEYS
        )
    if len(by_pk) == 1 and has_trigrams():
        (item,) = by_pk.values()
        pairs.update(_pair(item.pk, other) for other in _similar_titles(item))
    _insert_keys(keys)
    scores = _scores(pairs, by_pk)
    return _flag(scores)


def store_keys(items):
    """The items' keys, without looking for duplicates (an undone merge's item gets its own
    flags back as they were)."""
    _insert_keys({item.pk: text_keys(item.title, item.teaser) for item in items})


def _insert_keys(keys):
    insert_rows(
        DuplicateKey,
        ["item_id", "key"],
        [(pk, key) for pk, item_keys in keys.items() for key in sorted(item_keys)],
    )


def _pair(first, second):
    return (first, second) if first > second else (second, first)


def _key_holders(keys):
    """{key: ids of the items that hold it}, for the keys held by no more than
    COMMON_KEY_ITEMS items (a common one comes back with COMMON_KEY_ITEMS + 1 holders at
    most, enough to tell it common). One query."""
    holders = defaultdict(set)
    if not keys:
        return holders
    table = connection.ops.quote_name(DuplicateKey._meta.db_table)
    # The first holders of each key from the (key, item) index, no more: a window over every
    # holder sorted 261,000 rows for 7,000 keys at 68,000 items on PostgreSQL (145 ms against
    # 39; on SQLite 110 ms against 26, for 7,000 keys of 700,000).
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT k, hit.item_id FROM unnest(%s::bigint[]) AS k, LATERAL "
            f"(SELECT item_id FROM {table} WHERE key = k ORDER BY item_id LIMIT %s) AS hit"
        )
        params = [sorted(keys)]
    else:
        sql = (
            f"SELECT wanted.value, hit.item_id FROM json_each(%s) AS wanted "
            f"JOIN {table} AS hit ON hit.rowid IN (SELECT rowid FROM {table} "
            f"WHERE key = wanted.value ORDER BY item_id LIMIT %s)"
        )
        params = [_json_list(keys)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, COMMON_KEY_ITEMS + 1])
        for key, item_id in cursor.fetchall():
            holders[key].add(item_id)
    return holders


def _json_list(values):
    return "[" + ",".join(str(int(value)) for value in sorted(values)) + "]"


def _similar_titles(item):
    """Ids of items whose title is like the item's, from the title's trigram index."""
    table = connection.ops.quote_name(Item._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE title %% %s AND id <> %s "
            f"ORDER BY similarity(title, %s) DESC LIMIT %s",
            [item.title, item.pk, item.title, TITLE_MATCHES],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _scores(pairs, by_pk):
    """{(item id, other id): similarity} of the pairs: one query. pg_trgm scores a save's
    pairs on PostgreSQL; a batch's are scored here, each item's trigrams made once (pg_trgm
    makes them again for every pair: 6 times the work at 100,000 items). The same measure:
    tests/importing/test_duplicates.py compares them."""
    if not pairs:
        return {}
    pairs = sorted(pairs)
    if len(by_pk) == 1 and has_trigrams():
        return _database_scores(pairs)
    others = {pk for pair in pairs for pk in pair} - by_pk.keys()
    texts = {pk: item_text(item) for pk, item in by_pk.items()}
    if others:
        rows = Item.objects.filter(pk__in=_ids(others)).values_list("pk", "title", "teaser")
        texts.update((pk, f"{title} {teaser}") for pk, title, teaser in rows)
    words, grams = {}, {}

    def words_of(pk):
        if pk not in words:
            words[pk] = set(_words(texts[pk]))
        return words[pk]

    def grams_of(pk):
        if pk not in grams:
            grams[pk] = trigrams(texts[pk])
        return grams[pk]

    return {
        (first, second): _set_similarity(grams_of(first), grams_of(second))
        for first, second in pairs
        if first in texts
        and second in texts
        and _set_similarity(words_of(first), words_of(second)) >= MIN_WORDS_SHARED
    }


def _ids(ids):
    """An id list as one parameter on SQLite (json_each): a batch has thousands."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (sorted(ids),))
    return RawSQL("SELECT value FROM json_each(%s)", (_json_list(ids),))


def _database_scores(pairs):
    table = connection.ops.quote_name(Item._meta.db_table)
    sql = (
        f"SELECT p.a, p.b, similarity(i.title || ' ' || i.teaser, o.title || ' ' || o.teaser) "
        f"FROM unnest(%s::bigint[], %s::bigint[]) AS p(a, b) "
        f"JOIN {table} i ON i.id = p.a JOIN {table} o ON o.id = p.b"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [[a for a, _ in pairs], [b for _, b in pairs]])
        return {(a, b): score for a, b, score in cursor.fetchall()}


def _flag(scores):
    """Candidates for the pairs at MIN_SCORE or above, the best MAX_CANDIDATES of each item;
    a pair an editor dismissed stays dismissed (one INSERT)."""
    by_item = defaultdict(list)
    for (first, second), score in scores.items():
        if score >= MIN_SCORE:
            by_item[first].append((score, second))
            by_item[second].append((score, first))
    kept = set()
    for pk, found in by_item.items():
        for score, other in sorted(found, reverse=True)[:MAX_CANDIDATES]:
            kept.add((*_pair(pk, other), score))
    candidates = [
        DuplicateCandidate(item_id=first, other_id=second, score=round(score, 4))
        for first, second, score in sorted(kept)
    ]
    DuplicateCandidate.objects.bulk_create(candidates, ignore_conflicts=True)
    return candidates


def detect_all(*, chunk=1000):
    """Keys and flags for every item, computed again (items from before detection, or after
    its rules changed): a chunk of items a transaction. Returns (items, candidates)."""
    last, items, found = 0, 0, 0
    while True:
        with transaction.atomic():
            batch = list(
                Item.objects.filter(pk__gt=last)
                .order_by("pk")
                .only("id", "title", "teaser")[:chunk]
            )
            if not batch:
                return items, found
            found += len(detect(batch, replaced=batch))
        items += len(batch)
        last = batch[-1].pk
