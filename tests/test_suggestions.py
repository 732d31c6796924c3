"""Tag suggestions (articles/suggestions.py): the matching rule, and the process's automaton,
rebuilt by every write that changes the vocabulary."""

import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from articles import suggestions, tag_deletion, tag_undo, text_folding
from articles.models import Item, Tag, TagAlias, TagRename
from articles.suggestions import MatchedBy, Spelling, Vocabulary
from articles.tag_names import tag_key
from articles.tag_services import add_alias, merge_tags, rename_tag
from articles.text_folding import fold
from tests.factories import make_item, tag


def words_of(*spellings):
    """A vocabulary from (tag id, tag name, [aliases]) triples."""
    entries = []
    for tag_id, name, aliases in spellings:
        entries.append(Spelling(tag_id, name, MatchedBy.NAME, name))
        entries += [Spelling(tag_id, name, MatchedBy.ALIAS, alias) for alias in aliases]
    return Vocabulary(entries)


WORDS = words_of(
    (1, "North Korea", ["Pyongyang", "DPRK"]),
    (2, "Korea", []),
    (3, "EU", ["European Union"]),
    (4, "Kim Jong-un", ["Kim Jong Un"]),
    (5, "Côte d'Ivoire", []),
    (6, "北朝鮮", []),
    (7, "Zürich", []),
    (8, "C++", []),
)


def found(*texts, exclude=()):
    return [(s.tag_name, s.explain()) for s in WORDS.suggest(*texts, exclude=exclude)]


class TestMatching:
    def test_an_alias_says_it_is_one(self):
        assert found("Missiles over Pyongyang") == [
            ("North Korea", "“Pyongyang” → North Korea, by alias")
        ]
        (suggestion,) = WORDS.suggest("Missiles over Pyongyang")
        assert suggestion.matched_by == MatchedBy.ALIAS
        assert suggestion.evidence[0].spelling == "Pyongyang"

    def test_case_dashes_apostrophes_and_spaces_fold_as_tag_keys_do(self):
        text = "KIM\u00a0JONG\u2013UN met north  korea’s envoy in Côte d’Ivoire"
        assert found(text) == [
            ("Kim Jong-un", "“KIM\u00a0JONG\u2013UN” → Kim Jong-un, by name"),
            ("North Korea", "“north  korea” → North Korea, by name"),
            ("Côte d'Ivoire", "“Côte d’Ivoire” → Côte d'Ivoire, by name"),
        ]

    def test_diacritics_count_as_between_tag_names(self):
        assert found("Zurich votes") == []
        assert found("Zürich votes") == [("Zürich", "“Zürich” → Zürich, by name")]

    def test_only_whole_words_match(self):
        assert found("Europe and NorthKorea, Koreans, EUR") == []
        assert found("the EU, and the eu.") == [("EU", "“EU” → EU, by name; “eu” → EU, by name")]

    def test_a_name_with_symbols_matches_between_spaces(self):
        assert found("Learning C++ now") == [("C++", "“C++” → C++, by name")]

    def test_words_inside_a_longer_tag_are_that_tags(self):
        assert found("North Korea and South Korea") == [
            ("North Korea", "“North Korea” → North Korea, by name"),
            ("Korea", "“Korea” → Korea, by name"),
        ]

    def test_unspaced_scripts_need_no_boundary(self):
        assert found("北朝鮮のミサイル") == [("北朝鮮", "“北朝鮮” → 北朝鮮, by name")]

    def test_tags_the_item_has_are_left_out_and_title_comes_first(self):
        assert [name for name, _ in found("EU talks", "DPRK and the EU", exclude={3})] == [
            "North Korea"
        ]
        assert [name for name, _ in found("EU talks", "DPRK")] == ["EU", "North Korea"]

    def test_an_empty_vocabulary_or_text_suggests_nothing(self):
        assert Vocabulary([]).suggest("North Korea") == []
        assert WORDS.suggest("", None) == []

    @given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"])))
    def test_a_folded_text_is_its_tag_key(self, text):
        assert fold(text).text.strip(" ") == tag_key(text)

    @given(st.text(alphabet=" \u00a0'’-–aAbßé\u0301ﬁ北…´ｶﾞ㎏\u1100\u1161", max_size=20))
    def test_both_ways_of_folding_agree(self, text):
        """Texts in NFKC are folded by str methods, the others by cluster: the same."""
        fast, slow = fold(text), text_folding._fold_by_cluster(text)
        assert fast.text == slow.text
        for start in range(len(fast.text)):
            for end in range(start + 1, len(fast.text) + 1):
                ends_word = end == len(fast.text) or fast.text[end].isspace()
                if fast.text[start].isalnum() and fast.text[end - 1].isalnum() and ends_word:
                    assert fast.words(start, end) == slow.words(start, end)

    @given(st.text(min_size=1, max_size=30).filter(lambda name: tag_key(name)))
    def test_every_name_is_found_in_itself(self, name):
        words = words_of((1, name, []))
        text = f"({name})"
        if any(ch.isalnum() for ch in name[:1] + name[-1:]):
            assert [s.tag_id for s in words.suggest(text)] == [1]


# --- The process's vocabulary ------------------------------------------------------------


@pytest.fixture
def shared_cache(monkeypatch):
    """A real cache (the suite's is the dummy one), and no automaton left by another test."""
    local = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    monkeypatch.setattr(suggestions, "_built", None)
    with override_settings(CACHES={**local, "default": {**local["default"], "LOCATION": "sg"}}):
        cache.clear()
        yield
        cache.clear()


