"""Duplicate stories found on import and on save (articles.duplicates), on both backends."""

import hashlib

import pytest
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from articles import duplicates, editing
from articles.importing.upsert import item_import_key
from articles.models import DuplicateCandidate, DuplicateKey, Item
from tests.duplicate_pairs import MUST_FLAG, MUST_NOT_FLAG
from tests.factories import import_digest, make_item, make_user
from tests.pages import run_command

pytestmark = pytest.mark.django_db


def flagged_pairs():
    return set(DuplicateCandidate.objects.open().values_list("item__title", "other__title"))


def import_pair(first, second):
    """Each story of the pair in a digest of its own, in two imports; a pair of the same
    title is one story to the importer (its update), so the second is an editor's item."""
    import_digest("first.txt", "Tag", (first[0], (first[1],)))
    older = Item.objects.get(title=first[0])
    if item_import_key(first[0]) == item_import_key(second[0]):
        newer = make_item("Placeholder", teaser="Not yet.", slug="second")
        newer.title, newer.teaser = second
        editing.save_item(newer, [], user=None)
        return older, Item.objects.get(pk=newer.pk)
    import_digest("second.txt", "Tag", (second[0], (second[1],)))
    return older, Item.objects.get(title=second[0])


@pytest.mark.parametrize(("first", "second"), MUST_FLAG)
def test_a_near_copy_is_flagged_on_import_with_its_score(first, second):
    older, newer = import_pair(first, second)

    candidate = DuplicateCandidate.objects.get()
    assert (candidate.item, candidate.other) == (newer, older)
    assert candidate.score >= duplicates.MIN_SCORE
    assert candidate.score == pytest.approx(
        duplicates.similarity(f"{first[0]} {first[1]}", f"{second[0]} {second[1]}"), abs=0.02
    )


@pytest.mark.parametrize(("first", "second"), MUST_NOT_FLAG)
def test_another_story_is_not_flagged(first, second):
    import_pair(first, second)

    assert not DuplicateCandidate.objects.exists()


@pytest.mark.parametrize(("first", "second"), MUST_FLAG + MUST_NOT_FLAG)
def test_the_database_scores_as_python_does(first, second):
    """pg_trgm's similarity() on PostgreSQL; on SQLite the Python one, compared here with the
    score the database gives the same pair when it is PostgreSQL (the flags are the same)."""
    older, newer = import_pair(first, second)
    python = duplicates.similarity(duplicates.item_text(older), duplicates.item_text(newer))

    pair = (newer.pk, older.pk)
    if connection.vendor == "postgresql":
        database = duplicates._database_scores([pair])[pair]  # pg_trgm's similarity()
        assert database == pytest.approx(python, abs=0.02)
    else:
        # The texts read back from SQLite; a pair sharing too few words is not scored.
        database = duplicates._scores({pair}, {}).get(pair, 0.0)

    assert (database >= duplicates.MIN_SCORE) == (python >= duplicates.MIN_SCORE)
    assert duplicates.has_trigrams() == (connection.vendor == "postgresql")


def test_two_copies_in_one_batch_are_flagged():
    (first, second) = MUST_FLAG[0]
    import_digest("both.txt", "Tag", (first[0], (first[1],)), (second[0], (second[1],)))

    assert flagged_pairs() == {(second[0], first[0])}


def test_an_editors_save_flags_a_near_copy_and_a_new_text_flags_again():
    (first, second) = MUST_FLAG[0]
    (other, _) = MUST_NOT_FLAG[2]
    older = make_item(first[0], teaser=first[1])
    duplicates.detect([older])
    item = make_item(other[0], teaser=other[1])
    editor = make_user("editor")

    item.title, item.teaser = second
    editing.save_item(item, [], user=editor)
    assert flagged_pairs() == {(second[0], first[0])}

    item.title, item.teaser = other
    editing.save_item(item, [], user=editor)
    assert flagged_pairs() == set()


def test_a_dismissed_pair_is_not_flagged_again():
    (first, second) = MUST_FLAG[0]
    older, newer = import_pair(first, second)
    DuplicateCandidate.objects.update(status=DuplicateCandidate.Status.DISMISSED)

    newer.teaser += " More."
    editing.save_item(newer, [], user=make_user("editor"))

    assert DuplicateCandidate.objects.get().status == DuplicateCandidate.Status.DISMISSED
    assert flagged_pairs() == set()


