"""Tag names as editors type them and as digests spell them (no database)."""

import pytest

from articles.tag_names import ascii_slug, parse_tag_names, tag_key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("North Korea", "north korea"),
        ("NORTH-KOREA", "north korea"),
        ("North\u00a0Korea", "north korea"),
        ("Kim Jong\u2013Un", "kim jong un"),
        ("Côte d’Ivoire", "côte divoire"),
        ("Straße", "strasse"),
    ],
)
def test_tag_key_ignores_case_dashes_apostrophes_and_spacing(name, key):
    assert tag_key(name) == key


def test_multi_word_tags_are_not_split_on_spaces():
    assert parse_tag_names("climate change") == ["climate change"]
    assert parse_tag_names("climate change, North Korea ,, north-korea") == [
        "climate change",
        "North Korea",
    ]


def test_slugs_are_ascii_and_bounded():
    assert ascii_slug("Putin awards Kim Jong-un 'World War II victory' medal") == (
        "putin-awards-kim-jong-un-world-war-ii-victory-medal"
    )
    assert len(ascii_slug("word " * 100, max_length=50)) <= 50


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Россия", "rossiya"),  # Cyrillic
        ("Владимир Путин", "vladimir-putin"),
        ("北朝鮮", "bei-chao-xian"),  # CJK: one word a syllable, not "beichaoxian"
        ("東京", "dong-jing"),
        ("한국", "han-gug"),  # Hangul
        ("Ελλάδα", "ellada"),  # Greek
        ("مصر", "msr"),  # Arabic
        ("Straße", "strasse"),
        ("Côte d’Ivoire", "cote-divoire"),
    ],
)
def test_slugs_are_readable_in_every_script(name, slug):
    assert ascii_slug(name) == slug


def test_a_name_of_symbols_only_has_no_slug_for_the_caller_to_replace():
    assert ascii_slug("★ ☆") == ""
