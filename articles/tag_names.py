"""Tag names: how they are compared, slugged, and typed by editors.

Pure functions, no database: the importer, the models and the admin share them so that
"North Korea", "north korea" and "North-Korea" are one tag everywhere, on SQLite as on
PostgreSQL (SQLite's LOWER() folds ASCII only, so the comparison key is computed here).
"""

import re
import unicodedata

from anyascii import anyascii
from django.utils.text import slugify

# Dashes and apostrophes that wire copy and editors use interchangeably (suggestions.fold
# folds texts by the same sets).
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
APOSTROPHES = "'\u2018\u2019\u02bc\u2032`\u00b4"
_FOLD_DASHES = str.maketrans(dict.fromkeys(DASHES, " "))
_DROP_APOSTROPHES = str.maketrans(dict.fromkeys(APOSTROPHES))
_WHITESPACE = re.compile(r"\s+")
_SYLLABLE_SCRIPTS = ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH", "HANGUL SYLLABLE")


def tag_key(name):
    """The comparison key of a tag name: two names with one key are one tag.

    NFKC and casefold() make case and compatibility forms equal ("Über" = "über"); dashes
    count as spaces and apostrophes vanish ("Kim Jong-un" = "Kim Jong Un", "Côte d'Ivoire"
    = "Côte dIvoire"); runs of whitespace, NBSP included, count as one space.
    """
    folded = unicodedata.normalize("NFKC", name).casefold()
    folded = folded.translate(_FOLD_DASHES).translate(_DROP_APOSTROPHES)
    return _WHITESPACE.sub(" ", folded).strip()


def ascii_slug(text, max_length=100):
    """An ASCII slug, so that Django's <slug:> converter matches every tag and item URL.

    Every script is transliterated (anyascii): "Côte d'Ivoire" -> "cote-divoire", "Россия" ->
    "rossiya", "Ελλάδα" -> "ellada", "مصر" -> "msr". Han ideographs and Hangul syllables are
    one syllable each, written without spaces: they are kept apart ("北朝鮮" ->
    "bei-chao-xian", not "beichaoxian"). Only a name with nothing to transliterate (symbols)
    gets an empty slug, which callers replace.
    """
    spaced = "".join(f" {char} " if _is_syllable(char) else char for char in text)
    ascii_text = anyascii(spaced).translate(_DROP_APOSTROPHES)
    slug = slugify(ascii_text)
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug


def _is_syllable(char):
    # Ideographs and Hangul blocks: a word of their own in a slug. Kana, by contrast, spell
    # words letter by letter ("ひらがな" -> "hiragana").
    return unicodedata.name(char, "").startswith(_SYLLABLE_SCRIPTS)


def clean_tag_name(text):
    """A name as an editor typed it, with runs of whitespace (NBSP too) as one space."""
    return _WHITESPACE.sub(" ", text).strip()


def parse_tag_names(*texts):
    """Split what an editor typed (one text or several entries) into tag names, on commas.

    taggit's default parser splits on spaces when there is no comma, so "climate change"
    would become two tags. Names keep their inner words; duplicates by tag_key are dropped.
    """
    names = []
    seen = set()
    for text in texts:
        for part in (text or "").split(","):
            name = clean_tag_name(part)
            key = tag_key(name)
            if key and key not in seen:
                seen.add(key)
                names.append(name)
    return names


def join_tag_names(tags):
    """The inverse of parse_tag_names, for taggit's text form of an item's tags."""
    return ", ".join(sorted((tag.name for tag in tags), key=str.casefold))