@pytest.fixture
def current(django_capture_on_commit_callbacks):
    """vocabulary() as a request calls it: its transaction commits (and keeps the build)."""

    def read():
        with django_capture_on_commit_callbacks(execute=True):
            return suggestions.vocabulary()

    return read


def names_in(words):
    return {spelling.spelling for _, (_, spelling) in words.automaton.items()}


pytestmark = pytest.mark.django_db


class TestTheProcessVocabulary:
    def test_it_is_built_once_while_nothing_changes(self, shared_cache, current, monkeypatch):
        tag("North Korea")
        first = current()
        builds = []
        monkeypatch.setattr(suggestions, "read_vocabulary", lambda: builds.append(1))
        assert current() is first and builds == []

    def test_one_built_in_a_rolled_back_transaction_is_not_kept(self, shared_cache, current):
        tag("North Korea")
        current()
        Tag.objects.create(name="Ghost")
        inside = suggestions.vocabulary()  # the transaction is not committed
        assert "Ghost" in names_in(inside)
        Tag.objects.filter(name="Ghost").delete()
        assert "Ghost" not in names_in(current())

    @pytest.mark.parametrize(
        "write",
        [
            pytest.param(lambda korea: tag("China"), id="tag created"),
            pytest.param(lambda korea: add_alias(korea, "DPRK"), id="alias added"),
            pytest.param(lambda korea: rename_tag(korea, "DPRK"), id="tag renamed"),
            pytest.param(lambda korea: rename_tag(korea, "NORTH KOREA"), id="renamed, same key"),
            pytest.param(
                lambda korea: TagAlias.objects.filter(name="Pyongyang").delete(), id="alias deleted"
            ),
            pytest.param(
                lambda korea: merge_tags(sources=[tag("Russia")], target=korea), id="tags merged"
            ),
            pytest.param(lambda korea: tag_deletion.delete_tags([korea]), id="tag deleted"),
        ],
    )
    def test_each_write_that_changes_it_rebuilds_it(
        self, shared_cache, current, django_capture_on_commit_callbacks, write
    ):
        korea = tag("North Korea")
        add_alias(korea, "Pyongyang")
        tag("Russia")
        before = current()
        with django_capture_on_commit_callbacks(execute=True):
            write(korea)
        after = current()
        assert after is not before
        spelled = {(s.tag_name, s.spelling) for _, (_, s) in after.automaton.items()}
        assert spelled == {
            (one.tag.name, one.name) for one in TagAlias.objects.select_related("tag")
        } | {(one.name, one.name) for one in Tag.objects.all()}

    def test_an_alias_renamed_in_place_rebuilds_it(
        self, shared_cache, current, client, editor, django_capture_on_commit_callbacks
    ):
        from django.urls import reverse

        from tests.pages import tag_form_data

        editor.is_superuser = True
        editor.save()
        korea = tag("North Korea")
        alias = add_alias(korea, "Pyongyang")
        before = current()
        data = tag_form_data(korea)
        data.update(
            {
                "aliases-TOTAL_FORMS": "1",
                "aliases-INITIAL_FORMS": "1",
                "aliases-0-name": "Pjöngjang",
                "aliases-0-id": str(alias.pk),
            }
        )
        url = reverse("admin:articles_tag_change", args=[korea.pk])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data)
        assert response.status_code == 302
        after = current()
        assert "Pyongyang" in names_in(before)
        assert "Pjöngjang" in names_in(after) and "Pyongyang" not in names_in(after)

    def test_a_rename_undone_rebuilds_it(
        self, shared_cache, current, django_capture_on_commit_callbacks
    ):
        korea = tag("North Korea")
        rename_tag(korea, "DPRK")
        renamed = current()
        with django_capture_on_commit_callbacks(execute=True):
            tag_undo.undo_rename(TagRename.objects.get())
        assert "DPRK" in {s.tag_name for _, (_, s) in renamed.automaton.items()}
        assert {s.tag_name for _, (_, s) in current().automaton.items()} == {"North Korea"}


class TestForItems:
    def test_each_item_leaves_out_its_own_tags_in_two_queries(self, django_assert_num_queries):
        korea = tag("North Korea")
        add_alias(korea, "Pyongyang")
        one = make_item("Pyongyang fires", teaser="Russia watches.")
        two = make_item("North Korea fires", korea, teaser="Pyongyang says.")
        tag("Russia")
        items = list(Item.objects.filter(pk__in=[one.pk, two.pk]))
        with django_assert_num_queries(3):  # the links, the tags, the aliases (no cache here)
            found = suggestions.suggest_for_items(items)
        assert [s.tag_name for s in found[one.pk]] == ["North Korea", "Russia"]
        assert found[two.pk] == []


def test_a_process_starts_without_scanning_unicode_for_the_folding():
    """The BMP scan (0.1 s) waits for the first fold: Django's start (the admin, which
    imports the suggestions) does not pay it."""
    code = (
        "import django; django.setup(); import articles.admin; "
        "from articles import text_folding; "
        "print(text_folding._patterns.cache_info().currsize)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings"}
    started = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert started.stdout.strip() == "0"
    assert fold("Kim Jong‑un’s visit").text == "kim jong uns visit"
