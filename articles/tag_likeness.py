"""Which tag names look like one tag: the name rules of the tag health page (tag_health).

Pure functions, no database. Names are compared by their tag_key (so case, dashes and
apostrophes never count: "Kim Jong-un" and "Kim Jong Un" are one tag already), transliterated
(anyascii: "P'yŏngyang" reads as "pyongyang") and cut into words of letters and digits. Two
names look alike when:

- SPELLING: their letters, spaces left out, are a few edits apart (Levenshtein, rapidfuzz):
  none for names under EDIT_FROM letters, one from EDIT_FROM, two from TWO_EDITS_FROM. "Kim
  Jong-un" / "Kim Jung-un" (9 letters, one edit) and "Kim Jong Un" / "Kim Jongun" (no edit)
  are alike; "Iran" / "Iraq" and "Austria" / "Australia" are not: short names a letter apart
  are as often two places as one misspelt. Numbers must be the same: "G7 summit 2024" is not
  a misspelt "G7 summit 2023".
- ONE_WORD: one has one word more, anywhere, and the shorter keeps two words or more: "Bank
  of England" / "The Bank of England". A single word gaining one is too often another subject
  ("Korea" / "North Korea", "Sudan" / "South Sudan"): not alike by this rule. One word
  replaced by another ("North Korea" / "South Korea") never is.
- PREFIX: the words of one are the first words of the other: "Brexit" / "Brexit talks",
  "Korea" / "Korea, North". "Korea" does not begin "North Korea".
"""

import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations

from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

EDIT_FROM = 8  # letters: shorter names must match letter for letter
TWO_EDITS_FROM = 16
_WORDS = re.compile(r"[a-z0-9]+")


class Likeness(StrEnum):
    """Why two tags look like one, strongest first (the order groups are shown in)."""

    SPELLING = "spelt nearly the same"
    ONE_WORD = "the same but for one word"
    SHARED_ITEMS = "most of their items in common"
    PREFIX = "one name begins the other"


@dataclass(frozen=True)
class Pair:
    """Two tags (by id, the lower first) and the strongest reason they look alike."""

    first: int
    second: int
    likeness: Likeness

    @classmethod
    def of(cls, one, other, likeness):
        return cls(min(one, other), max(one, other), likeness)


def words_of(key):
    """The words a tag_key is compared by: transliterated, letters and digits only."""
    return tuple(_WORDS.findall(anyascii(key).lower()))


def allowed_edits(letters):
    """How many edits two names may be apart, the shorter having this many letters."""
    if letters >= TWO_EDITS_FROM:
        return 2
    return 1 if letters >= EDIT_FROM else 0


def alike_by_name(keys):
    """Pairs of tags whose names look alike, from {tag id: tag_key}; one Pair each, with the
    strongest reason. Fast over 10,000 names: see _spelling_pairs."""
    words = {tag_id: words_of(key) for tag_id, key in keys.items()}
    words = {tag_id: found for tag_id, found in words.items() if found}
    found = {}
    for pair in [*_spelling_pairs(words), *_one_word_pairs(words), *_prefix_pairs(words)]:
        found.setdefault((pair.first, pair.second), pair)  # the first rule is the strongest
    return list(found.values())


def _spelling_pairs(words):
    """Names with the same letters, then names a few edits apart. These are compared within
    blocks of the same first two letters, then of the same last two (a pair is missed only
    when it has an edit in both: two edits, one at each end), each name with the ones as long
    or longer by no more than its edits allow. Comparing every name with every other costs
    1.5 s for 10,000 names; the blocks, 0.03 s."""
    letters = {tag_id: "".join(found) for tag_id, found in words.items()}
    pairs = set()

    def add(one, other):
        if _numbers(words[one]) == _numbers(words[other]):
            pairs.add(Pair.of(one, other, Likeness.SPELLING))

    same = defaultdict(list)
    for tag_id, text in letters.items():
        same[text].append(tag_id)
    for ids in same.values():
        for one, other in combinations(ids, 2):
            add(one, other)
    editable = [(len(text), text, tag_id) for tag_id, text in letters.items()]
    editable = [entry for entry in editable if allowed_edits(entry[0])]
    for end in (slice(None, 2), slice(-2, None)):
        blocks = defaultdict(list)
        for entry in editable:
            blocks[entry[1][end]].append(entry)
        for block in blocks.values():
            block.sort()
            lengths = [length for length, _, _ in block]
            texts = [text for _, text, _ in block]
            for index, (length, query, tag_id) in enumerate(block):
                edits = allowed_edits(length)  # the shorter's: this one's, sorted by length
                stop = bisect_right(lengths, length + edits, lo=index + 1)
                if stop == index + 1:
                    continue  # nothing near its length: no call, which costs more than a pair
                near = process.extract(
                    query,
                    texts[index + 1 : stop],
                    scorer=Levenshtein.distance,
                    score_cutoff=edits,
                    limit=None,
                )
                for _, distance, at in near:
                    if distance:  # no distance: found by their letters above
                        add(tag_id, block[index + 1 + at][2])
    return pairs


def _numbers(words):
    return [word for word in words if word.isdigit()]


def _tag_by_words(words):
    """{words: the first tag with them}: names of one tag_key have the same words, but so may
    two keys ("U.S." and "US" are two keys, both read "us": a spelling pair)."""
    by_words = {}
    for tag_id, found in words.items():
        by_words.setdefault(found, tag_id)
    return by_words


def _one_word_pairs(words):
    by_words = _tag_by_words(words)
    pairs = []
    for tag_id, found in words.items():
        if len(found) < 3:
            continue  # the shorter would keep one word only
        for index in range(len(found)):
            other = by_words.get(found[:index] + found[index + 1 :])
            if other is not None and other != tag_id:
                pairs.append(Pair.of(tag_id, other, Likeness.ONE_WORD))
    return pairs


def _prefix_pairs(words):
    by_words = _tag_by_words(words)
    pairs = []
    for tag_id, found in words.items():
        for end in range(1, len(found)):
            other = by_words.get(found[:end])
            if other is not None and other != tag_id:
                pairs.append(Pair.of(tag_id, other, Likeness.PREFIX))
    return pairs


def grouped(pairs):
    """The pairs as groups of tags that look like one (connected by any pair): a list of
    (tag ids, pairs) with ids in ascending order, groups in the order of their first pair."""
    parent = {}

    def root(tag_id):
        parent.setdefault(tag_id, tag_id)
        while parent[tag_id] != tag_id:
            parent[tag_id] = parent[parent[tag_id]]
            tag_id = parent[tag_id]
        return tag_id

    for pair in pairs:
        parent[root(pair.second)] = root(pair.first)
    groups = {}
    for pair in pairs:
        groups.setdefault(root(pair.first), []).append(pair)
    result = []
    for members in groups.values():
        ids = sorted({tag_id for pair in members for tag_id in (pair.first, pair.second)})
        result.append((ids, members))
    return result
