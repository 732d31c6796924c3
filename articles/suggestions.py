"""Tag suggestions: the existing tags whose name or alias an item's title or teaser uses.

Offline and explainable: no model, no network, only the tags the newsroom has. Each
suggestion says which words of the text matched which spelling of the tag, and how
(``“Pyongyang” → North Korea, by alias``).

The matching rule is the tag key's (tag_names.tag_key), so that a text "uses" a tag exactly
when some run of its words, folded as tag names are, is the key of the tag's name or of an
alias:

- NFKC and casefold(): case and compatibility forms do not count ("NORTH KOREA", "ﬁ").
- Diacritics count, as they do between tag names ("Zürich" is not "Zurich", which could be
  another tag): a text spelling a tag without its accents is not a match.
- Dashes count as spaces ("Kim Jong-un" = "Kim Jong Un"), runs of whitespace (NBSP too) as
  one, and apostrophes vanish ("Côte d’Ivoire" = "Côte d'Ivoire").
- On word boundaries: the matched words are not glued to a letter, digit or combining mark
  on either side ("EU" is not in "Europe"). An apostrophe is a boundary too ("Pyongyang’s"
  uses "Pyongyang"). Scripts written without spaces between words (Han, kana, Hangul, Thai)
  need no boundary: "北朝鮮の" uses "北朝鮮".
- Words inside a longer match of another tag are that tag's: with the tags "North Korea" and
  "Korea", the text "North Korea" suggests "North Korea" only.

The whole vocabulary is one Aho–Corasick automaton (pyahocorasick), so a text is read once
whatever the number of tags. It is built once per process and rebuilt when the vocabulary
changes: ``vocabulary()`` compares a signature of the tags and aliases (their counts and
newest ids, one query: any tag or alias created or deleted) and the ``vocabulary`` version of
the shared cache (reader_cache: bumped on commit by renames, merges, deletions, their undos and
alias edits, which change names in place). With no shared cache (CACHE_DISABLED=1) there is
nowhere to keep that version, and every call rebuilds: exact, only slower.
"""

from dataclasses import dataclass
from enum import StrEnum

import ahocorasick
from django.db import connection, transaction

from . import editing, reader_cache
from .cache_health import CacheUnavailable
from .models import Item, Tag, TagAlias, TaggedItem
from .tag_names import tag_key
from .text_folding import fold, glued


# Scripts written without spaces between words: a tag's word may touch its neighbours.
class MatchedBy(StrEnum):
    """Which spelling of the tag the words are."""

    NAME = "name"
    ALIAS = "alias"


@dataclass(frozen=True)
class Evidence:
    """Words of the text, as it writes them, that are a spelling of the tag."""

    words: str
    matched_by: MatchedBy
    spelling: str  # the tag's name or the alias

    def explain(self, tag_name):
        return f"“{self.words}” → {tag_name}, by {self.matched_by}"


@dataclass(frozen=True)
class Suggestion:
    tag_id: int
    tag_name: str
    evidence: tuple[Evidence, ...]  # in the order the text uses them, each once

    @property
    def matched_by(self):
        """By name when any of the words are the tag's name, else by alias."""
        kinds = {one.matched_by for one in self.evidence}
        return MatchedBy.NAME if MatchedBy.NAME in kinds else MatchedBy.ALIAS

    def explain(self):
        return "; ".join(one.explain(self.tag_name) for one in self.evidence)


@dataclass(frozen=True)
class Spelling:
    """One key of the vocabulary: a tag's name or one of its aliases."""

    tag_id: int
    tag_name: str
    matched_by: MatchedBy
    spelling: str


class Vocabulary:
    """Every spelling of every tag as one automaton; suggests for texts."""

    def __init__(self, spellings):
        self.automaton = ahocorasick.Automaton()
        self.size = 0
        for spelling in spellings:
            key = tag_key(spelling.spelling)
            existing = self.automaton.get(key, None)
            # A key is one tag's (the database's unique keys); a name wins over an alias.
            if existing is None or spelling.matched_by == MatchedBy.NAME:
                self.automaton.add_word(key, (len(key), spelling))
                self.size += existing is None
        if self.size:
            self.automaton.make_automaton()

    def suggest(self, *texts, exclude=()):
        """The tags the texts use, in the order they first use them, but those in
        ``exclude`` (tag ids: the item's own)."""
        found = {}
        for text in texts:
            for spelling, words in self._matches(text or ""):
                found.setdefault(spelling.tag_id, {}).setdefault(
                    (words, spelling.spelling), spelling
                )
        return [
            Suggestion(
                tag_id,
                next(iter(evidence.values())).tag_name,
                tuple(
                    Evidence(words, spelling.matched_by, spelling.spelling)
                    for (words, _), spelling in evidence.items()
                ),
            )
            for tag_id, evidence in found.items()
            if tag_id not in exclude
        ]

    def _matches(self, text):
        """(spelling, words) of each match on word boundaries not inside a longer one, in
        the order of the text."""
        if not self.size or not text:
            return []
        folded = fold(text)
        spans = []
        for end, (length, spelling) in self.automaton.iter(folded.text):
            start, stop = end - length + 1, end + 1
            if self._bounded(folded, start, stop):
                spans.append((start, -stop, spelling))
        spans.sort(key=lambda span: (span[0], span[1]))
        kept, reach = [], -1
        for start, negative_stop, spelling in spans:
            stop = -negative_stop
            if stop <= reach:
                continue  # inside a longer match that starts no later
            reach = stop
            kept.append((spelling, folded.words(start, stop)))
        return kept

    @staticmethod
    def _bounded(folded, start, stop):
        text = folded.text
        if start > 0 and start not in folded.after_apostrophe:
            if glued(text[start - 1], text[start]):
                return False
        if stop < len(text) and stop not in folded.after_apostrophe:
            if glued(text[stop - 1], text[stop]):
                return False
        return True


