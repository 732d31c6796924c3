"""Texts folded as tag names are (tag_names.tag_key), with the way back to the words as
written, and the word boundaries of the suggestions' rule (articles/suggestions.py).

Pure: strings in, strings out, no database.
"""

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from .tag_names import APOSTROPHES, DASHES

_UNSPACED_SCRIPTS = (
    "CJK UNIFIED IDEOGRAPH",
    "CJK COMPATIBILITY IDEOGRAPH",
    "HIRAGANA",
    "KATAKANA",
    "HANGUL",
    "THAI",
)


@dataclass(frozen=True)
class Folded:
    """A text folded as tag keys are, and where each of its characters came from."""

    text: str
    after_apostrophe: frozenset[int]  # characters of ``text`` an apostrophe preceded
    source: str
    # (start in text, start in source, end in source or None): from there on, text and
    # source go one character for one (None), or the run is one source character's fold
    # ("…" -> "..."). None: a text folded by cluster, whose ``spans`` say instead.
    runs: tuple[tuple[int, int, int | None], ...] | None = None
    spans: tuple[tuple[int, int], ...] = ()  # each character's (start, end) in source

    def words(self, start, end):
        """The source's characters, as written, that folded into text[start:end]."""
        if self.runs is None:
            return self.source[self.spans[start][0] : self.spans[end - 1][1]]
        return self.source[self._locate(start)[0] : self._locate(end - 1)[1]]

    def _locate(self, index):
        found = bisect.bisect_right(self.runs, (index, len(self.source) + 1, 0)) - 1
        run_start, source_start, source_end = self.runs[found]
        if source_end is not None:
            return source_start, source_end
        return source_start + index - run_start, source_start + index - run_start + 1


_SEPARATORS = DASHES + APOSTROPHES
# Every whitespace character but the space (all are below U+10000) and every dash: each
# folds to a space. A regular expression, not str.translate: these are few in a text, and
# translate looks up every character.
_TO_SPACE = re.compile(
    "["
    + re.escape(DASHES + "".join(c for c in map(chr, range(0x10000)) if c.isspace() and c != " "))
    + "]"
)
# What a folded text drops: apostrophes, and spaces (and apostrophes) after a space.
_DROPPED = re.compile(f"(?<= )[ {re.escape(APOSTROPHES)}]+|[{re.escape(APOSTROPHES)}]+")


def _joins(char):
    return unicodedata.category(char).startswith("M") or "\u1160" <= char <= "\u11ff"


def _fold_kind(char):
    """None: NFKC and casefold() make char one character, whatever its neighbours; "odd":
    its fold is some other number of characters, alone ("…" -> "..."); "context": its fold
    may depend on its neighbours (marks, jamo), or NFKC makes a separator of it or it of a
    separator ("´" -> " ́")."""
    normal = unicodedata.normalize("NFKC", char)
    if char.isspace() or char in _SEPARATORS:
        same = normal == char or (char.isspace() and normal.isspace())
        return None if same else "context"
    piece = normal.casefold()
    if _joins(char) or any(_joins(one) or one in _SEPARATORS or one.isspace() for one in piece):
        return "context"
    return None if len(piece) == 1 and piece == char.casefold() else "odd"


def _classes():
    kinds = {"odd": [], "context": []}
    for code in range(0x10000):
        if not 0xD800 <= code < 0xE000:
            kind = _fold_kind(chr(code))
            if kind is not None:
                kinds[kind].append(re.escape(chr(code)))
    return "".join(kinds["odd"]), "".join(kinds["context"])


@cache
def _patterns():
    """(odd, context): the BMP's characters of each kind; beyond it, folded by cluster.
    Built on the first fold, not at import (a scan of the BMP, 0.1 s of every process's
    start, which most processes never need)."""
    odd, context = _classes()
    return re.compile(f"[{odd}]"), re.compile(f"[{context}\U00010000-\U0010ffff]")


def fold(text):
    """``text`` folded by the rule of tag_key, keeping the way back to each character.

    Its text, stripped, is tag_key(text) (tests hold the two to that). Texts with no
    character whose fold depends on its neighbours (marks, jamo: rare in wire copy) are
    folded by str methods and regular expressions, at C speed, around the few characters
    whose fold is longer ("…"); the others a character cluster at a time.
    """
    odd_characters, context_characters = _patterns()
    if context_characters.search(text):
        return _fold_by_cluster(text)
    folded, runs, after_apostrophe = [], [], set()
    position = 0
    for odd in [*odd_characters.finditer(text), None]:
        end = odd.start() if odd is not None else len(text)
        if end > position:
            _fold_aligned(text, position, end, folded, runs, after_apostrophe)
        if odd is not None:
            piece = unicodedata.normalize("NFKC", odd.group()).casefold()
            runs.append((sum(map(len, folded)), odd.start(), odd.end()))
            folded.append(piece)
            position = odd.end()
    return Folded("".join(folded), frozenset(after_apostrophe), text, runs=tuple(runs))


def _fold_aligned(source, start, end, folded, runs, after_apostrophe):
    """Fold source[start:end], whose characters fold one for one, onto folded."""
    spaced = _TO_SPACE.sub(" ", source[start:end].casefold())
    kept = sum(map(len, folded))
    if folded and folded[-1].endswith(" ") and spaced.startswith(" "):
        spaced, start = spaced[1:], start + 1
    position = 0
    for dropped in _DROPPED.finditer(spaced):
        if dropped.start() > position:
            runs.append((kept, start + position, None))
            folded.append(spaced[position : dropped.start()])
            kept += dropped.start() - position
        if any(char in APOSTROPHES for char in dropped.group()):
            after_apostrophe.add(kept)
        position = dropped.end()
    if position < len(spaced):
        runs.append((kept, start + position, None))
        folded.append(spaced[position:])


def _clusters(text):
    """(start, end) of each base character with the marks that follow it: NFKC composes
    within these and never across them (Hangul jamo vowels and finals join the syllable)."""
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or not _joins(text[index]):
            yield start, index
            start = index


def _fold_by_cluster(text):
    """NFKC a character cluster at a time, so that each folded character knows the
    characters it came from."""
    chars, spans, after_apostrophe = [], [], set()
    apostrophe = False
    for start, end in _clusters(text):
        for char in unicodedata.normalize("NFKC", text[start:end]):
            if char in APOSTROPHES:
                apostrophe = True
                continue
            piece = " " if char in DASHES or char.isspace() else char.casefold()
            if piece == " " and chars and chars[-1] == " ":
                spans[-1] = (spans[-1][0], end)
                continue
            if apostrophe:
                after_apostrophe.add(len(chars))
                apostrophe = False
            chars.extend(piece)
            spans.extend([(start, end)] * len(piece))
    return Folded("".join(chars), frozenset(after_apostrophe), text, spans=tuple(spans))


def is_word(char):
    return char.isalnum() or unicodedata.category(char).startswith("M")


def _unspaced(char):
    return unicodedata.name(char, "").startswith(_UNSPACED_SCRIPTS)


def glued(before, after):
    """Whether two neighbouring characters are one word (no boundary between them)."""
    return is_word(before) and is_word(after) and not (_unspaced(before) or _unspaced(after))
