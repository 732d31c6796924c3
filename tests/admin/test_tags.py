"""The tag admin: counts, search, descriptions, rename, merge, aliases."""

import pytest
from django.db import connection
from django.urls import reverse

from articles.admin.tags import TagAdmin
from articles.models import Item, Tag, TagAlias, TagMerge
from tests.factories import make_item, tag_names
from tests.pages import changelist_queries, messages_of, tag_form_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_tag_changelist")


def change_url(tag):
    return reverse("admin:articles_tag_change", args=[tag.pk])


class TestChangelist:
    def test_item_counts_sort_and_link_to_the_items(self, client, editor):
        make_item("One", "Asia", "Europe")
        make_item("Two", "Asia")
        Tag.objects.create(name="Empty")

        response = client.get(CHANGELIST, {"o": "-2"})  # the item count column, descending

        rows = [(tag.name, tag.item_count) for tag in response.context["cl"].result_list]
        assert rows == [("Asia", 2), ("Europe", 1), ("Empty", 0)]
        assert f"{reverse('admin:articles_item_changelist')}?tag=asia" in response.text

    def test_queries_do_not_grow_with_the_page_size(self, client, editor, monkeypatch):
        for n in range(20):
            make_item(f"Item {n}", f"Tag {n}", f"Other {n}")
            Tag.objects.get(name=f"Tag {n}").aliases.create(name=f"Alias {n}")

        def queries_for(per_page):
            return changelist_queries(client, CHANGELIST, TagAdmin, per_page, monkeypatch)

        assert queries_for(3) == queries_for(30)
        # Session, user, permissions (2), count, page with counts, aliases.
        expected = 8 if connection.vendor == "postgresql" else 7
        assert queries_for(30) == expected

    def test_search_finds_names_and_aliases(self, client, editor):
        korea = Tag.objects.create(name="North Korea")
        korea.aliases.create(name="DPRK")
        Tag.objects.create(name="Spain")

        def found(term):
            return [t.name for t in client.get(CHANGELIST, {"q": term}).context["cl"].result_list]

        assert found("dprk") == ["North Korea"]
        assert found("spa") == ["Spain"]


class TestEditing:
    def test_the_description_is_editable(self, client, editor):
        tag = Tag.objects.create(name="Asia")

        client.post(change_url(tag), tag_form_data(tag, description="The continent."))

        tag.refresh_from_db()
        assert (tag.description, tag.slug) == ("The continent.", "asia")

    def test_renaming_in_the_form_keeps_the_old_url_working(self, client, editor):
        tag = Tag.objects.create(name="Global warming")
        make_item("Ice melts", "Global warming")

        response = client.post(change_url(tag), tag_form_data(tag, name="Climate change"))

        assert response.status_code == 302
        tag.refresh_from_db()
        assert (tag.name, tag.slug) == ("Climate change", "climate-change")
        old = client.get("/tags/global-warming/")
        assert (old.status_code, old["Location"]) == (301, "/tags/climate-change/")
        assert "Ice melts" in client.get(old["Location"]).text
        assert "/tags/global-warming/" in client.get(change_url(tag)).text

    def test_a_name_another_tag_has_is_refused_whatever_its_spelling(self, client, editor):
        Tag.objects.create(name="North Korea")
        tag = Tag.objects.create(name="Pyongyang")

        response = client.post(change_url(tag), tag_form_data(tag, name="north-KOREA"))

        assert response.status_code == 200
        assert "merge the tags instead" in response.text
        assert Tag.objects.get(pk=tag.pk).name == "Pyongyang"

    def test_a_new_tag_cannot_take_an_alias_of_another(self, client, editor):
        korea = Tag.objects.create(name="North Korea")
        korea.aliases.create(name="DPRK")

        response = client.post(
            reverse("admin:articles_tag_add"),
            {"name": "dprk", "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0"},
        )
        assert "an alias of the tag &#x27;North Korea&#x27;" in response.text
        assert not Tag.objects.filter(name="dprk").exists()

    def test_aliases_are_added_inline_and_checked(self, client, editor):
        tag = Tag.objects.create(name="Kim Jong-un")
        Tag.objects.create(name="Kim Jong-il")

        client.post(change_url(tag), tag_form_data(tag, **{"aliases-0-name": "Marshal Kim"}))
        assert list(tag.aliases.values_list("name", flat=True)) == ["Marshal Kim"]

        response = client.post(
            change_url(tag),
            tag_form_data(
                tag,
                **{"aliases-0-name": "kim jong il", "aliases-INITIAL_FORMS": "0"},
            ),
        )
        assert "which is the tag &#x27;Kim Jong-il&#x27;" in response.text
        assert TagAlias.objects.count() == 1

    def test_an_alias_that_only_respells_the_name_is_refused(self, client, editor):
        tag = Tag.objects.create(name="Kim Jong-un")

        response = client.post(
            change_url(tag), tag_form_data(tag, **{"aliases-0-name": "Kim Jong Un"})
        )

        assert "expected a spelling other than the tag" in response.text


class TestMerge:
    def test_the_confirmation_shows_what_will_happen_then_merges(self, client, editor):
        make_item("Only red", "Red")
        make_item("Both", "Red", "Rouge")
        make_item("Rouge and blue", "Rouge", "Blue")
        red, rouge = Tag.objects.get(name="Red"), Tag.objects.get(name="Rouge")
        selection = {"action": "merge", "_selected_action": [red.pk, rouge.pk]}

        choose = client.post(CHANGELIST, selection)
        assert "Merge into" in choose.text

        plan = client.post(CHANGELIST, {**selection, "apply": "1", "target": red.pk})
        text = plan.text
        assert "What will happen" in text
        assert "1 item get “Red”; 1 had it already. No item loses a tag." in text
        assert "/tags/rouge/" in text
        assert "The merge is recorded: it can be undone from “Tag merges”" in text
        assert Tag.objects.filter(name="Rouge").exists()  # nothing done yet

        done = client.post(
            CHANGELIST,
            {**selection, "apply": "1", "target": red.pk, "confirm": "1"},
            follow=True,
        )

        undo_url = reverse("admin:articles_tagmerge_undo", args=[TagMerge.objects.get().pk])
        assert messages_of(done) == [
            "Merged 1 tag into “Red”: 1 item moved, 1 item had it already. "
            f'<a href="{undo_url}">Undo</a>'
        ]
        assert {item.title: tag_names(item) for item in Item.objects.all()} == {
            "Only red": ["Red"],
            "Both": ["Red"],
            "Rouge and blue": ["Blue", "Red"],
        }
        assert client.get("/tags/rouge/")["Location"] == "/tags/red/"
        assert list(red.aliases.values_list("name", flat=True)) == ["Rouge"]
        assert TagMerge.objects.get().actor == editor

    def test_one_tag_alone_cannot_be_merged(self, client, editor):
        red = Tag.objects.create(name="Red")

        response = client.post(
            CHANGELIST, {"action": "merge", "_selected_action": [red.pk]}, follow=True
        )

        assert "Select two tags or more to merge." in response.text
