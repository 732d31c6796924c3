"""Tag suggestions in the admin: the item form with its accept button, the changelist's
"Apply suggested tags", and the import preview. Each at a constant number of queries."""

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import reader_cache
from articles.models import Item
from articles.tag_services import add_alias
from tests.admin.test_imports import IMPORT, upload
from tests.factories import digest_text, make_item, tag, tag_names
from tests.pages import item_form_data, messages_of

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_item_changelist")


def change_url(item):
    return reverse("admin:articles_item_change", args=[item.pk])


def accept_url(item):
    return reverse("admin:articles_item_suggestion_accept", args=[item.pk])


@pytest.fixture
def korea():
    korea = tag("North Korea")
    add_alias(korea, "Pyongyang")
    return korea


def vocabulary_of(size):
    for n in range(size):
        tag(f"Subject {n}")


class TestTheChangeForm:
    def test_it_shows_each_suggestion_with_why_and_a_button(self, client, editor, korea):
        tag("Russia")
        item = make_item("Pyongyang fires missile", "Asia", teaser="Russia protests.")

        page = client.get(change_url(item))

        assert page.status_code == 200
        text = page.text
        assert f'form="accept-suggestion" name="tag" value="{korea.pk}"' in text
        assert "Add “North Korea”</button>" in text
        assert "“Pyongyang” → North Korea, by alias" in text
        assert "“Russia” → Russia, by name" in text
        assert f'<form id="accept-suggestion" method="post" action="{accept_url(item)}">' in text
        assert "Add “Asia”" not in text  # the item's own

    def test_the_button_is_not_part_of_the_items_form(self, client, editor, korea):
        item = make_item("Pyongyang fires")
        text = client.get(change_url(item)).text
        # Enter in a field submits the item's form with its first button: Save, not a tag.
        start = text.index('id="item_form"')
        end = text.index("</form>", start)
        assert 'form="accept-suggestion"' in text[start:end]  # shown beside the tags…
        assert text.index('id="accept-suggestion"') > end  # …but its own form's

    def test_the_add_form_and_the_revert_form_have_none(self, client, editor, korea):
        item = make_item("Pyongyang fires")
        assert "suggested tags" not in client.get(reverse("admin:articles_item_add")).text
        client.post(change_url(item), item_form_data(item, title="Pyongyang fires again"))
        revision = Item.history.filter(id=item.pk).first()
        url = reverse("admin:articles_item_simple_history", args=[item.pk, revision.history_id])
        page = client.get(url)
        assert page.status_code == 200 and "accept-suggestion" not in page.text

    def test_none_found_is_said(self, client, editor, korea):
        item = make_item("Weather")
        assert "None: no other tag" in client.get(change_url(item)).text

    def test_the_form_costs_the_same_with_10_or_200_tags(self, client, editor, korea):
        item = make_item("Pyongyang fires", teaser="Subject 3 and Subject 7.")
        client.get(change_url(item))  # the first request's own queries (the session's)

        def queries(size):
            vocabulary_of(size)
            with CaptureQueriesContext(connection) as captured:
                page = client.get(change_url(item))
            assert "“Pyongyang” → North Korea" in page.text
            return len(captured)

        assert queries(10) == queries(200)


class TestAcceptingOne:
    def test_the_button_tags_the_item_with_a_revision(self, client, editor, korea):
        item = make_item("Pyongyang fires", "Asia")

        response = client.post(accept_url(item), {"tag": korea.pk}, follow=True)

        assert response.redirect_chain[-1][0] == change_url(item)
        assert messages_of(response) == [
            "Tagged “North Korea” (“Pyongyang” → North Korea, by alias)."
        ]
        assert tag_names(item) == ["Asia", "North Korea"]
        revision = Item.history.filter(id=item.pk).order_by("-history_id").first()
        assert revision.history_change_reason == "Suggested tag added: North Korea"
        assert revision.tag_names == ["Asia", "North Korea"]
        assert LogEntry.objects.get(object_id=str(item.pk)).change_message.startswith(
            "Suggested tag added"
        )

    def test_a_tag_no_longer_suggested_adds_nothing(self, client, editor, korea):
        russia = tag("Russia")
        item = make_item("Pyongyang fires")

        response = client.post(accept_url(item), {"tag": russia.pk}, follow=True)

        assert "“Russia” is no longer suggested" in messages_of(response)[0]
        assert tag_names(item) == []

    @pytest.mark.parametrize("value", ["", "nine", "999999"])
    def test_a_bad_post_is_a_400(self, client, editor, korea, value):
        item = make_item("Pyongyang fires")
        response = client.post(accept_url(item), {"tag": value})
        assert response.status_code == 400
        assert "expected the id of an existing tag" in response.text
        assert tag_names(item) == []

    def test_an_unknown_item_is_a_404(self, client, editor, korea):
        url = reverse("admin:articles_item_suggestion_accept", args=["nine"])
        assert client.post(url, {"tag": korea.pk}).status_code == 404

    def test_a_get_changes_nothing(self, client, editor, korea):
        item = make_item("Pyongyang fires")
        assert client.get(accept_url(item)).status_code == 302
        assert tag_names(item) == []

    def test_who_cannot_change_items_cannot_accept(self, client, korea):
        from tests.factories import logged_in

        logged_in(client, "reader-staff")
        item = make_item("Pyongyang fires")
        assert client.post(accept_url(item), {"tag": korea.pk}).status_code in (302, 403)
        assert tag_names(item) == []


