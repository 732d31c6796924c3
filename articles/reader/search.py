"""Search over titles and teasers, on PostgreSQL and SQLite alike.

PostgreSQL: full text. Migration 0002 keeps a generated ``search_vector`` column (title weighted A,
teaser B, 'english' configuration) with a GIN index, up to date on every write; the query is
parsed by ``websearch_to_tsquery``, which accepts any input without error, and results are
ranked with ``ts_rank``. The model has no field for the column (SQLite has no tsvector), so
``models.search.SearchVectorColumn`` names it directly.

SQLite: full text too, through the FTS5 index migration 0007 keeps by triggers
(``articles_item_fts``: Porter stemming, Unicode case folding, accents ignored), with the same
syntax (words, "quoted phrases", ``or``, ``-word``) translated by ``parse`` into an FTS5 query,
and ranked by where the words occur (a title counts double; bm25 would re-run the search for
each candidate, FTS5 computing it only inside a MATCH). Differences worth knowing: stop words
are not ignored ("the" must occur), and a query of exclusions alone (``-word``) lists every
item without the words, unranked. Where the SQLite library has no FTS5, each word or phrase is
matched with ``icontains`` (substrings, ASCII case folding only).

Bounded at any size: a search ranks at most ``MAX_RESULTS`` matches, the newest (or, ordered
oldest first, the oldest), and never counts beyond them: a common word shows "1,000+ results"
and the pages of its best 1,000 matches.
"""

import json
import re
import sqlite3
from dataclasses import dataclass
from functools import cache, reduce
from operator import or_

from django.contrib.postgres.search import SearchRank
from django.db import connection
from django.db.models import Case, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils.html import conditional_escape, format_html, format_html_join

from ..models.search import SearchVectorColumn, websearch_query

# Bounds the SQL a query can make on SQLite (one LIKE pair per word).
MAX_TERMS = 16
# Matches a search ranks and counts: beyond, the page says "1,000+ results".
MAX_RESULTS = 1000
FTS_TABLE = "articles_item_fts"
NEWEST = ("-published_at", "id")

# A quoted phrase (the closing quote may be missing), or a run of anything but space and quote.
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Term:
    text: str
    negated: bool = False


def parse(text):
    """The query as clauses, all of which must match; a clause is alternatives (``or``).

    The same reading as PostgreSQL's ``websearch_to_tsquery``: quoted phrases, ``or`` between
    two terms, ``-`` to exclude. Never raises: any text gives some (possibly empty) clauses.
    """
    clauses = []
    join_next = False
    for match in _TOKEN.finditer(text):
        phrase_minus, phrase, word_minus, word = match.groups()
        if word is not None and word.casefold() == "or":
            join_next = bool(clauses)
            continue
        raw = " ".join((phrase if phrase is not None else word).split())
        if not _WORD.search(raw):
            continue  # punctuation alone: PostgreSQL ignores it too
        term = Term(raw, negated=bool(phrase_minus or word_minus))
        if join_next and not term.negated and not clauses[-1][0].negated:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        join_next = False
    return clauses[:MAX_TERMS]


def highlight_words(text):
    """The words a reader expects to see marked in the results."""
    words = []
    for clause in parse(text):
        for term in clause:
            if not term.negated:
                words.extend(_WORD.findall(term.text))
    return sorted(set(words), key=lambda word: (-len(word), word))


@dataclass(frozen=True)
class Matches:
    """What ``find`` found: the matches (annotated with ``rank``) and how many they are, when
    that is known without counting them again (None: count ``items``)."""

    items: QuerySet
    count: int | None


def find(queryset, text, candidates_order=NEWEST, limit=None):
    """``queryset`` narrowed to what matches ``text`` (all of it when ``text`` is empty), each
    item annotated with ``rank``: at most ``limit`` (``MAX_RESULTS``) + 1 matches, the first
    in ``candidates_order``, so that ranking and counting stay bounded whatever the number of
    matches. The extra one tells the caller there are more (``count_label``).

    The candidates' keys are read here, once: as a subquery, the count and the page each ran
    the search again (a phrase checks the words' positions in every row it reads: 20 ms).
    """
    limit = MAX_RESULTS if limit is None else limit
    if not text:
        candidates, rank = queryset, Value(0.0, output_field=FloatField())
    elif connection.vendor == "postgresql":
        query = websearch_query(text)
        candidates = queryset.alias(document=SearchVectorColumn()).filter(document=query)
        rank = SearchRank(SearchVectorColumn(), query)
    elif fts5_available():
        candidates, rank = _search_fts(queryset, parse(text))
    else:
        return Matches(_search_portably(queryset, parse(text)), None)
    keys = list(candidates.order_by(*candidates_order).values_list("pk", flat=True)[: limit + 1])
    # The keys were read from ``queryset`` itself: every one of them is in it.
    return Matches(queryset.filter(pk__in=_one_parameter(keys)).annotate(rank=rank), len(keys))


