"""Migration 0016 writes every item's duplicate keys again, in the sketch's form."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.duplicates import text_keys
from tests.duplicate_pairs import MUST_FLAG

BEFORE, AFTER = ("articles", "0015_duplicates"), ("articles", "0016_duplicate_sketches")


@pytest.mark.django_db(transaction=True)
def test_the_keys_of_items_from_before_are_written_again():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old_apps = executor.loader.project_state([BEFORE]).apps
    Item = old_apps.get_model("articles", "Item")
    DuplicateKey = old_apps.get_model("articles", "DuplicateKey")
    stories = [MUST_FLAG[0][0], MUST_FLAG[2][0]]
    items = [
        Item.objects.create(title=title, slug=f"story-{n}", teaser=teaser, import_key=f"k{n}")
        for n, (title, teaser) in enumerate(stories)
    ]
    DuplicateKey.objects.bulk_create(DuplicateKey(item=item, key=7) for item in items)

    executor = MigrationExecutor(connection)
    executor.migrate([AFTER])

    new_apps = executor.loader.project_state([AFTER]).apps
    rows = new_apps.get_model("articles", "DuplicateKey").objects.values_list("item_id", "key")
    found = {}
    for item_id, key in rows:
        found.setdefault(item_id, set()).add(key)
    executor.migrate(executor.loader.graph.leaf_nodes())  # the schema the other tests expect
    assert found == {item.pk: text_keys(*story) for item, story in zip(items, stories, strict=True)}