def test_a_sentence_many_stories_share_makes_no_candidates(monkeypatch):
    monkeypatch.setattr(duplicates, "COMMON_KEY_ITEMS", 2)
    boilerplate = "The ministry declined to comment on the report on Monday."
    titles = [" ".join(words(n, 5)) for n in range(4)]
    for title in titles:
        make_item(title, teaser=f"{title} happened. {boilerplate}")
    items = list(Item.objects.order_by("pk"))

    with monkeypatch.context() as patched:
        patched.setattr(duplicates, "_scores", lambda pairs, by_pk: dict.fromkeys(pairs, 1.0))
        duplicates.detect(items[:3])
        duplicates.detect(items[3:])

    # The third and fourth holders of the sentence find it common: no pair through it.
    assert set(DuplicateCandidate.objects.values_list("item_id", "other_id")) <= {
        (items[1].pk, items[0].pk)
    }


def test_a_pair_sharing_one_key_is_not_compared(monkeypatch):
    """One shared run of words is chance (a sentence the wire repeats with other names)."""
    for title in ("first", "second", "third"):
        make_item(title, teaser="Text.")
    first, second, third = Item.objects.order_by("pk")
    sketches = {first.pk: {1, 2, 3}, second.pk: {3, 4, 5}, third.pk: {1, 2, 9}}
    by_title = {item.title: sketches[item.pk] for item in (first, second, third)}
    monkeypatch.setattr(duplicates, "text_keys", lambda title, teaser: by_title[title])
    monkeypatch.setattr(duplicates, "_scores", lambda pairs, by_pk: dict.fromkeys(pairs, 1.0))
    DuplicateKey.objects.all().delete()

    duplicates.detect([first, second])
    duplicates.detect([third])

    assert set(DuplicateCandidate.objects.values_list("item_id", "other_id")) == {
        (third.pk, first.pk)
    }


def test_an_item_has_a_title_key_and_a_sketch_of_its_teaser():
    teaser = " ".join(f"word{n}" for n in range(40))

    keys = duplicates.text_keys("Three word title", teaser)
    added = duplicates.text_keys("Three word title", f"New words up front. {teaser} And after.")

    assert len(keys) == 1 + duplicates.TEASER_KEYS
    assert len(keys & added) >= duplicates.MIN_SHARED_KEYS + 1
    assert duplicates.text_keys("Too short", "Four words only here") == set()


@override_settings(DUPLICATE_DETECTION=False)
def test_detection_switched_off_writes_nothing():
    (first, second) = MUST_FLAG[0]
    import_pair(first, second)

    assert not DuplicateKey.objects.exists()
    assert not DuplicateCandidate.objects.exists()


def words(n, count):
    """count made-up words of story n, shared with no other story."""
    return [hashlib.sha256(f"{n}-{k}".encode()).hexdigest()[:10] for k in range(count)]


def detection_queries(size):
    """The queries of the detection of a batch of size new stories, each a copy of a story
    already there, and how many pairs are flagged then."""
    stories = [(" ".join(words(n, 4)), " ".join(words(n, 12)[4:]) + ".") for n in range(size)]
    import_digest("old.txt", "Tag", *((title, (teaser,)) for title, teaser in stories))
    copies = [(f"{title}!", (f"{teaser} One more sentence of news.",)) for title, teaser in stories]
    with CaptureQueriesContext(connection) as queries:
        import_digest("copies.txt", "Tag", *copies)
    ours = [q["sql"] for q in queries if "dupl" in q["sql"].lower() or "similarity(" in q["sql"]]
    return len(ours), DuplicateCandidate.objects.count()


def test_an_import_detects_in_the_same_queries_whatever_its_size():
    small, flagged_small = detection_queries(2)
    Item.objects.all().delete()
    large, flagged_large = detection_queries(12)

    assert (flagged_small, flagged_large) == (2, 12)
    assert small == large


def test_the_command_flags_items_from_before_detection():
    (first, second), (third, fourth) = MUST_FLAG[0], MUST_NOT_FLAG[3]
    with override_settings(DUPLICATE_DETECTION=False):
        for title, teaser in (first, second, third, fourth):
            make_item(title, teaser=teaser)

    out, _ = run_command("detect_duplicates")

    assert flagged_pairs() == {(second[0], first[0])}
    assert "4 items compared: 1 pair flagged." in out


@override_settings(DUPLICATE_DETECTION=False)
def test_the_command_refuses_to_run_with_detection_off():
    with pytest.raises(CommandError, match="DUPLICATE_DETECTION"):
        run_command("detect_duplicates")