# --- The process's vocabulary ----------------------------------------------------------------

_built = None  # (signature, Vocabulary): this process's, while the signature holds


def read_vocabulary():
    """Every tag's name and aliases, as the database has them now: two queries."""
    spellings = [
        Spelling(pk, name, MatchedBy.NAME, name)
        for pk, name in Tag.objects.order_by("pk").values_list("pk", "name")
    ]
    aliases = TagAlias.objects.order_by("pk").values_list("tag_id", "tag__name", "name")
    spellings += [Spelling(pk, tag, MatchedBy.ALIAS, name) for pk, tag, name in aliases]
    return Vocabulary(spellings)


def vocabulary_signature():
    """What changes whenever the vocabulary does, or None when that cannot be told (no
    shared cache, or it is down): one query, and one read of the cache."""
    if not reader_cache.enabled():
        return None
    try:
        (version,) = reader_cache.versions([reader_cache.VOCABULARY])
    except CacheUnavailable:
        return None
    tables = [Tag._meta.db_table, TagAlias._meta.db_table]
    quote = connection.ops.quote_name
    parts = ", ".join(
        f"(SELECT COUNT(*) FROM {quote(table)}), (SELECT MAX(id) FROM {quote(table)})"
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}")
        counts = cursor.fetchone()
    return (version, *counts)


def vocabulary():
    """The vocabulary as it is now: this process's automaton while the signature holds.

    One built inside a transaction is kept for the process once it commits: a rolled-back
    one (an import's dry run) may have created tags whose ids the next ones take again.
    """
    signature = vocabulary_signature()
    built = _built
    if built is not None and signature is not None and built[0] == signature:
        return built[1]
    words = read_vocabulary()
    if signature is not None:
        transaction.on_commit(lambda: _keep(signature, words))
    return words


def _keep(signature, words):
    global _built
    _built = (signature, words)


def tag_ids_of(items):
    """{item id: {tag ids}} in one query (or none, given items with prefetched tags)."""
    items = list(items)
    if all("tags" in getattr(item, "_prefetched_objects_cache", {}) for item in items):
        return {item.pk: {tag.pk for tag in item.tags.all()} for item in items}
    have = {item.pk: set() for item in items}
    links = TaggedItem.objects.filter(content_object_id__in=list(have))
    for item_id, tag_id in links.values_list("content_object_id", "tag_id"):
        have[item_id].add(tag_id)
    return have


def suggest_for_items(items):
    """{item id: [Suggestion]} for the items (with title and teaser), leaving out the tags
    each has: a constant number of queries whatever their number."""
    items = list(items)
    if not items:
        return {}
    have = tag_ids_of(items)
    words = vocabulary()
    return {
        item.pk: words.suggest(item.title, item.teaser, exclude=have[item.pk]) for item in items
    }


class DryRunSuggestions:
    """The import preview's suggestions, file by file: called with each file's report inside
    the dry run's transaction, so that each item is read as the import would leave it (its
    text, and its tags, the digest's among them). Two queries a file, and the vocabulary
    read once."""

    def __init__(self):
        self.words = None
        self.by_file = {}  # file name: [(ItemOutcome, [Suggestion])], items with some only

    def __call__(self, report):
        ids = [outcome.item_id for outcome in report.items if outcome.item_id is not None]
        if not ids:
            return
        items = {item.pk: item for item in Item.objects.filter(pk__in=ids).only("title", "teaser")}
        have = tag_ids_of(items.values())
        if self.words is None:
            self.words = vocabulary()
        rows = []
        for outcome in report.items:
            item = items.get(outcome.item_id)
            if item is not None:
                found = self.words.suggest(item.title, item.teaser, exclude=have[item.pk])
                if found:
                    rows.append((outcome, found))
        if rows:
            self.by_file[report.name] = rows


# --- Accepting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    """What applying suggestions did: the items changed and how many tags they gained."""

    items: list
    links: int

    def describe(self):
        return f"{self.links} suggested tag{'' if self.links == 1 else 's'}"


def accept(item, suggestion, *, user=None):
    """Tag item with one of its suggestions (the change form's button)."""
    return editing.add_tags(
        {item: [suggestion.tag_id]},
        user=user,
        reason=f"Suggested tag added: {suggestion.tag_name}"[:100],
    )


def apply_suggestions(queryset, *, user=None):
    """Give every item of queryset the tags suggested for it, through editing.add_tags:
    one revision an item (undone by reverting to the one before, like every bulk action),
    the readers' cache dropped where it shows them. A constant number of queries."""
    items = list(queryset)
    found = suggest_for_items(items)
    wanted = {item: [one.tag_id for one in found[item.pk]] for item in items}
    changed = editing.add_tags(wanted, user=user, reason="Suggested tags added")
    return Applied(changed, sum(len(ids) for ids in wanted.values()))