def _one_parameter(keys):
    """``keys`` as a subquery of one parameter (an array, a JSON list): as 1,001 parameters
    they took Django and psycopg 5 ms of CPU a search to bind."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [keys])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(keys)])


def search(queryset, text, candidates_order=NEWEST, limit=None):
    """The matches of ``find``, as a queryset."""
    return find(queryset, text, candidates_order, limit).items


def count_label(count, limit=None):
    """What the page says of ``count`` results of ``search``: "1,000+" beyond the limit."""
    limit = MAX_RESULTS if limit is None else limit
    return f"{limit:,}+" if count > limit else f"{count:,}"


@cache
def fts5_available():
    """Whether the SQLite library has FTS5 (then migration 0007 made the index)."""
    with sqlite3.connect(":memory:") as probe:
        return "ENABLE_FTS5" in {row[0] for row in probe.execute("PRAGMA compile_options")}


def fts_query(clauses):
    """The clauses as an FTS5 query: each term a quoted phrase, so nothing in the reader's text
    is FTS5 syntax; alternatives joined with OR, exclusions with NOT. ("", exclusions) when the
    query has only exclusions, which FTS5 cannot express alone."""

    def phrase(term):
        return '"' + term.text.replace('"', '""') + '"'

    positive = [clause for clause in clauses if not clause[0].negated]
    negative = [phrase(term) for clause in clauses if clause[0].negated for term in clause]
    required = " AND ".join("(" + " OR ".join(map(phrase, clause)) + ")" for clause in positive)
    if not required:
        return "", " OR ".join(negative)
    return "".join([f"({required})", *(f" NOT {term}" for term in negative)]), ""


def _fts_matches(query):
    return RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [query])


def _search_fts(queryset, clauses):
    query, excluded = fts_query(clauses)
    if excluded:
        # Only exclusions: every item without the words, as PostgreSQL's websearch does.
        return queryset.exclude(pk__in=_fts_matches(excluded)), Value(0.0, FloatField())
    if not query:
        return queryset.none(), Value(0.0, FloatField())
    # FTS5 finds the matches; they are ranked by where their words occur (_rank_by_place),
    # on the bounded candidates only. bm25 was measured at 4 ms a candidate here: FTS5 computes
    # it only inside a MATCH, so each candidate's rank re-ran the search (7 s for a common word
    # at 100,000 items).
    return queryset.filter(pk__in=_fts_matches(query)), _rank_by_place(clauses)


def _search_portably(queryset, clauses):
    if not clauses:
        # PostgreSQL finds nothing for a query without a word to look for; neither do we.
        return queryset.annotate(rank=Value(0)).none()
    for clause in clauses:
        matches = reduce(or_, (_matches(term.text) for term in clause))
        queryset = queryset.exclude(matches) if clause[0].negated else queryset.filter(matches)
    return queryset.annotate(rank=_rank_by_place(clauses))


def _rank_by_place(clauses):
    """A match's rank on SQLite: each word or phrase found counts, in a title double."""
    rank = Value(0)
    for clause in clauses:
        if clause[0].negated:
            continue
        for term in clause:
            rank = rank + _weight(Q(title__icontains=term.text), 2)
            rank = rank + _weight(Q(teaser__icontains=term.text), 1)
    return rank


def _matches(text):
    return Q(title__icontains=text) | Q(teaser__icontains=text)


def _weight(condition, points):
    return Case(When(condition, then=Value(points)), default=Value(0), output_field=IntegerField())


def highlight(text, words):
    """``text`` escaped, with each word starting with one of ``words`` in ``<mark>``.

    Matching runs on the raw text and format_html escapes every piece on its own, so a word
    never matches inside an entity or markup, and the result is safe whatever the text holds.
    """
    if not words:
        return conditional_escape(text)
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(word) for word in words) + r")\w*", re.IGNORECASE
    )
    marked = []
    position = 0
    for match in pattern.finditer(text):
        marked.append((text[position : match.start()], match.group()))
        position = match.end()
    return format_html("{}{}", format_html_join("", "{}<mark>{}</mark>", marked), text[position:])
