"""Editors change an item's slug; the old URL answers a 301 to the new one, and no other item
ever takes an old slug."""

import pytest
from django.urls import reverse

from articles.models import Item, ItemOldSlug
from tests.factories import draft, import_digest, make_item
from tests.pages import item_form_data, revision_form_data, run_command
from tests.reader.cache_support import (  # noqa: F401
    reader_cache_fixture,
    reader_fixture,
    warm,
)

pytestmark = pytest.mark.django_db


def change(client, item, **changes):
    return client.post(
        reverse("admin:articles_item_change", args=[item.pk]), item_form_data(item, **changes)
    )


def test_a_new_slug_redirects_the_old_url_to_it(client, editor):
    item = make_item("Kim meets Putin", "Korea")

    assert change(client, item, slug="kim-and-putin-meet").status_code == 302

    item.refresh_from_db()
    assert item.slug == "kim-and-putin-meet"
    assert client.get("/items/kim-and-putin-meet/").status_code == 200
    response = client.get("/items/kim-meets-putin/?utm=x")
    assert (response.status_code, response["Location"]) == (301, "/items/kim-and-putin-meet/?utm=x")
    revision = item.history.latest()
    assert (revision.slug, revision.tag_names) == ("kim-and-putin-meet", ["Korea"])


def test_every_old_slug_redirects_and_taking_one_back_makes_it_current(client, editor):
    item = make_item("Kim meets Putin", "Korea")
    change(client, item, slug="second")
    item.refresh_from_db()
    change(client, item, slug="third")
    item.refresh_from_db()
    change(client, item, slug="kim-meets-putin")

    assert sorted(ItemOldSlug.objects.values_list("slug", flat=True)) == ["second", "third"]
    for old in ("second", "third"):
        assert client.get(f"/items/{old}/")["Location"] == "/items/kim-meets-putin/"
    assert client.get("/items/kim-meets-putin/").status_code == 200


def test_another_items_old_slug_is_refused(client, editor):
    first = make_item("First story", "Korea")
    change(client, first, slug="first-story-renamed")
    second = make_item("Second story", "Korea")

    response = change(client, second, slug="first-story")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        "expected a slug no other item had, found 'first-story': it redirects to “First story”"
    ]
    assert Item.objects.get(pk=second.pk).slug == "second-story"


def test_a_slug_another_item_has_is_refused(client, editor):
    make_item("First story", "Korea")
    second = make_item("Second story", "Korea")

    response = change(client, second, slug="first-story")

    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors


def test_an_import_never_gives_a_new_item_an_old_slug(client, editor):
    item = make_item("Kim meets Putin", "Korea")
    change(client, item, slug="kim-and-putin-meet")

    import_digest("000_korea.txt", "Korea", "Kim meets Putin again", "Kim meets Putin!")

    assert Item.objects.get(title="Kim meets Putin!").slug == "kim-meets-putin-2"


def test_an_old_slug_of_an_item_readers_cannot_see_is_not_found(client, editor):
    item = draft("Kim meets Putin", "Korea")
    change(client, item, slug="kim-and-putin-meet")
    client.logout()

    assert client.get("/items/kim-meets-putin/").status_code == 404


def test_a_slug_left_empty_on_a_new_item_is_made_from_the_title(client, editor):
    make_item("Made by hand", "Korea")

    response = client.post(
        reverse("admin:articles_item_add"),
        {"title": "Made by hand", "slug": "", "teaser": "Text.", "status": "draft"},
    )

    assert response.status_code == 302
    assert Item.objects.filter(title="Made by hand").order_by("pk").last().slug == "made-by-hand-2"


@pytest.mark.usefixtures("reader_cache")
def test_a_cached_page_of_the_old_url_is_dropped(
    client, editor, reader, django_capture_on_commit_callbacks
):
    item = make_item("Kim meets Putin")  # no tag whose version would drop its page too
    warm(reader, "/items/kim-meets-putin/")

    with django_capture_on_commit_callbacks(execute=True):
        change(client, item, slug="kim-and-putin-meet")

    assert reader.get("/items/kim-meets-putin/").status_code == 301
    assert reader.get("/items/kim-and-putin-meet/").status_code == 200


def test_reverting_to_a_revision_gives_back_its_slug_and_the_newer_one_redirects(client, editor):
    item = make_item("Kim meets Putin", "Korea")
    change(client, item, tag_names=["Korea", "Russia"])  # a revision to go back to
    before = item.history.latest()
    change(client, item, slug="kim-and-putin-meet")

    url = reverse("admin:articles_item_simple_history", args=[item.pk, before.history_id])
    client.post(url, revision_form_data(client.get(url).context["adminform"].form))

    item.refresh_from_db()
    assert item.slug == "kim-meets-putin"
    assert client.get("/items/kim-and-putin-meet/")["Location"] == "/items/kim-meets-putin/"
    assert list(ItemOldSlug.objects.values_list("slug", flat=True)) == ["kim-and-putin-meet"]


def test_a_deleted_item_restored_keeps_its_old_slugs(client, editor):
    item = make_item("Kim meets Putin", "Korea")
    change(client, item, slug="kim-and-putin-meet")
    client.post(reverse("admin:articles_item_delete", args=[item.pk]), {"post": "yes"})
    assert not ItemOldSlug.objects.exists()
    deletion = item.history.filter(history_type="-").get()

    url = reverse("admin:articles_item_simple_history", args=[item.pk, deletion.history_id])
    client.post(url, revision_form_data(client.get(url).context["adminform"].form))

    assert client.get("/items/kim-meets-putin/")["Location"] == "/items/kim-and-putin-meet/"


class TestFallbackSlugs:
    """Items whose title gave no slug got "item", "item-2"…; the command gives them the slug
    their title gives now (as once slugs transliterate), the old addresses redirecting."""

    def test_the_command_fixes_them_and_the_old_addresses_redirect(self, client):
        fixable = make_item("Kim meets Putin", "Korea", slug="item")
        hopeless = make_item("!!!", "Korea", slug="item-2")
        chosen = make_item("Item of the day", "Korea", slug="item-news")

        out, _ = run_command("fix_item_slugs")

        assert out.strip().endswith("1 item got a readable slug.")
        slugs = dict(Item.objects.values_list("pk", "slug"))
        assert slugs == {
            fixable.pk: "kim-meets-putin",
            hopeless.pk: "item-2",
            chosen.pk: "item-news",
        }
        assert client.get("/items/item/")["Location"] == "/items/kim-meets-putin/"
        assert fixable.history.latest().history_change_reason == "Readable slug"

    def test_a_dry_run_says_what_would_change_and_writes_nothing(self):
        make_item("Kim meets Putin", "Korea", slug="item")

        out, _ = run_command("fix_item_slugs", "--dry-run")

        assert out.splitlines() == [
            "/items/item/ -> /items/kim-meets-putin/",
            "1 item would get a readable slug.",
        ]
        assert Item.objects.get().slug == "item"
        assert not ItemOldSlug.objects.exists()


def test_the_change_form_lists_the_old_addresses(client, editor):
    item = make_item("Kim meets Putin", "Korea")
    change(client, item, slug="kim-and-putin-meet")

    page = client.get(reverse("admin:articles_item_change", args=[item.pk])).text

    assert "<li>/items/kim-meets-putin/ (redirects here)</li>" in page
