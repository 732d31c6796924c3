"""The tag health page: who sees it, what it lists, its buttons leading to the merge's own
confirmation and an undoable merge, and its cost in queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import tag_health
from articles.models import Item, Tag, TagMerge, TagUndo
from tests.factories import draft, logged_in, make_item, tag, tag_names
from tests.pages import messages_of

pytestmark = pytest.mark.django_db

HEALTH = reverse("admin:articles_tag_health")
CHANGELIST = reverse("admin:articles_tag_changelist")


def buttons(response):
    """{label: the fields its form posts}, read from the page."""
    found = {}
    for form in re.findall(r'<form method="post".*?</form>', response.text, re.S):
        label = re.search(r'<button type="submit" class="button">(.*?)</button>', form).group(1)
        fields = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form)
        data = {}
        for name, value in fields:
            data.setdefault(name, []).append(value)
        found[label.replace("&ldquo;", "“").replace("&rdquo;", "”")] = data
    return found


@pytest.fixture
def spellings():
    for n in range(3):
        make_item(f"Talks {n}", "Kim Jong-un")
    make_item("Misspelt", "Kim Jung-un")
    tag("Kim Jongun")


class TestPermissions:
    def test_editors_who_merge_tags_see_it(self, client, editor, spellings):
        response = client.get(HEALTH)

        assert response.status_code == 200
        assert "Tags that look like one: 1" in response.text

    def test_importers_who_may_only_view_tags_do_not(self, client, importer):
        assert client.get(HEALTH).status_code == 403

    def test_anonymous_visitors_are_sent_to_log_in(self, client):
        response = client.get(HEALTH)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))

    def test_linked_from_the_tag_list_and_the_dashboard_for_editors_only(self, client, editor):
        assert f'href="{HEALTH}"' in client.get(CHANGELIST).text
        assert f'href="{HEALTH}"' in client.get(reverse("admin:index")).text
        logged_in(client, "importer", "Importers")
        assert f'href="{HEALTH}"' not in client.get(CHANGELIST).text
        assert f'href="{HEALTH}"' not in client.get(reverse("admin:index")).text


class TestPage:
    def test_a_group_with_its_reasons_and_buttons(self, client, editor, spellings):
        response = client.get(HEALTH)

        group = response.context["groups"][0][0]
        assert [use.name for use in group.tags] == ["Kim Jong-un", "Kim Jung-un", "Kim Jongun"]
        assert "“Kim Jong-un” and “Kim Jung-un”: spelt nearly the same" in response.text
        assert list(buttons(response)) == [
            "Merge all into “Kim Jong-un”…",
            "Merge all into “Kim Jung-un”…",
            "Make “Kim Jung-un” an alias of “Kim Jong-un”…",
            "Merge all into “Kim Jongun”…",
            "Make “Kim Jongun” an alias of “Kim Jong-un”…",
        ]

    def test_a_group_of_two_offers_no_button_twice(self, client, editor):
        make_item("One", "Brexit")
        make_item("Two", "Brexit talks")

        assert list(buttons(client.get(HEALTH))) == [
            "Merge all into “Brexit talks”…",
            "Make “Brexit talks” an alias of “Brexit”…",
        ]

    def test_tags_used_once_and_tags_no_reader_sees_are_listed(self, client, editor):
        make_item("Seen", "Once")
        draft("Draft", "Drafts only", "Once more")
        make_item("Seen again", "Once more")
        tag("Empty")

        response = client.get(HEALTH)
        one_item = response.text.split('id="one-item"')[1].split('id="unpublished"')[0]
        unpublished = response.text.split('id="unpublished"')[1]

        assert "Tags used by one item only: 2" in one_item
        assert ">Once<" in one_item and ">Drafts only<" in one_item
        assert "Tags with no published item: 2" in unpublished
        assert ">Empty<" in unpublished and ">Drafts only<" in unpublished
        empty = Tag.objects.get(name="Empty")
        assert reverse("admin:articles_tag_delete", args=[empty.pk]) in unpublished

    def test_a_long_list_links_to_all_of_it_in_the_tag_list(self, client, editor, monkeypatch):
        monkeypatch.setattr(tag_health, "SHOWN", 1)
        make_item("Seen", "Once")
        draft("Draft", "Drafts only")

        response = client.get(HEALTH)

        assert f'<a href="{CHANGELIST}?use=once">all 2 in the tag list</a>' in response.text
        listed = client.get(CHANGELIST, {"use": "once"}).context["cl"].result_list
        assert sorted(tag.name for tag in listed) == ["Drafts only", "Once"]
        unseen = client.get(CHANGELIST, {"use": "unseen"}).context["cl"].result_list
        assert [tag.name for tag in unseen] == ["Drafts only"]

    def test_names_are_escaped(self, client, editor):
        make_item("One", "<b>Bold</b> move")
        make_item("Two", "<b>Bold</b> move now")

        response = client.get(HEALTH)

        assert "<b>Bold</b>" not in response.text
        assert "&lt;b&gt;Bold&lt;/b&gt; move" in response.text


class TestMergingFromThePage:
    def test_a_button_shows_the_merge_confirmation_then_merges_and_comes_back(
        self, client, editor, spellings
    ):
        fields = buttons(client.get(HEALTH))["Make “Kim Jung-un” an alias of “Kim Jong-un”…"]

        plan = client.post(CHANGELIST, fields)
        assert "What will happen" in plan.text
        assert "1 item get “Kim Jong-un”; 0 had it already. No item loses a tag." in plan.text
        assert Tag.objects.filter(name="Kim Jung-un").exists()  # nothing done yet
        assert f'<input type="hidden" name="next" value="{HEALTH}">' in plan.text

        done = client.post(CHANGELIST, {**fields, "confirm": "1"})

        assert (done.status_code, done["Location"]) == (302, HEALTH)
        merge = TagMerge.objects.get()
        assert (merge.target_name, merge.actor) == ("Kim Jong-un", editor)
        assert tag_names(Item.objects.get(title="Misspelt")) == ["Kim Jong-un"]
        assert client.get("/tags/kim-jung-un/")["Location"] == "/tags/kim-jong-un/"
        back = client.get(HEALTH)
        undo_url = reverse("admin:articles_tagmerge_undo", args=[merge.pk])
        assert messages_of(back) == [
            "Merged 1 tag into “Kim Jong-un”: 1 item moved, 0 items had it already. "
            f'<a href="{undo_url}">Undo</a>'
        ]
        # "Kim Jongun" is still there, on its own now with the survivor.
        assert [use.name for use in back.context["groups"][0][0].tags] == [
            "Kim Jong-un",
            "Kim Jongun",
        ]

        client.post(undo_url, {"confirm": "1"})

        assert TagUndo.objects.get().actor == editor
        assert tag_names(Item.objects.get(title="Misspelt")) == ["Kim Jung-un"]

    def test_merge_all_into_the_chosen_tag(self, client, editor, spellings):
        fields = buttons(client.get(HEALTH))["Merge all into “Kim Jongun”…"]

        client.post(CHANGELIST, {**fields, "confirm": "1"})

        assert list(Tag.objects.values_list("name", flat=True)) == ["Kim Jongun"]
        assert sorted(Tag.objects.get().aliases.values_list("name", flat=True)) == [
            "Kim Jong-un",
            "Kim Jung-un",
        ]

    def test_a_stale_button_is_told_not_obeyed(self, client, editor, spellings):
        fields = buttons(client.get(HEALTH))["Merge all into “Kim Jongun”…"]
        Tag.objects.get(name="Kim Jongun").delete()  # merged or deleted by someone else

        response = client.post(CHANGELIST, {**fields, "confirm": "1"})

        assert response.status_code == 200
        assert "Select a valid choice" in response.text
        assert not TagMerge.objects.exists()

    def test_a_next_url_of_another_site_is_ignored(self, client, editor, spellings):
        fields = buttons(client.get(HEALTH))["Merge all into “Kim Jongun”…"]

        done = client.post(CHANGELIST, {**fields, "next": "https://evil.example/", "confirm": "1"})

        assert done["Location"] == CHANGELIST
        assert TagMerge.objects.exists()

    def test_the_buttons_need_the_csrf_token(self, editor, spellings):
        from django.test import Client

        strict = Client(enforce_csrf_checks=True)
        strict.force_login(editor)
        fields = buttons(strict.get(HEALTH))["Merge all into “Kim Jongun”…"]
        fields.pop("csrfmiddlewaretoken")

        assert strict.post(CHANGELIST, {**fields, "confirm": "1"}).status_code == 403
        assert not TagMerge.objects.exists()


def fill(size):
    """size groups of each kind of likeness, size tags used once, size tags with none."""
    for n in range(size):
        for k in range(3):
            make_item(f"Shared {n} {k}", f"Summit number {n}", f"Talks number {n} held")
        make_item(f"Spelt {n}", f"Mahmoud Abbas {n}")
        make_item(f"Misspelt {n}", f"Mahmud Abbas {n}")
        make_item(f"Begins {n}", f"Brexit {n}", f"Brexit {n} talks")
        tag(f"Empty {n} {'x' * n}")


def test_the_queries_do_not_grow_with_the_tags(client, editor):
    def queries_for(size):
        fill(size)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(HEALTH)
        assert len(response.context["groups"]) == 3 * size
        return len(queries)

    few = queries_for(2)
    Tag.objects.all().delete()
    Item.objects.all().delete()
    many = queries_for(15)
    # Session, user, permissions (2), then the report: tags, their use, shared items.
    assert few == many == 7
