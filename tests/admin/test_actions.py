"""Bulk actions on items and scheduling: through the changelist, as editors use them."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import editing
from articles.models import Item, Tag
from tests.factories import make_item, tag_names
from tests.pages import messages_of

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_item_changelist")


def act(client, action, items, **extra):
    data = {"action": action, "_selected_action": [item.pk for item in items], **extra}
    return client.post(CHANGELIST, data, follow=True)


def statuses():
    return dict(Item.objects.values_list("title", "status"))


class TestPublishing:
    def test_publish_says_how_many_items_changed(self, client, editor):
        drafts = [make_item(f"Draft {n}", status=Item.Status.DRAFT) for n in range(2)]
        live = make_item("Live")

        response = act(client, "publish", [*drafts, live])

        assert messages_of(response) == ["2 items published."]
        assert set(statuses().values()) == {"published"}
        logged = LogEntry.objects.filter(user=editor, action_flag=CHANGE)
        assert sorted(logged.values_list("object_repr", "change_message")) == [
            ("Draft 0", "Published (bulk action)."),
            ("Draft 1", "Published (bulk action)."),
        ]
        assert Item.objects.published().count() == 3
        for item in Item.objects.filter(pk__in=[d.pk for d in drafts]):
            assert item.edited_by == editor

    def test_publish_makes_an_expired_item_visible_again(self, client, editor):
        past = timezone.now() - timedelta(days=2)
        item = make_item("Expired", published_at=past, unpublish_at=past + timedelta(days=1))
        assert not Item.objects.published().exists()

        act(client, "publish", [item])

        item.refresh_from_db()
        assert (item.published_at, item.unpublish_at) == (past, None)
        assert list(Item.objects.published()) == [item]

    def test_unpublish_goes_back_to_draft(self, client, editor):
        items = [make_item("One"), make_item("Two"), make_item("Three", status="draft")]

        response = act(client, "unpublish", items)

        assert messages_of(response) == ["2 items unpublished."]
        assert set(statuses().values()) == {"draft"}


class TestTagActions:
    def test_add_a_tag_asks_which_then_tags_the_items(self, client, editor):
        Tag.objects.create(name="Climate change")
        items = [make_item("One", "Asia"), make_item("Two"), make_item("Three", "Climate change")]

        page = act(client, "add_tag", items)
        assert page.status_code == 200
        assert "Add a tag" in page.text and "3 items selected" in page.text

        response = act(client, "add_tag", items, apply="1", tag="climate-change")

        assert messages_of(response) == ["2 items tagged “Climate change”."]
        assert [tag_names(item) for item in items] == [
            ["Asia", "Climate change"],
            ["Climate change"],
            ["Climate change"],
        ]
        assert Tag.objects.count() == 2

    def test_items_an_editor_tags_go_on_top_of_the_tag_page(self, client, editor):
        old = make_item("Old", "Asia")
        new = make_item("New")

        act(client, "add_tag", [new], apply="1", tag="Asia")

        tag = Tag.objects.get(name="Asia")
        assert list(Item.objects.for_tag(tag)) == [new, old]

    def test_remove_a_tag_keeps_the_other_tags(self, client, editor):
        items = [make_item("One", "Asia", "Europe"), make_item("Two", "Europe")]

        response = act(client, "remove_tag", items, apply="1", tag="EUROPE")

        assert messages_of(response) == ["2 items untagged “Europe”."]
        assert [tag_names(item) for item in items] == [["Asia"], []]

    def test_removing_an_unknown_tag_is_a_clear_error(self, client, editor):
        item = make_item("One", "Asia")

        response = act(client, "remove_tag", [item], apply="1", tag="Nowhere")

        assert "expected an existing tag, found &#x27;Nowhere&#x27;" in response.text
        assert tag_names(item) == ["Asia"]

    def test_tagging_costs_the_same_for_2_or_20_items(self):
        tag = Tag.objects.create(name="Asia")

        def queries(count):
            items = [make_item(f"Item {count}-{n}", status="draft") for n in range(count)]
            with CaptureQueriesContext(connection) as captured:
                editing.add_tag(Item.objects.filter(pk__in=[i.pk for i in items]), tag)
            return len(captured)

        assert queries(2) == queries(20)


class TestScheduling:
    def test_readers_see_an_item_only_inside_its_window(self):
        now = timezone.now()
        item = make_item(
            "Window", published_at=now + timedelta(hours=1), unpublish_at=now + timedelta(hours=3)
        )

        assert not Item.objects.published(at=now).exists()
        assert list(Item.objects.published(at=now + timedelta(hours=1))) == [item]
        assert list(Item.objects.published(at=now + timedelta(hours=2))) == [item]
        assert not Item.objects.published(at=now + timedelta(hours=3)).exists()

    def test_the_tag_page_follows_the_window_with_no_job(self, client):
        now = timezone.now()
        make_item("Gone", "Asia", published_at=now - timedelta(days=2), unpublish_at=now)
        make_item("Here", "Asia", published_at=now - timedelta(days=1))

        page = client.get("/tags/asia/").text

        assert "Here" in page and "Gone" not in page

    def test_the_schedule_action_sets_both_times(self, client, editor):
        items = [make_item("One", status="draft"), make_item("Two", status="draft")]
        start = timezone.localtime() + timedelta(days=1)
        end = start + timedelta(days=7)
        times = {
            "published_at_0": f"{start:%Y-%m-%d}",
            "published_at_1": "08:00:00",
            "unpublish_at_0": f"{end:%Y-%m-%d}",
            "unpublish_at_1": "08:00:00",
        }

        page = act(client, "schedule", items)
        assert "Publish at" in page.text and "Unpublish at" in page.text
        response = act(client, "schedule", items, apply="1", **times)

        assert messages_of(response) == ["2 items scheduled."]
        for item in Item.objects.all():
            local_start = timezone.localtime(item.published_at)
            assert (item.status, f"{local_start:%Y-%m-%d %H:%M}") == (
                "published",
                f"{start:%Y-%m-%d} 08:00",
            )
            assert item.unpublish_at - item.published_at == timedelta(days=7)
        assert not Item.objects.published().exists()
        assert Item.objects.published(at=timezone.now() + timedelta(days=3)).count() == 2

    def test_an_end_before_the_start_is_refused(self, client, editor):
        item = make_item("One", status="draft")
        day = timezone.localtime() + timedelta(days=1)
        times = {
            "published_at_0": f"{day:%Y-%m-%d}",
            "published_at_1": "08:00:00",
            "unpublish_at_0": f"{day:%Y-%m-%d}",
            "unpublish_at_1": "07:00:00",
        }

        response = act(client, "schedule", [item], apply="1", **times)

        assert "expected the unpublish time after the publication time" in response.text
        item.refresh_from_db()
        assert item.status == "draft"

    def test_the_change_form_schedules_too(self, client, editor):
        item = make_item("One", status="draft")
        start = timezone.localtime() + timedelta(hours=2)
        end = start + timedelta(days=1)

        response = client.post(
            reverse("admin:articles_item_change", args=[item.pk]),
            {
                "title": "One",
                "slug": item.slug,
                "teaser": item.teaser,
                "status": "published",
                "published_at_0": f"{start:%Y-%m-%d}",
                "published_at_1": f"{start:%H:%M:%S}",
                "unpublish_at_0": f"{end:%Y-%m-%d}",
                "unpublish_at_1": f"{end:%H:%M:%S}",
            },
        )

        assert response.status_code == 302
        assert not Item.objects.published().exists()
        assert Item.objects.published(at=timezone.now() + timedelta(hours=3)).get() == item

    def test_publishing_in_the_form_with_no_time_means_now(self, client, editor):
        item = make_item("One", status="draft")
        before = timezone.now()

        client.post(
            reverse("admin:articles_item_change", args=[item.pk]),
            {"title": "One", "slug": item.slug, "teaser": item.teaser, "status": "published"},
        )

        item.refresh_from_db()
        assert item.status == "published" and before <= item.published_at <= timezone.now()
        assert list(Item.objects.published()) == [item]
