"""Taking the wire's version of a conflict drops the readers' cached pages it changes."""

import pytest
from django.urls import reverse

from articles.models import Item, WireCopy
from tests.factories import import_digest, logged_in, make_item
from tests.reader.cache_support import (
    assert_dropped,
    assert_still_cached,
    reader_cache_fixture,  # noqa: F401
    reader_fixture,  # noqa: F401
    warm,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the writes commit: on_commit runs for real
    pytest.mark.usefixtures("reader_cache"),
]


def test_taking_the_wires_version_drops_the_pages_that_show_the_item(client, reader):
    import_digest("a.txt", "Korea", ("Seoul talks", ["First copy.\u00a0…"]))
    make_item("Moscow", "Russia")
    item = Item.objects.get(title="Seoul talks")
    item.title = "Seoul talks (edited)"
    item.mark_edited(None)
    item.save()
    import_digest("b.txt", "Korea", ("Seoul talks", ["Second copy.\u00a0…"]))
    changed = [item.get_absolute_url(), "/tags/korea/", "/"]
    unrelated = ["/tags/russia/", "/items/moscow/"]
    warm(reader, *changed, *unrelated)
    logged_in(client, "editor", "Editors")

    response = client.post(
        reverse("admin:articles_item_conflict", args=[item.pk]),
        {"resolution": "take", "wire_hash": WireCopy.objects.get().wire_hash},
    )

    assert response.status_code == 302
    assert_dropped(reader, *changed)
    assert "Second copy." in reader.get(item.get_absolute_url()).text
    assert_still_cached(reader, *unrelated)
