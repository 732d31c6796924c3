"""Item history: revisions from saves, actions and imports; diffs; restore; deleted items."""

import re

import pytest
from django.urls import reverse

from articles.models import ImportRun, Item
from tests.factories import import_digest, tag_names
from tests.pages import revision_form_data

pytestmark = pytest.mark.django_db

History = Item.history.model


@pytest.fixture
def item():
    import_digest("000_a.txt", "Asia", ("Wire title", ["Wire text.\u00a0…"]))
    return Item.objects.get()


def save_form(client, item, **changes):
    data = {
        "title": item.title,
        "slug": item.slug,
        "teaser": item.teaser,
        "tag_names": tag_names(item),
        "status": item.status,
        "published_at_0": f"{item.published_at:%Y-%m-%d}",
        "published_at_1": f"{item.published_at:%H:%M:%S}",
        **changes,
    }
    response = client.post(reverse("admin:articles_item_change", args=[item.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    item.refresh_from_db()


def revisions(item):
    return list(
        History.objects.filter(id=item.pk)
        .order_by("history_date", "history_id")
        .values_list("history_type", "title", "history_change_reason", "history_user__username")
    )


def test_imports_editor_saves_and_bulk_actions_all_leave_revisions(client, editor, item):
    run = ImportRun.objects.get()

    save_form(client, item, title="Editor title", tag_names=["Asia", "Climate change"])
    client.post(
        reverse("admin:articles_item_changelist"),
        {"action": "unpublish", "_selected_action": [item.pk]},
    )

    assert revisions(item) == [
        ("+", "Wire title", f"Import #{run.pk}", None),
        ("~", "Editor title", None, "editor"),
        ("~", "Editor title", "Unpublished", "editor"),
    ]
    saved = History.objects.get(id=item.pk, history_user=editor, history_change_reason=None)
    assert saved.tag_names == ["Asia", "Climate change"]


def test_the_history_page_shows_what_changed(client, editor, item):
    save_form(client, item, title="Editor title")

    page = client.get(reverse("admin:articles_item_history", args=[item.pk])).text

    assert "Wire title" in page and "Editor title" in page
    assert "Import #" in page
    assert 'id="compare-revisions"' in page


def test_any_two_revisions_can_be_compared(client, editor, item):
    save_form(client, item, title="Second title")
    save_form(client, item, teaser="New text.", tag_names=["Europe"])
    first, _, third = History.objects.filter(id=item.pk).order_by("history_date", "history_id")
    url = reverse("admin:articles_item_compare", args=[item.pk])

    response = client.get(url, {"from": third.history_id, "to": first.history_id})

    changes = {field: (before, after) for field, before, after in response.context["changes"]}
    assert changes["title"] == ("Wire title", "Second title")
    assert changes["teaser"] == ("Wire text.\u00a0…", "New text.")
    assert client.get(url, {"from": first.history_id, "to": 0}).status_code == 404


def test_an_item_is_restored_to_an_earlier_revision_with_its_tags(client, editor, item):
    save_form(client, item, title="Second title", tag_names=["Asia", "Europe"])
    save_form(client, item, title="Third title", tag_names=["Africa"])
    second = History.objects.get(id=item.pk, title="Second title")
    url = reverse("admin:articles_item_simple_history", args=[item.pk, second.history_id])

    form_page = client.get(url)
    assert form_page.context["adminform"].form.initial["tag_names"] == ["Asia", "Europe"]
    client.post(url, revision_form_data(form_page.context["adminform"].form))

    item.refresh_from_db()
    assert item.title == "Second title"
    assert tag_names(item) == ["Asia", "Europe"]
    assert revisions(item)[-1][:2] == ("~", "Second title")


def test_a_deleted_item_is_listed_and_can_be_restored(client, editor, item):
    save_form(client, item, tag_names=["Asia", "Climate change"])
    item_id = item.pk
    delete_url = reverse("admin:articles_item_delete", args=[item_id])
    client.post(delete_url, {"post": "yes"})
    assert not Item.objects.exists()

    listing = client.get(reverse("admin:articles_item_deleted")).text
    assert "Wire title" in listing
    restore_url = re.search(r'<a href="([^"]+/history/\d+/)">Wire title</a>', listing).group(1)
    form = client.get(restore_url).context["adminform"].form
    assert form.initial["tag_names"] == ["Asia", "Climate change"]
    client.post(restore_url, revision_form_data(form, status="draft"))

    restored = Item.objects.get()
    assert (restored.pk, restored.title, restored.teaser) == (
        item_id,
        "Wire title",
        "Wire text.\u00a0…",
    )
    assert tag_names(restored) == ["Asia", "Climate change"]
    assert "No deleted items." in client.get(reverse("admin:articles_item_deleted")).text


def test_bulk_deletion_keeps_each_items_tags_in_its_history(client, editor, item):
    client.post(
        reverse("admin:articles_item_changelist"),
        {"action": "delete_selected", "_selected_action": [item.pk], "post": "yes"},
    )

    deletion = History.objects.get(id=item.pk, history_type="-")
    assert (deletion.tag_names, deletion.history_user) == (["Asia"], editor)
