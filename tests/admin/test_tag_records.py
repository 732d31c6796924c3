"""The admin's tag deletion (confirmation, orphans) and the undo pages of merges, renames and
deletions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Digest, Item, Tag, TagDeletion, TagMerge, TagRename, TagUndo
from articles.tag_deletion import delete_tags
from articles.tag_services import merge_tags, rename_tag
from articles.tag_undo import undo_merge
from tests.factories import make_item, tag_names
from tests.pages import messages_of, tag_form_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_tag_changelist")


def delete_url(tag):
    return reverse("admin:articles_tag_delete", args=[tag.pk])


def undo_url(record):
    return reverse(f"admin:articles_{record._meta.model_name}_undo", args=[record.pk])


class TestDeleting:
    def test_the_confirmation_counts_what_is_lost_and_kept(self, client, editor, seeded):
        korea = Tag.objects.get(name="North Korea")
        make_item("Also Asia", korea, "Asia")

        page = client.get(delete_url(korea))

        assert page.status_code == 200
        text = " ".join(page.text.split())
        assert "21 items lose the tag; 20 would be left with no tag." in text
        assert "2 digests that named it stay as history of what was imported" in text
        assert Tag.objects.filter(pk=korea.pk).exists()  # nothing done yet

    def test_confirming_deletes_it_keeping_the_digests_and_offers_the_undo(
        self, client, editor, seeded
    ):
        korea = Tag.objects.get(name="North Korea")

        done = client.post(delete_url(korea), {"confirm": "True"}, follow=True)

        assert not Tag.objects.filter(pk=korea.pk).exists()
        assert Digest.objects.filter(tag=None).count() == 2
        record = TagDeletion.objects.get()
        assert record.actor == editor
        assert messages_of(done) == [
            "Deleted the tag “North Korea”: 20 items lost it, 20 items left with no tag; its "
            f'digests are kept as history. <a href="{undo_url(record)}">Undo</a>'
        ]

    def test_a_post_without_the_confirmation_deletes_nothing(self, client, editor, seeded):
        korea = Tag.objects.get(name="North Korea")

        client.post(delete_url(korea), {})

        assert Tag.objects.filter(pk=korea.pk).exists()

    def test_without_the_permission_it_is_forbidden(self, client, importer, seeded):
        korea = Tag.objects.get(name="North Korea")

        assert client.post(delete_url(korea), {"confirm": "True"}).status_code == 403
        assert Tag.objects.filter(pk=korea.pk).exists()

    def test_the_bulk_action_confirms_then_deletes_the_selection(self, client, editor):
        make_item("One", "Red", "Blue")
        make_item("Two", "Red")
        tags = list(Tag.objects.filter(name__in=["Red", "Blue"]))
        selection = {"action": "delete_tags", "_selected_action": [tag.pk for tag in tags]}

        page = client.post(CHANGELIST, selection)
        assert "2 items lose these tags; 2 would be left with no tag." in " ".join(
            page.text.split()
        )
        assert "delete_selected" not in client.get(CHANGELIST).text  # Django's would stop

        client.post(CHANGELIST, {**selection, "apply": "1", "confirm": "True"})
        assert not Tag.objects.exists()
        assert TagDeletion.objects.count() == 2

    def test_removing_orphans_keeps_tags_in_use(self, client, editor):
        Tag.objects.create(name="Orphan")
        make_item("Story", "In use")
        selection = {"action": "remove_orphans", "_selected_action": Tag.objects.values("pk")}

        done = client.post(
            CHANGELIST,
            {**selection, "_selected_action": list(Tag.objects.values_list("pk", flat=True))},
            follow=True,
        )

        assert list(Tag.objects.values_list("name", flat=True)) == ["In use"]
        assert messages_of(done) == [
            "Removed 1 orphaned tag: “Orphan”. 1 selected tag in use or named by digests "
            "kept. Each can be undone from “Tag deletions”."
        ]


class TestUndoPages:
    def test_a_merge_is_undone_from_its_record_after_a_summary(self, client, editor):
        make_item("Only red", "Red")
        make_item("Rouge", "Rouge")
        red, rouge = Tag.objects.get(name="Red"), Tag.objects.get(name="Rouge")
        selection = {"action": "merge", "_selected_action": [red.pk, rouge.pk]}
        client.post(CHANGELIST, {**selection, "apply": "1", "target": red.pk, "confirm": "1"})
        merge = TagMerge.objects.get()
        record_page = client.get(reverse("admin:articles_tagmerge_change", args=[merge.pk]))
        assert undo_url(merge) in record_page.text

        summary = client.get(undo_url(merge))
        assert "1 item get them back, at their places on their pages." in summary.text
        assert "1 item lose “Red”, which they had only through the merge." in summary.text
        done = client.post(undo_url(merge), {"confirm": "True"}, follow=True)

        assert messages_of(done) == ["Undone: Rouge -> Red."]
        assert tag_names(Item.objects.get(title="Rouge")) == ["Rouge"]
        assert TagUndo.objects.get().actor == editor
        assert "undone" in client.get(reverse("admin:articles_tagmerge_changelist")).text

    def test_a_refused_undo_says_why_and_changes_nothing(self, client, editor):
        make_item("One", "Red", "Rouge", "Crimson")
        red, rouge, crimson = (Tag.objects.get(name=n) for n in ("Red", "Rouge", "Crimson"))
        for source in (rouge, crimson):
            client.post(
                CHANGELIST,
                {
                    "action": "merge",
                    "_selected_action": [red.pk, source.pk],
                    "apply": "1",
                    "target": red.pk,
                    "confirm": "1",
                },
            )
        first = TagMerge.objects.order_by("pk").first()

        done = client.post(undo_url(first), {"confirm": "True"}, follow=True)

        assert "found a later one, “Crimson -> Red”" in messages_of(done)[-1]
        assert not TagUndo.objects.exists()

    def test_a_rename_made_in_the_form_is_recorded_and_undone(self, client, editor):
        tag = Tag.objects.create(name="Global warming")
        client.post(
            reverse("admin:articles_tag_change", args=[tag.pk]),
            tag_form_data(tag, name="Climate change"),
        )
        rename = TagRename.objects.get()
        assert rename.actor == editor

        client.post(undo_url(rename), {"confirm": "True"})

        tag.refresh_from_db()
        assert (tag.name, tag.slug) == ("Global warming", "global-warming")

    def test_a_deletion_is_undone_from_its_record(self, client, editor, seeded):
        korea = Tag.objects.get(name="North Korea")
        client.post(delete_url(korea), {"confirm": "True"})
        record = TagDeletion.objects.get()

        summary = client.get(undo_url(record))
        assert "20 items get it back, at their places on its page." in summary.text
        client.post(undo_url(record), {"confirm": "True"})

        assert Item.objects.for_tag(Tag.objects.get(pk=korea.pk)).count() == 20

    def test_importers_cannot_undo(self, client, importer):
        make_item("Rouge", "Rouge")
        merge = merge_tags(sources=[Tag.objects.get()], target=Tag.objects.create(name="Red"))

        assert client.post(undo_url(merge), {"confirm": "True"}).status_code == 403
        assert not TagUndo.objects.exists()

    @pytest.mark.parametrize("model", ["tagmerge", "tagrename", "tagdeletion", "tagundo"])
    def test_the_records_lists_cost_the_same_whatever_their_length(self, client, editor, model):
        def queries_with(count):
            for n in range(count):
                make_item(f"Item {count} {n}", f"Source {count} {n}")
                source = Tag.objects.get(name=f"Source {count} {n}")
                merge_tags(sources=[source], target=Tag.objects.create(name=f"Target {count} {n}"))
                undo_merge(TagMerge.objects.get(target__name=f"Target {count} {n}"))
                rename_tag(source, f"Renamed {count} {n}")
                delete_tags([Tag.objects.get(name=f"Renamed {count} {n}")])
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse(f"admin:articles_{model}_changelist"))
            assert response.status_code == 200
            return len(queries)

        assert queries_with(1) == queries_with(5)
