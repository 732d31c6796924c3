"""Undoing a merge or a rename: the tags come back exactly, and ``export_digest`` of every tag
involved is byte for byte what it was (the acceptance test, on the seeds)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import editing, tag_services, tag_undo
from articles.digest import parse
from articles.exporting import ExportError, export_tag_page
from articles.models import Digest, Item, Tag, TagAlias, TagMerge, TagOldSlug, TagRename, TagUndo
from tests.factories import (
    SEED_PAGE_1,
    SEED_PAGE_2,
    draft,
    import_digest,
    make_item,
    seed_titles,
    tag_names,
)

pytestmark = pytest.mark.django_db


def exports(*names):
    """Every page of each tag as export_digest gives it, drafts too: {name: [texts]}."""
    pages = {}
    for name in names:
        pages[name] = []
        for include_drafts in (False, True):
            number = 1
            while True:
                try:
                    text = export_tag_page(name, page=number, include_drafts=include_drafts)
                except ExportError:
                    break
                pages[name].append(text)
                number += 1
    return pages


def state(*names):
    """What a tag is besides its pages: its id, slug, description, aliases, old URLs and the
    digests that name it."""
    tags = Tag.objects.filter(name__in=names).order_by("name")
    return [
        (
            tag.pk,
            tag.name,
            tag.slug,
            tag.description,
            sorted(tag.aliases.values_list("name", flat=True)),
            sorted(tag.old_slugs.values_list("slug", "retired_at")),
            sorted(Digest.objects.filter(tag=tag).values_list("pk", flat=True)),
        )
        for tag in tags
    ]


@pytest.fixture
def newsroom(seeded):
    """The seeds' "North Korea", and two tags sharing some of its items: "Pyongyang" (from a
    digest, with a description, an alias and an old URL) and "Kim Jong-un" (an editor's),
    one of whose items is a draft."""
    korea_titles = seed_titles(SEED_PAGE_1) + seed_titles(SEED_PAGE_2)
    seed_item = parse(SEED_PAGE_1.read_bytes()).items[3]  # as the wire gave it: no change
    import_digest(
        "000_pyongyang.txt",
        "Pyongyang",
        "Metro reopens",
        (seed_item.title, seed_item.paragraphs),
        "Parade held",
    )
    pyongyang = Tag.objects.get(name="Pyongyang")
    pyongyang.description = "The capital."
    pyongyang.save()
    tag_services.add_alias(pyongyang, "Pyongyang city")
    TagOldSlug.objects.create(tag=pyongyang, slug="pyong")
    kim = Tag.objects.create(name="Kim Jong-un")
    editing.add_tag(Item.objects.filter(title__in=korea_titles[5:8]), kim)
    make_item("Kim visits a farm", kim, pyongyang)
    draft("Kim's speech, embargoed", kim)
    return Tag.objects.get(name="North Korea"), pyongyang, kim


NAMES = ["North Korea", "Pyongyang", "Kim Jong-un"]


class TestMergeUndo:
    def test_exports_and_tags_are_as_before_byte_for_byte(self, newsroom):
        korea, pyongyang, kim = newsroom
        before, tags_before = exports(*NAMES), state(*NAMES)

        merge = tag_services.merge_tags(sources=[pyongyang, kim], target=korea)
        assert exports("North Korea") != {"North Korea": before["North Korea"]}
        undo = tag_undo.undo_merge(merge)

        assert exports(*NAMES) == before
        assert state(*NAMES) == tags_before
        assert (undo.kind, undo.merge, undo.note) == (TagUndo.Kind.MERGE, merge, "")

    def test_the_seed_tag_merged_into_another_comes_back_as_the_seed_files(self, newsroom):
        korea, pyongyang, _ = newsroom

        merge = tag_services.merge_tags(sources=[korea], target=pyongyang)
        assert not Tag.objects.filter(name="North Korea").exists()
        tag_undo.undo_merge(merge)

        assert export_tag_page("North Korea", page=1) == SEED_PAGE_1.read_text("utf-8")
        assert export_tag_page("North Korea", page=2) == SEED_PAGE_2.read_text("utf-8")

    def test_retired_slugs_are_live_again_and_names_are_names(self, newsroom, client):
        korea, pyongyang, _ = newsroom
        merge = tag_services.merge_tags(sources=[pyongyang], target=korea)
        assert client.get("/tags/pyongyang/")["Location"] == "/tags/north-korea/"

        tag_undo.undo_merge(merge)

        assert client.get("/tags/pyongyang/").status_code == 200
        assert client.get("/tags/pyong/")["Location"] == "/tags/pyongyang/"
        assert tag_services.find_tag("pyongyang city") == pyongyang
        assert not korea.aliases.exists() and not korea.old_slugs.exists()
        assert Digest.objects.get(name="000_pyongyang.txt").tag == pyongyang

    def test_items_tagged_since_keep_the_target_and_the_note_says_so(self, newsroom):
        korea, pyongyang, _ = newsroom
        merge = tag_services.merge_tags(sources=[pyongyang], target=korea)
        since = make_item("Tagged after the merge", korea)
        moved = Item.objects.get(title="Metro reopens")
        untagged = Item.objects.get(title="Parade held")
        editing.remove_tag(Item.objects.filter(pk=untagged.pk), korea)

        undo = tag_undo.undo_merge(merge)

        assert tag_names(since) == ["North Korea"]
        assert tag_names(moved) == ["Pyongyang"]  # it had North Korea only from the merge
        assert tag_names(untagged) == []  # an editor took the merged tag off: it stays off
        assert undo.note == (
            "1 item untagged since the merge: stays without it; "
            "1 item tagged since the merge: keeps the merged tag"
        )

    def test_a_merge_that_a_later_merge_built_on_is_refused_until_that_one_is_undone(
        self, newsroom
    ):
        korea, pyongyang, kim = newsroom
        first = tag_services.merge_tags(sources=[pyongyang], target=korea)
        second = tag_services.merge_tags(sources=[kim], target=korea)
        before = exports("North Korea")

        with pytest.raises(ValidationError, match="found a later one, “Kim Jong-un -> North"):
            tag_undo.undo_merge(first)
        assert exports("North Korea") == before  # nothing half-done

        tag_undo.undo_merge(second)
        tag_undo.undo_merge(first)
        assert sorted(Tag.objects.values_list("name", flat=True)) == sorted(NAMES)

    def test_a_target_merged_away_and_brought_back_is_the_merges_target_again(self, newsroom):
        korea, pyongyang, kim = newsroom
        before = exports(*NAMES)
        first = tag_services.merge_tags(sources=[pyongyang], target=kim)
        second = tag_services.merge_tags(sources=[kim], target=korea)

        with pytest.raises(ValidationError, match="found it deleted since"):
            tag_undo.undo_merge(first)
        tag_undo.undo_merge(second)
        tag_undo.undo_merge(first)

        assert exports(*NAMES) == before

    def test_a_merge_is_undone_once(self, newsroom):
        korea, pyongyang, _ = newsroom
        merge = tag_services.merge_tags(sources=[pyongyang], target=korea)
        tag_undo.undo_merge(merge)

        with pytest.raises(ValidationError, match="undone already"):
            tag_undo.undo_merge(TagMerge.objects.get(pk=merge.pk))

    def test_a_name_taken_since_is_refused_with_the_tag_that_took_it(self, newsroom):
        korea, pyongyang, _ = newsroom
        merge = tag_services.merge_tags(sources=[pyongyang], target=korea)
        tag_services.rename_tag(korea, "Pyongyang")  # an alias of the target: allowed

        with pytest.raises(ValidationError, match="found the tag “Pyongyang” using it"):
            tag_undo.undo_merge(merge)

    def test_a_merge_recorded_before_undo_existed_is_refused(self, newsroom):
        korea, pyongyang, _ = newsroom
        merge = tag_services.merge_tags(sources=[pyongyang], target=korea)
        merge.sources = [{"id": 1, "name": "Old", "slug": "old", "items": []}]
        merge.save()

        with pytest.raises(ValidationError, match="recorded before merges could be undone"):
            tag_undo.undo_merge(merge)

    def test_the_description_the_target_took_goes_back(self, newsroom):
        korea, pyongyang, _ = newsroom
        merge = tag_services.merge_tags(sources=[pyongyang], target=korea)
        assert Tag.objects.get(pk=korea.pk).description == "The capital."

        tag_undo.undo_merge(merge)

        assert Tag.objects.get(pk=korea.pk).description == ""


class TestRenameUndo:
    def test_the_seed_tag_renamed_then_undone_exports_the_seed_files(self, newsroom, client):
        korea, _, _ = newsroom
        before, tags_before = exports(*NAMES), state(*NAMES)

        tag_services.rename_tag(korea, "DPRK")
        undo = tag_undo.undo_rename(TagRename.objects.get())

        assert exports(*NAMES) == before
        assert export_tag_page("North Korea", page=1) == SEED_PAGE_1.read_text("utf-8")
        korea.refresh_from_db()
        assert (korea.name, korea.slug) == ("North Korea", "north-korea")
        assert not TagAlias.objects.filter(tag=korea).exists()
        # The URL the rename gave keeps answering: readers may have kept it.
        assert client.get("/tags/dprk/")["Location"] == "/tags/north-korea/"
        kim_after, korea_after, pyongyang_after = state(*NAMES)
        assert [kim_after, pyongyang_after] == [tags_before[0], tags_before[2]]
        assert korea_after[:5] + korea_after[6:] == tags_before[1][:5] + tags_before[1][6:]
        assert undo.note == "/tags/dprk/ keeps redirecting to /tags/north-korea/"

    def test_a_name_that_was_an_alias_is_an_alias_again(self, newsroom):
        korea, _, _ = newsroom
        tag_services.add_alias(korea, "DPRK")
        tag_services.rename_tag(korea, "DPRK", actor=None)

        tag_undo.undo_rename(TagRename.objects.get())

        assert list(korea.aliases.values_list("name", flat=True)) == ["DPRK"]

    def test_a_rename_renamed_again_since_is_refused_until_the_later_is_undone(self, newsroom):
        korea, _, _ = newsroom
        tag_services.rename_tag(korea, "DPRK")
        tag_services.rename_tag(korea, "Democratic People's Republic")
        first, second = TagRename.objects.order_by("pk")

        with pytest.raises(ValidationError, match="renamed again since"):
            tag_undo.undo_rename(first)
        tag_undo.undo_rename(second)
        tag_undo.undo_rename(first)

        assert Tag.objects.get(pk=korea.pk).name == "North Korea"

    def test_a_rename_of_a_tag_merged_since_is_refused_until_the_merge_is_undone(self, newsroom):
        korea, pyongyang, _ = newsroom
        before = exports(*NAMES)
        tag_services.rename_tag(pyongyang, "Pyongyang (capital)")
        merge = tag_services.merge_tags(sources=[pyongyang], target=korea)

        with pytest.raises(ValidationError, match="deleted or merged since"):
            tag_undo.undo_rename(TagRename.objects.get())
        tag_undo.undo_merge(merge)
        tag_undo.undo_rename(TagRename.objects.get())

        assert exports(*NAMES) == before


def test_undoing_a_merge_costs_the_same_whatever_the_number_of_items():
    def undo_with(count):
        target = Tag.objects.create(name=f"Target {count}")
        source = Tag.objects.create(name=f"Source {count}")
        tag_services.add_alias(source, f"Alias {count}")
        for n in range(count):
            make_item(f"Item {count} {n}", source, *([target] if n % 2 else []))
        merge = tag_services.merge_tags(sources=[source], target=target)
        with CaptureQueriesContext(connection) as queries:
            tag_undo.undo_merge(merge)
        assert Item.objects.for_tag(Tag.objects.get(name=f"Source {count}")).count() == count
        return len(queries)

    assert undo_with(2) == undo_with(12)


class TestRevisionsOfTheItemsAnUndoRetags:
    def test_each_item_a_merge_undo_gives_back_a_tag_has_a_revision_with_it(self, newsroom):
        korea, pyongyang, _ = newsroom
        merge = tag_services.merge_tags(sources=[pyongyang], target=korea)
        moved = Item.objects.get(title="Metro reopens")
        assert moved.history.latest().tag_names == ["North Korea"]

        tag_undo.undo_merge(merge)

        latest = moved.history.latest()
        assert (latest.tag_names, latest.history_change_reason) == (
            ["Pyongyang"],
            "Merge into North Korea undone",
        )
