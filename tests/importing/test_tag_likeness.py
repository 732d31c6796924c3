"""The name rules of tag health (articles/tag_likeness): which names look like one tag, and
which must not. No database."""

import random

import pytest

from articles.tag_likeness import Likeness, alike_by_name, allowed_edits, grouped, words_of
from articles.tag_names import tag_key


def alike(*names):
    """{(name, name): likeness} of the pairs found among names (the lower id first)."""
    keys = {index: tag_key(name) for index, name in enumerate(names)}
    return {(names[p.first], names[p.second]): p.likeness for p in alike_by_name(keys)}


@pytest.mark.parametrize(
    ("one", "other", "likeness"),
    [
        ("Kim Jong-un", "Kim Jung-un", Likeness.SPELLING),  # one letter, 9 letters
        ("Kim Jong Un", "Kim Jongun", Likeness.SPELLING),  # no letter: a space gone
        ("U.S.", "US", Likeness.SPELLING),  # two keys, the same letters
        ("P'yŏngyang", "Pyongyang", Likeness.SPELLING),  # transliterated alike
        ("Mahmoud Abbas", "Mahmud Abbas", Likeness.SPELLING),
        ("Intergovernmental Panel", "Intergovermental Pannel", Likeness.SPELLING),  # two, 16+
        ("Bank of England", "The Bank of England", Likeness.ONE_WORD),
        ("Donald Trump", "Donald John Trump", Likeness.ONE_WORD),
        ("Brexit", "Brexit talks", Likeness.PREFIX),
        ("Korea", "Korea, North", Likeness.PREFIX),
        ("European Union", "European Union summit in Brussels", Likeness.PREFIX),
    ],
)
def test_names_that_look_like_one_tag(one, other, likeness):
    assert alike(one, other) == {(one, other): likeness}


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Iran", "Iraq"),  # one letter, but short names: two countries
        ("Austria", "Australia"),
        ("Niger", "Nigeria"),
        ("Korea", "North Korea"),  # a single word gaining one: another subject
        ("Sudan", "South Sudan"),
        ("North Korea", "South Korea"),  # one word replaced
        ("Kim Jong-il", "Kim Jong-un"),  # two letters in 9: father and son
        ("G7 summit 2023", "G7 summit 2024"),  # a letter apart, but another number
        ("Climate", "Climatology"),  # a prefix letter-wise, not word-wise
    ],
)
def test_names_that_must_not_group(one, other):
    assert alike(one, other) == {}


def test_edits_allowed_grow_with_the_length():
    assert [allowed_edits(n) for n in (4, 7, 8, 15, 16, 40)] == [0, 0, 1, 1, 2, 2]


def test_words_are_transliterated_letters_and_digits():
    assert words_of(tag_key("Côte d'Ivoire")) == ("cote", "divoire")
    assert words_of(tag_key("G-20 summit")) == ("g", "20", "summit")
    assert words_of(tag_key("!!!")) == ()


def test_a_pair_found_by_two_rules_keeps_the_strongest():
    # "Brexit talk" / "Brexit talks": a prefix? No (word-wise); a letter apart: spelling.
    assert alike("Brexit talks", "Brexit talk") == {
        ("Brexit talks", "Brexit talk"): Likeness.SPELLING
    }
    # "Bank of England" / "Bank of England plc": one word more and a prefix: one word wins.
    assert alike("Bank of England", "Bank of England plc") == {
        ("Bank of England", "Bank of England plc"): Likeness.ONE_WORD
    }


def test_pairs_chain_into_groups():
    names = ["Kim Jong-un", "Kim Jung-un", "Kim Jongun", "Brexit", "Brexit talks", "Iran"]
    keys = {index: tag_key(name) for index, name in enumerate(names)}

    groups = grouped(alike_by_name(keys))

    assert sorted(ids for ids, _ in groups) == [[0, 1, 2], [3, 4]]
    assert {len(pairs) for ids, pairs in groups if ids == [0, 1, 2]} == {3}


def test_a_misspelling_is_found_among_thousands_of_names():
    rng = random.Random(12)
    letters = "abcdefghijklmnopqrstuvwxyz"
    names = {"".join(rng.choice(letters) for _ in range(rng.randint(10, 14))) for _ in range(3000)}
    names = sorted(names) + ["Kim Jong-un", "Kim Jung-un"]

    found = alike(*names)

    assert found[("Kim Jong-un", "Kim Jung-un")] == Likeness.SPELLING
