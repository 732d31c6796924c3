"""Deleting tags: items lose the tag only, digests stay as history, the deletion is recorded
and undone with the tag exactly as it was; orphans go in bulk without touching tags in use."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from articles import tag_deletion, tag_services, tag_undo
from articles.exporting import export_tag_page
from articles.models import Digest, Item, Tag, TagDeletion, TagOldSlug
from tests.factories import (
    SEED_PAGE_1,
    SEED_PAGE_2,
    SEEDS,
    import_digest,
    make_item,
    tag_names,
)
from tests.pages import run_command

pytestmark = pytest.mark.django_db


def korea():
    return Tag.objects.get(name="North Korea")


class TestDeletion:
    def test_the_plan_counts_items_losing_the_tag_and_left_with_none(self, seeded):
        make_item("Also Asia", korea(), "Asia")

        plan = tag_deletion.plan_deletion([korea()])

        assert (plan.items_untagged, plan.items_left_without_tags, plan.digests) == (21, 20, 2)

    def test_items_stay_and_digests_stay_as_history_without_their_tag(self, seeded):
        make_item("Also Asia", korea(), "Asia")

        [record] = tag_deletion.delete_tags([korea()])

        assert not Tag.objects.filter(name="North Korea").exists()
        assert Item.objects.count() == 21
        assert tag_names(Item.objects.get(title="Also Asia")) == ["Asia"]
        assert list(Digest.objects.values_list("tag", "tag_name")) == [(None, "North Korea")] * 2
        assert (record.name, record.items_untagged, record.items_left_without_tags) == (
            "North Korea",
            21,
            20,
        )

    def test_undo_brings_the_seed_tag_back_as_the_seed_files(self, seeded, client):
        tag = korea()
        tag_services.add_alias(tag, "DPRK")
        TagOldSlug.objects.create(tag=tag, slug="the-north")
        [record] = tag_deletion.delete_tags([tag])
        assert client.get("/tags/north-korea/").status_code == 404

        undo = tag_undo.undo_deletion(record)

        back = korea()
        assert (back.pk, back.slug) == (tag.pk, "north-korea")
        assert export_tag_page("North Korea", page=1) == SEED_PAGE_1.read_text("utf-8")
        assert export_tag_page("North Korea", page=2) == SEED_PAGE_2.read_text("utf-8")
        assert list(Digest.objects.values_list("tag", flat=True)) == [tag.pk] * 2
        assert tag_services.find_tag("dprk") == back
        assert client.get("/tags/the-north/")["Location"] == "/tags/north-korea/"
        assert (undo.deletion, undo.note) == (record, "")

    def test_items_deleted_since_are_left_out_and_noted(self, seeded):
        [record] = tag_deletion.delete_tags([korea()])
        Item.objects.filter(pk=Item.objects.order_by("pk")[0].pk).delete()

        undo = tag_undo.undo_deletion(record)

        assert Item.objects.for_tag(korea()).count() == 19
        assert undo.note == "1 item deleted since"

    def test_a_name_taken_since_is_refused(self, seeded):
        [record] = tag_deletion.delete_tags([korea()])
        Tag.objects.create(name="north-korea")

        with pytest.raises(ValidationError, match="found the tag “north-korea” using it"):
            tag_undo.undo_deletion(record)

    def test_a_deletion_is_undone_once(self, seeded):
        [record] = tag_deletion.delete_tags([korea()])
        tag_undo.undo_deletion(record)

        with pytest.raises(ValidationError, match="undone already"):
            tag_undo.undo_deletion(TagDeletion.objects.get())

    def test_a_tag_named_by_digests_cannot_be_deleted_but_by_the_service(self, seeded):
        with pytest.raises(IntegrityError), transaction.atomic():
            korea().delete()

    def test_queries_do_not_grow_with_the_number_of_tags_and_items(self):
        def delete_with(count):
            tags = [Tag.objects.create(name=f"Tag {count} {n}") for n in range(count)]
            for n in range(count):
                make_item(f"Item {count} {n}", *tags)
            with CaptureQueriesContext(connection) as queries:
                tag_deletion.delete_tags(tags)
            return len(queries)

        assert delete_with(2) == delete_with(6)


class TestOrphans:
    def test_only_tags_with_no_item_and_no_digest_go_and_each_is_recorded(self):
        orphan = Tag.objects.create(name="Orphan")
        tag_services.add_alias(orphan, "Lonely")
        make_item("Story", "In use")
        import_digest("000_a.txt", "Only digests", "Gone soon")
        Item.objects.filter(title="Gone soon").delete()

        records = tag_deletion.delete_orphans(Tag.objects.all())

        assert [record.name for record in records] == ["Orphan"]
        assert sorted(Tag.objects.values_list("name", flat=True)) == ["In use", "Only digests"]
        tag_undo.undo_deletion(records[0])
        assert tag_services.find_tag("lonely") == Tag.objects.get(name="Orphan")

    def test_a_tag_in_use_through_our_links_is_never_an_orphan(self):
        # taggit's remove_orphaned_tags looks at taggit's own through table: with ours it
        # would delete this tag and its links (shared/STYLE.md 8.4).
        make_item("Story", "In use")

        assert tag_deletion.delete_orphans(Tag.objects.all()) == []
        assert tag_names(Item.objects.get()) == ["In use"]


class TestImportsAfterADeletion:
    def test_the_same_files_again_are_skipped_a_deleted_tag_is_not_brought_back(self, seeded):
        tag_deletion.delete_tags([korea()])

        out, _ = run_command("import_digests", str(SEEDS))

        assert "2 skipped" in out
        assert not Tag.objects.filter(name="North Korea").exists()

    def test_forced_they_make_the_tag_anew_and_the_undo_then_says_the_name_is_taken(self, seeded):
        [record] = tag_deletion.delete_tags([korea()])

        run_command("import_digests", "--force", str(SEEDS))

        assert export_tag_page("North Korea", page=1) == SEED_PAGE_1.read_text("utf-8")
        assert list(Digest.objects.values_list("tag", flat=True)) == [korea().pk] * 2
        with pytest.raises(ValidationError, match="found the tag “North Korea” using it"):
            tag_undo.undo_deletion(record)


class TestRevisionsOfTheItemsADeletionUntags:
    def test_each_item_has_a_revision_without_the_tag_then_with_it_after_the_undo(self, seeded):
        also_asia = make_item("Also Asia", korea(), "Asia")
        [record] = tag_deletion.delete_tags([korea()])

        assert also_asia.history.latest().tag_names == ["Asia"]
        assert also_asia.history.latest().history_change_reason == "Tag deleted: North Korea"

        tag_undo.undo_deletion(record)

        latest = also_asia.history.latest()
        assert (latest.tag_names, latest.history_change_reason) == (
            ["Asia", "North Korea"],
            "Deletion of tag North Korea undone",
        )
