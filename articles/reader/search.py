"""Search over titles and teasers, on PostgreSQL and SQLite alike.

PostgreSQL: full text. Migration 0002 keeps a generated ``search_vector`` column (title weighted
A, teaser B, 'english' configuration) with a GIN index, up to date on every write; the query is
parsed by ``websearch_to_tsquery``, which accepts any input without error, and results are
ranked with ``ts_rank``. The model has no field for the column (SQLite has no tsvector), so
``models.search.SearchVectorColumn`` names it directly.

SQLite: a portable fallback with the same syntax (words, "quoted phrases", ``or``, ``-word``),
each word or phrase matched with ``icontains`` on title or teaser, ranked by where the words
occur (title counts double). Differences worth knowing: no stemming ("sanction" finds
"sanctions" but not the reverse), stop words are not ignored, substrings match ("korea" finds
"Korean"), and SQLite folds case for ASCII letters only ("über" does not find "Über").
"""

import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchRank
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils.html import conditional_escape, format_html, format_html_join

from ..models.search import SearchVectorColumn, websearch_query

# Bounds the SQL a query can make on SQLite (one LIKE pair per word).
MAX_TERMS = 16

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


def search(queryset, text):
    """``queryset`` narrowed to what matches ``text``, each item annotated with ``rank``."""
    if connection.vendor == "postgresql":
        query = websearch_query(text)
        return (
            queryset.alias(document=SearchVectorColumn())
            .filter(document=query)
            .annotate(rank=SearchRank(F("document"), query))
        )
    return _search_portably(queryset, parse(text))


def _search_portably(queryset, clauses):
    rank = Value(0)
    if not clauses:
        # PostgreSQL finds nothing for a query without a word to look for; neither do we.
        return queryset.annotate(rank=rank).none()
    for clause in clauses:
        matches = reduce(or_, (_matches(term.text) for term in clause))
        if clause[0].negated:
            queryset = queryset.exclude(matches)
            continue
        queryset = queryset.filter(matches)
        for term in clause:
            rank = rank + _weight(Q(title__icontains=term.text), 2)
            rank = rank + _weight(Q(teaser__icontains=term.text), 1)
    return queryset.annotate(rank=rank)


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
