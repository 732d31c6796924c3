"""The importer's bulk writes (articles/sql.py): COPY on PostgreSQL, executemany or bulk_create
elsewhere; the same rows and the same errors on both."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Item, Tag, TaggedItem
from articles.sql import create_rows, insert_rows

pytestmark = pytest.mark.django_db


def new_item(n):
    return Item(title=f"Story {n}", slug=f"story-{n}", teaser="T", import_key=f"k{n}")


def test_created_rows_get_their_ids_and_time_stamps():
    items = [new_item(n) for n in range(3)]
    before = timezone.now()

    create_rows(Item, items)

    assert [item.pk for item in items] == sorted(item.pk for item in items)
    stored = Item.objects.in_bulk([item.pk for item in items])
    assert [stored[item.pk].title for item in items] == ["Story 0", "Story 1", "Story 2"]
    assert all(stored[item.pk].created_at >= before for item in items)
    assert not items[0]._state.adding


def test_a_row_the_database_refuses_is_an_integrity_error():
    tag = Tag.objects.create(name="Alpha")
    items = [new_item(n) for n in range(2)]
    create_rows(Item, items)
    rows = [(tag.pk, items[0].pk, 1), (tag.pk, items[0].pk, 2)]

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(TaggedItem, ["tag_id", "content_object_id", "position"], rows)

    assert not TaggedItem.objects.exists()
