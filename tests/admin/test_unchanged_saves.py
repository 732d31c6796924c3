"""An editor's save that changes nothing changes nothing: no field (publication times to the
microsecond), no place on any page, no revision."""

import pytest
from django.urls import reverse

from articles.models import Item, TaggedItem
from tests.pages import item_form_data, titles_on

pytestmark = pytest.mark.django_db

History = Item.history.model


def change(client, item, **changes):
    response = client.post(
        reverse("admin:articles_item_change", args=[item.pk]), item_form_data(item, **changes)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def stored(item):
    return Item.objects.filter(pk=item.pk).values().get()


def positions():
    return list(TaggedItem.objects.order_by("tag_id", "content_object_id").values_list())


def test_an_unchanged_save_keeps_the_item_second_on_the_home_page(client, editor, seeded):
    home = titles_on(client.get("/"))
    second = Item.objects.get(title=home[1])
    assert second.published_at.microsecond  # an import's instant, finer than the form shows
    before, links, revisions = stored(second), positions(), History.objects.count()

    change(client, second)

    assert titles_on(client.get("/")) == home  # it used to fall to position 19
    assert stored(second) == before  # not even who edited it, so imports still update it
    assert positions() == links
    assert History.objects.count() == revisions


def test_a_real_change_shows_no_publication_time_change_in_the_comparison(client, editor, seeded):
    item = Item.objects.get(title=titles_on(client.get("/"))[1])
    published_at = item.published_at

    change(client, item, title="Retitled by an editor")

    item.refresh_from_db()
    assert item.published_at == published_at
    imported, edited = History.objects.filter(id=item.pk).order_by("history_id")
    url = reverse("admin:articles_item_compare", args=[item.pk])
    response = client.get(url, {"from": imported.history_id, "to": edited.history_id})
    assert [field for field, _, _ in response.context["changes"]] == ["title"]


def test_an_unpublish_time_keeps_its_microseconds_too(client, editor, seeded):
    item = Item.objects.first()
    unpublish_at = item.published_at.replace(year=item.published_at.year + 1)
    Item.objects.filter(pk=item.pk).update(unpublish_at=unpublish_at)
    item.refresh_from_db()
    data = item_form_data(item)
    data["unpublish_at_0"], data["unpublish_at_1"] = (
        f"{unpublish_at:%Y-%m-%d}",
        f"{unpublish_at:%H:%M:%S}",
    )
    revisions = History.objects.count()

    client.post(reverse("admin:articles_item_change", args=[item.pk]), data)

    assert stored(item)["unpublish_at"] == unpublish_at
    assert History.objects.count() == revisions


def test_a_time_changed_in_the_form_is_saved_as_typed(client, editor, seeded):
    item = Item.objects.first()
    data = item_form_data(item, published_at_1="08:30:00")
    data["published_at_0"] = "2026-11-30"

    client.post(reverse("admin:articles_item_change", args=[item.pk]), data)

    item.refresh_from_db()
    assert (item.published_at.microsecond, f"{item.published_at:%H:%M:%S}") == (0, "08:30:00")


def test_only_the_tags_changed_is_a_change(client, editor, seeded):
    item = Item.objects.first()
    revisions = History.objects.filter(id=item.pk).count()

    change(client, item, tag_names=["North Korea", "Russia"])

    assert History.objects.filter(id=item.pk).count() == revisions + 1
    latest = History.objects.filter(id=item.pk).latest()
    assert latest.tag_names == ["North Korea", "Russia"]
    assert latest.published_at == item.published_at


def test_the_admin_log_says_nothing_changed(client, editor, seeded):
    from django.contrib.admin.models import LogEntry

    item = Item.objects.first()

    change(client, item)

    assert LogEntry.objects.get(object_id=str(item.pk)).get_change_message() == (
        "No fields changed."
    )
