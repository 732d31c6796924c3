"""The tag health benchmark's data (bench/tag_health.py): at a small size, the look-alikes it
plants are found, of every kind, and it has tags used once and tags no reader sees."""

import pytest

from articles import tag_health
from articles.models import Tag, TaggedItem
from articles.tag_likeness import Likeness
from articles.tag_names import tag_key
from bench.tag_health import fill, planted, tag_names

pytestmark = pytest.mark.django_db


def test_names_are_distinct_by_key_and_the_same_for_the_same_seed():
    names = tag_names(1000)

    assert len(names) == len({tag_key(name) for name in names}) == 1000
    assert names == tag_names(1000)


def test_the_planted_look_alikes_are_found(monkeypatch):
    monkeypatch.setattr(tag_health, "GROUPS_SHOWN", 10_000)
    fill(5000, 1000)

    report = tag_health.health_report()

    assert Tag.objects.count() == 1000
    assert TaggedItem.objects.count() > 4 * 5000 * 0.9
    found = {likeness for group in report.groups for likeness in group.likenesses}
    assert found == set(Likeness)
    shared = [group for group in report.groups if Likeness.SHARED_ITEMS in group.likenesses]
    assert len(shared) >= planted(1000) * 0.9
    assert report.one_item_count > 0
    assert report.unpublished_count > 0
