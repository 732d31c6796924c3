"""The conflicts in the items' admin: the filter, the page with both versions and the word
diff, keep mine and take the wire's (one item, or selected ones), and who may."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from articles.admin.items import ItemAdmin
from articles.models import Item, WireCopy
from tests.factories import import_digest, logged_in, make_item
from tests.pages import changelist_queries, messages_of, parse_strictly, texts

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_item_changelist")
FIRST = ["Kim met Putin today.\u00a0…"]
HOSTILE = ["Kim met <script>alert('x')</script> Xi today.\u00a0…"]


def conflict_url(item):
    return reverse("admin:articles_item_conflict", args=[item.pk])


def conflicted(title="Wire story", wire=HOSTILE):
    """An imported item an editor retitled, then a differing wire copy of it."""
    import_digest(f"{title}-1.txt", "Asia", (title, FIRST))
    item = Item.objects.get(title=title)
    item.title = f"Editor's {title}"
    item.mark_edited(None)
    item.save()
    import_digest(f"{title}-2.txt", "Asia", (title, wire))
    return Item.objects.get(pk=item.pk)


def resolve(client, item, resolution, wire_hash=None):
    wire_hash = wire_hash or WireCopy.objects.get(item=item).wire_hash
    return client.post(conflict_url(item), {"resolution": resolution, "wire_hash": wire_hash})


class TestList:
    def test_the_filter_lists_the_open_conflicts_with_a_link_to_each(self, client, editor):
        item = conflicted()
        make_item("Calm story", "Asia")

        page = client.get(CHANGELIST, {"conflict": "open"}).text

        assert "Editor&#x27;s Wire story" in page and "Calm story" not in page
        assert f'href="{conflict_url(item)}"' in page

    def test_the_list_queries_do_not_grow_with_the_conflicts(self, client, editor, monkeypatch):
        for n in range(6):
            conflicted(f"Story {n}")

        def queries(per_page):
            url = f"{CHANGELIST}?conflict=open"
            return changelist_queries(client, url, ItemAdmin, per_page, monkeypatch)

        assert queries(2) == queries(6)

    def test_the_change_form_links_to_an_open_conflict(self, client, editor):
        item = conflicted()
        calm = make_item("Calm story", "Asia")

        change = reverse("admin:articles_item_change", args=[item.pk])
        assert f'href="{conflict_url(item)}"' in client.get(change).text
        calm_change = reverse("admin:articles_item_change", args=[calm.pk])
        assert "Conflict with the wire" not in client.get(calm_change).text


class TestConflictPage:
    def test_both_versions_side_by_side_with_the_words_that_differ_marked(self, client, editor):
        item = conflicted()

        response = client.get(conflict_url(item))

        assert response.status_code == 200
        document = parse_strictly(response.text)
        teaser = './/table[@id="conflict-diff"]//tr[th="teaser"]'
        assert texts(document, f"{teaser}/td[1]/del") == ["Putin"]
        assert texts(document, f"{teaser}/td[2]/ins") == ["<script>alert('x')</script> Xi"]
        assert texts(document, f"{teaser}/td[2]") == [HOSTILE[0]]
        # The wire's markup is text, never markup.
        assert "<script>alert" not in response.text
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in response.text
        title = './/table[@id="conflict-diff"]//tr[th="title"]'
        assert texts(document, f"{title}/td[1]/del") == ["Editor's"]

    def test_keep_mine_closes_it(self, client, editor):
        item = conflicted()

        response = resolve(client, item, "keep")

        assert response.status_code == 302
        assert messages_of(response) == ["“Editor's Wire story”: kept the editor's version."]
        assert not Item.objects.with_open_conflict().exists()
        item.refresh_from_db()
        assert item.title == "Editor's Wire story"
        log = LogEntry.objects.get(object_id=str(item.pk))
        assert log.user == editor and "kept the editor's version" in log.change_message
        # Closed: the page says so and offers no choice.
        page = client.get(conflict_url(item)).text
        assert 'id="conflict-resolved"' in page and 'id="resolve-conflict"' not in page

    def test_take_the_wires_saves_it_with_a_revision_and_readers_see_it(self, client, editor):
        item = conflicted()

        response = resolve(client, item, "take")

        assert response.status_code == 302
        item.refresh_from_db()
        assert (item.title, item.teaser, item.edited_by) == ("Wire story", HOSTILE[0], editor)
        assert item.history.latest().history_user == editor
        assert not Item.objects.with_open_conflict().exists()
        client.logout()
        public = client.get(item.get_absolute_url())
        assert "Wire story" in public.text
        assert "&lt;script&gt;" in public.text

    @pytest.mark.parametrize(
        "data, error",
        [
            ({"resolution": "merge"}, "Select a valid choice"),
            ({"resolution": "take", "wire_hash": "0" * 64}, "found a newer one"),
            ({}, "This field is required"),
        ],
    )
    def test_a_bad_post_is_a_form_error_and_changes_nothing(self, client, editor, data, error):
        item = conflicted()
        data.setdefault("wire_hash", WireCopy.objects.get().wire_hash)

        response = client.post(conflict_url(item), data)

        assert response.status_code == 200
        assert error in response.text
        assert list(Item.objects.with_open_conflict()) == [item]
        assert Item.objects.get(pk=item.pk).title == "Editor's Wire story"

    def test_a_resolved_conflict_cannot_be_resolved_again(self, client, editor):
        item = conflicted()
        resolve(client, item, "keep")

        response = resolve(client, item, "take")

        assert response.status_code == 200
        assert "found it resolved already" in response.text
        assert Item.objects.get(pk=item.pk).title == "Editor's Wire story"

    def test_versions_made_the_same_since_are_said_to_be(self, client, editor):
        item = conflicted()
        copy = WireCopy.objects.get()
        Item.objects.filter(pk=item.pk).update(title=copy.title, teaser=copy.teaser)

        response = client.get(conflict_url(item))

        assert 'id="conflict-same"' in response.text
        document = parse_strictly(response.text)
        assert texts(document, './/table[@id="conflict-diff"]//del') == []
        assert texts(document, './/table[@id="conflict-diff"]//ins') == []
        assert 'id="conflict-same"' not in client.get(conflict_url(conflicted("Other"))).text

    def test_an_item_without_a_wire_copy_has_no_conflict_page(self, client, editor):
        assert client.get(conflict_url(make_item("Calm story"))).status_code == 404


class TestWhoMay:
    def test_without_the_change_permission_it_is_forbidden(self, client):
        item = conflicted()
        logged_in(client, "importer", "Importers")

        assert client.get(conflict_url(item)).status_code == 403
        assert resolve(client, item, "take").status_code == 403
        assert list(Item.objects.with_open_conflict()) == [item]

    def test_anonymous_is_sent_to_log_in(self, client):
        item = conflicted()

        response = client.get(conflict_url(item))

        assert response.status_code == 302 and "/login/" in response.url

    def test_the_bulk_actions_need_the_change_permission(self, client):
        item = conflicted()
        logged_in(client, "importer", "Importers")

        response = client.post(CHANGELIST, {"action": "keep_mine", "_selected_action": [item.pk]})

        # The list is shown, without the actions, and the post did nothing.
        assert response.status_code == 200
        assert list(Item.objects.with_open_conflict()) == [item]
        offered = client.get(CHANGELIST).text
        assert 'value="keep_mine"' not in offered and 'value="take_wire"' not in offered


class TestBulkActions:
    def test_keep_mine_for_the_selected_items(self, client, editor):
        one, two, three = conflicted("One"), conflicted("Two"), conflicted("Three")

        response = client.post(
            CHANGELIST, {"action": "keep_mine", "_selected_action": [one.pk, two.pk]}
        )

        assert response.status_code == 302
        assert messages_of(response) == ["2 items: kept the editor's version."]
        offered = client.get(CHANGELIST).text
        assert 'value="keep_mine"' in offered and 'value="take_wire"' in offered
        assert list(Item.objects.with_open_conflict()) == [three]
        assert LogEntry.objects.filter(user=editor).count() == 2

    def test_take_the_wires_asks_first_then_applies_to_the_selected_items(self, client, editor):
        one, two = conflicted("One"), conflicted("Two")
        calm = make_item("Calm story", "Asia")
        selected = [one.pk, two.pk, calm.pk]

        page = client.post(CHANGELIST, {"action": "take_wire", "_selected_action": selected})
        assert page.status_code == 200
        assert "Take the wire&#x27;s version" in page.text
        assert list(Item.objects.with_open_conflict().order_by("pk")) == [one, two]

        response = client.post(
            CHANGELIST, {"action": "take_wire", "_selected_action": selected, "apply": "1"}
        )

        assert response.status_code == 302
        assert messages_of(response) == ["2 items: took the wire's version."]
        assert not Item.objects.with_open_conflict().exists()
        titles = set(Item.objects.values_list("title", flat=True))
        assert titles == {"One", "Two", "Calm story"}
        assert all(
            Item.objects.get(pk=pk).history.latest().history_change_reason
            == "Took the wire's version"
            for pk in (one.pk, two.pk)
        )


def test_the_conflict_page_says_once_where_and_when_the_wire_copy_came(client, editor):
    item = conflicted()
    run = item.wire_copy.run

    page = parse_strictly(client.get(conflict_url(item)).content)

    [sentence] = [text for text in texts(page, ".//p") if text.startswith("The wire sent")]
    assert f"It came in Wire story-2.txt (Asia), {run}. " in " ".join(sentence.split())
    assert "p.m." not in sentence and "a.m." not in sentence  # one time, the run's