def apply(client, items):
    data = {"action": "apply_suggested_tags", "_selected_action": [item.pk for item in items]}
    return client.post(CHANGELIST, data, follow=True)


class TestApplyingInBulk:
    def test_each_item_gets_its_suggestions(self, client, editor, korea):
        russia = tag("Russia")
        one = make_item("Pyongyang fires", teaser="Russia protests.")
        two = make_item("Russia votes", russia)
        three = make_item("Weather")

        response = apply(client, [one, two, three])

        assert messages_of(response) == ["1 item given 2 suggested tags."]
        assert [tag_names(item) for item in (one, two, three)] == [
            ["North Korea", "Russia"],
            ["Russia"],
            [],
        ]
        revision = Item.history.filter(id=one.pk).order_by("-history_id").first()
        assert revision.history_change_reason == "Suggested tags added"
        assert list(Item.objects.for_tag(korea)) == [one]

    def test_nothing_to_apply_is_said(self, client, editor, korea):
        response = apply(client, [make_item("Weather")])
        assert messages_of(response) == ["No suggested tags for the selected items."]

    def test_it_is_undone_by_reverting_to_the_revision_before(self, client, editor, korea):
        item = make_item("Pyongyang fires", "Asia")
        client.post(change_url(item), item_form_data(item, title="Pyongyang fires!"))
        before = Item.history.filter(id=item.pk).order_by("-history_id").first()
        apply(client, [item])
        assert tag_names(item) == ["Asia", "North Korea"]

        url = reverse("admin:articles_item_simple_history", args=[item.pk, before.history_id])
        form = client.get(url).context["adminform"].form
        from tests.pages import revision_form_data

        client.post(url, revision_form_data(form))

        assert tag_names(item) == ["Asia"]

    def test_readers_cached_pages_of_the_items_and_tags_are_dropped(
        self, editor, korea, monkeypatch
    ):
        from articles import suggestions

        item = make_item("Pyongyang fires", "Asia")
        retagged = []
        monkeypatch.setattr(reader_cache, "enabled", lambda: True)
        monkeypatch.setattr(
            reader_cache, "items_retagged", lambda items, tags: retagged.append((items, tags))
        )
        suggestions.apply_suggestions(Item.objects.filter(pk=item.pk), user=editor)
        ((items, tags),) = retagged
        assert [one.pk for one in items] == [item.pk] and set(tags) == {korea.pk}

    def test_it_costs_the_same_for_2_or_20_items(self, client, editor, korea):
        tag("Russia")
        apply(client, [make_item("Pyongyang warm-up")])  # the first tagging's own queries

        def queries(count):
            items = [
                make_item(f"Pyongyang {count}-{n}", teaser=f"Russia and Subject {n}.")
                for n in range(count)
            ]
            vocabulary_of(count)
            with CaptureQueriesContext(connection) as captured:
                response = apply(client, items)
            assert messages_of(response) == [f"{count} items given {count * 3} suggested tags."]
            return len(captured)

        assert queries(2) == queries(20)


def preview_page(client, *items, tag_name="Asia"):
    return client.post(
        IMPORT,
        {"files": [upload("000_a.txt", digest_text(tag_name, *items))], "status": "published"},
    )


class TestTheImportPreview:
    def test_each_item_shows_its_suggestions_and_nothing_is_written(self, client, importer, korea):
        page = preview_page(
            client, ("Pyongyang fires", ["North Korea protests.\u00a0…"]), "Weather", "Asia news"
        )

        assert page.status_code == 200
        text = page.text
        assert "000_a.txt: suggested tags" in text
        assert "Pyongyang fires (line" in text
        assert "“Pyongyang” → North Korea, by alias; “North Korea” → North Korea, by name" in text
        assert "Weather (line" not in text
        assert "Asia news (line" not in text  # its digest's tag is the item's own
        assert not Item.objects.exists()

    def test_the_preview_costs_the_same_for_2_or_8_items(self, client, importer, korea):
        preview_page(client, "Warm-up")  # the first request's own queries

        def queries(count):
            items = [(f"Pyongyang {count} {n}", ["Text.\u00a0…"]) for n in range(count)]
            with CaptureQueriesContext(connection) as captured:
                page = preview_page(client, *items)
            assert page.text.count("by alias</li>") == count
            return len(captured)

        assert queries(2) == queries(8)
