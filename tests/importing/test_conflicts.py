"""Conflicts kept by imports: the wire's copy of an item an editor changed is stored beside
it, set-based, and the editor's choice (keep mine, take the wire's) holds on re-imports."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import conflicts
from articles.conflicts import Op, Segment, word_diff
from articles.importing.upsert import content_hash
from articles.models import ImportRun, Item, WireCopy
from tests.factories import import_digest, make_user

pytestmark = pytest.mark.django_db

FIRST = ["First copy.\u00a0…"]
SECOND = ["Second copy.\u00a0…"]
THIRD = ["Third copy.\u00a0…"]


def edited(title="Wire story", paragraphs=FIRST, *, user=None):
    """An imported item an editor then retitled."""
    import_digest(f"{title}-0.txt", "Asia", (title, paragraphs))
    item = Item.objects.get(title=title)
    item.title = f"Editor's {title}"
    item.mark_edited(user)
    item.save()
    return item


_imports = iter(range(1, 10_000))


def wire_sends(*items, tag="Asia", **options):
    """A new digest file (new name, new bytes) of items; returns its summary."""
    number = next(_imports)
    return import_digest(f"wire-{number}.txt", tag, *items, **options)


class TestImportKeepsTheWireCopy:
    def test_a_conflict_keeps_the_wire_copy_beside_the_editors_version(self):
        item = edited()

        summary = wire_sends(("Wire story", SECOND))

        assert summary.items.conflict == 1
        item.refresh_from_db()
        assert (item.title, item.teaser) == ("Editor's Wire story", FIRST[0])
        copy = WireCopy.objects.get()
        assert (copy.item, copy.title, copy.teaser) == (item, "Wire story", SECOND[0])
        assert copy.wire_hash == content_hash("Wire story", SECOND[0])
        assert copy.run == ImportRun.objects.get(pk=summary.run_id)
        assert copy.digest_name.startswith("wire-") and copy.tag_name == "Asia"
        assert copy.is_open
        assert list(Item.objects.with_open_conflict()) == [item]
        assert conflicts.open_conflict_count() == 1

    def test_an_item_no_editor_changed_is_updated_and_keeps_no_copy(self):
        import_digest("a.txt", "Asia", ("Wire story", FIRST))

        summary = wire_sends(("Wire story", SECOND))

        assert summary.items.updated == 1
        assert not WireCopy.objects.exists()
        assert not Item.objects.with_open_conflict().exists()

    def test_the_wire_changing_again_replaces_the_copy(self):
        item = edited()
        wire_sends(("Wire story", SECOND))

        wire_sends(("Wire story", THIRD))

        copy = WireCopy.objects.get()
        assert (copy.item, copy.teaser, copy.is_open) == (item, THIRD[0], True)

    def test_a_dry_run_keeps_nothing(self):
        edited()

        summary = wire_sends(("Wire story", SECOND), dry_run=True)

        assert summary.items.conflict == 1
        assert not WireCopy.objects.exists()

    def test_the_queries_do_not_grow_with_the_conflicts(self):
        def queries_for(count, tag):
            titles = [f"{tag} story {n}" for n in range(count)]
            import_digest(f"{tag}.txt", tag, *((title, FIRST) for title in titles))
            Item.objects.filter(title__in=titles).update(
                edited_at=Item.objects.values("created_at")[:1]
            )
            with CaptureQueriesContext(connection) as queries:
                summary = wire_sends(*((title, SECOND) for title in titles), tag=tag)
            assert summary.items.conflict == count
            assert Item.objects.with_open_conflict().filter(title__in=titles).count() == count
            return len(queries)

        assert queries_for(2, "Asia") == queries_for(20, "Europe")


class TestResolving:
    def test_keep_mine_closes_the_conflict_until_the_wire_changes(self):
        editor = make_user("editor", "Editors")
        item = edited()
        wire_sends(("Wire story", SECOND))

        assert conflicts.keep_mine(Item.objects.filter(pk=item.pk), user=editor) == [item]

        copy = WireCopy.objects.get()
        assert not copy.is_open
        assert (copy.resolution, copy.resolved_by) == (WireCopy.Resolution.KEPT, editor)
        assert not Item.objects.with_open_conflict().exists()
        # The same wire text again (in another file): still closed.
        wire_sends(("Wire story", SECOND), "Another story")
        assert not Item.objects.with_open_conflict().exists()
        # A new wire text: open again, with the new copy.
        wire_sends(("Wire story", THIRD))
        assert list(Item.objects.with_open_conflict()) == [item]
        assert WireCopy.objects.get().teaser == THIRD[0]
        item.refresh_from_db()
        assert (item.title, item.teaser) == ("Editor's Wire story", FIRST[0])

    def test_take_the_wires_is_an_editors_save_with_a_revision(self):
        editor = make_user("editor", "Editors")
        item = edited()
        wire_sends(("Wire story", SECOND))

        assert conflicts.take_wire([item], user=editor) == [item]

        item.refresh_from_db()
        assert (item.title, item.teaser, item.edited_by) == ("Wire story", SECOND[0], editor)
        revision = item.history.latest()
        assert (revision.title, revision.teaser) == ("Wire story", SECOND[0])
        assert revision.history_user == editor
        assert revision.history_change_reason == "Took the wire's version"
        assert revision.tag_names == ["Asia"]
        copy = WireCopy.objects.get()
        assert (copy.is_open, copy.resolution) == (False, WireCopy.Resolution.TAKEN)
        # The same wire text again leaves the item and the conflict as they are.
        wire_sends(("Wire story", SECOND), "Another story")
        assert not Item.objects.with_open_conflict().exists()
        item.refresh_from_db()
        assert item.teaser == SECOND[0]

    def test_resolving_touches_only_open_conflicts(self):
        editor = make_user("editor", "Editors")
        conflicted, calm = edited("One"), edited("Two")
        wire_sends(("One", SECOND))

        assert conflicts.take_wire([conflicted, calm], user=editor) == [conflicted]
        assert conflicts.keep_mine([conflicted, calm], user=editor) == []
        calm.refresh_from_db()
        assert calm.title == "Editor's Two"


class TestWordDiff:
    def test_words_only_in_one_version_are_marked_on_its_side(self):
        diff = word_diff("teaser", "Kim met Putin today.", "Kim met Xi today.")

        assert diff.mine == [
            Segment(Op.SAME, "Kim met "),
            Segment(Op.DELETED, "Putin"),
            Segment(Op.SAME, " today."),
        ]
        assert diff.wire == [
            Segment(Op.SAME, "Kim met "),
            Segment(Op.INSERTED, "Xi"),
            Segment(Op.SAME, " today."),
        ]
        assert diff.differs

    def test_spaces_and_paragraphs_are_kept_exactly(self):
        mine = "One\u00a0two.\n\nThree …"
        diff = word_diff("teaser", mine, mine + " four")

        assert "".join(segment.text for segment in diff.mine) == mine
        assert "".join(segment.text for segment in diff.wire) == mine + " four"
        assert diff.wire[-1] == Segment(Op.INSERTED, " four")

    def test_the_same_text_is_no_difference(self):
        assert not word_diff("title", "Same", "Same").differs
