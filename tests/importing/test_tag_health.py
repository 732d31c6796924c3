"""The tag health report (articles/tag_health): groups, shared items counted in SQL, tags
used once, tags with no published item, and its cost in queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import tag_health
from articles.models import Item, Tag
from articles.tag_health import Likeness, could_share, health_report, shared_item_pairs
from tests.factories import HOUR, draft, make_item, scheduled, tag

pytestmark = pytest.mark.django_db


def groups_by_name(report):
    return [([use.name for use in group.tags], group.likenesses) for group in report.groups]


def items_tagged(count, *tags, prefix="Item"):
    return [make_item(f"{prefix} {n}", *tags) for n in range(count)]


def test_a_group_starts_with_the_tag_with_most_items():
    items_tagged(3, "Kim Jong-un")
    make_item("Once", "Kim Jung-un")
    tag("Kim Jongun")

    report = health_report()

    assert groups_by_name(report) == [
        (["Kim Jong-un", "Kim Jung-un", "Kim Jongun"], [Likeness.SPELLING])
    ]
    group = report.groups[0]
    assert [use.items for use in group.tags] == [3, 1, 0]
    assert group.keep.name == "Kim Jong-un"
    assert [use.name for use in group.others] == ["Kim Jung-un", "Kim Jongun"]


def test_tags_sharing_most_of_their_items_are_grouped():
    items = items_tagged(10, "Pyongyang summit", "Singapore talks")
    make_item("Only one", "Pyongyang summit")
    items_tagged(10, "Asia", prefix="Asian")
    for item in items[:3]:  # 3 of Asia's 13 items: not most of them
        item.tagged_items.create(tag=Tag.objects.get(name="Asia"), position=0)

    report = health_report()

    assert groups_by_name(report) == [
        (["Pyongyang summit", "Singapore talks"], [Likeness.SHARED_ITEMS])
    ]


def test_shared_items_are_counted_exactly_for_the_candidates():
    items_tagged(5, "One", "Two")
    items_tagged(2, "One", prefix="More")  # One: 7 items, 5 shared with Two's 5
    one, two = Tag.objects.get(name="One"), Tag.objects.get(name="Two")

    with CaptureQueriesContext(connection) as queries:
        found = shared_item_pairs([(one.pk, two.pk)], {one.pk: 7, two.pk: 5})
    assert found == []  # 5 < 0.8 * 7
    assert len(queries) == 1
    assert shared_item_pairs([(one.pk, two.pk)], {one.pk: 6, two.pk: 5}) != []
    assert could_share(5, 6) and not could_share(5, 7) and not could_share(2, 2)


def test_few_shared_items_are_not_enough():
    items_tagged(2, "Harvest", "Rice")  # all shared, but two items only

    assert health_report().groups == []


def test_tags_used_once_and_tags_no_reader_sees():
    make_item("Seen", "Once", "Twice")
    make_item("Seen too", "Twice")
    draft("Draft", "Drafts only")
    scheduled("Tomorrow", "Scheduled only")
    make_item("Gone", "Unpublished since", ago=2 * HOUR, unpublish_at=timezone.now() - HOUR)
    tag("Empty")

    report = health_report()

    assert [use.name for use in report.one_item] == [
        "Drafts only",
        "Once",
        "Scheduled only",
        "Unpublished since",
    ]
    assert report.one_item_count == 4
    assert [use.name for use in report.unpublished] == [
        "Drafts only",
        "Empty",
        "Scheduled only",
        "Unpublished since",
    ]
    # The tag list's filter says the same, as querysets.
    assert {use.name for use in report.one_item} == set(
        tag_health.used_once().values_list("name", flat=True)
    )
    assert {use.name for use in report.unpublished} == set(
        tag_health.unseen().values_list("name", flat=True)
    )
    # The same rule as the reader's pages: Item.objects.published().
    seen = set(Item.objects.published().values_list("tagged_items__tag__name", flat=True))
    assert {use.name for use in report.unpublished} == set(
        Tag.objects.exclude(name__in=seen).values_list("name", flat=True)
    )


def test_the_lists_show_the_first_tags_and_count_them_all(monkeypatch):
    monkeypatch.setattr(tag_health, "SHOWN", 2)
    for name in ("Delta", "Alpha", "Charlie"):
        tag(name)

    report = health_report()

    assert [use.name for use in report.unpublished] == ["Alpha", "Charlie"]
    assert report.unpublished_count == 3


def fill(size):
    """size groups of every kind, and size tags alone."""
    for n in range(size):
        items_tagged(3, f"Summit number {n}", f"Talks number {n} held", prefix=f"Shared {n}")
        make_item(f"Spelt {n}", f"Mahmoud Abbas {n}", f"Person {n}")
        make_item(f"Misspelt {n}", f"Mahmud Abbas {n}")
        tag(f"Lonely tag {n} {'x' * n}")


def test_the_number_of_queries_does_not_grow_with_the_tags():
    def queries_for(size):
        fill(size)
        with CaptureQueriesContext(connection) as queries:
            report = health_report()
        assert len(report.groups) == 2 * size
        return len(queries)

    few = queries_for(2)
    Tag.objects.all().delete()
    Item.objects.all().delete()
    assert few == queries_for(12) == 3  # tags, their use, the shared items of candidates
