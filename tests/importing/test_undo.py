"""Undoing an import run: what it created goes, what it changed comes back, editors' work stays."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from articles.importing import KeepReason, plan_undo, undo_run
from articles.importing import undo as undo_module
from articles.models import Digest, DigestEntry, ImportChange, ImportRun, Item, Tag, TaggedItem
from tests.factories import import_digest

pytestmark = pytest.mark.django_db


def import_text(name, tag, *items, force=False):
    summary = import_digest(name, tag, *items, force=force)
    assert summary.ok, summary.errors
    return ImportRun.objects.get(pk=summary.run_id)


def snapshot():
    return {
        "items": sorted(Item.objects.values_list("title", "teaser", "import_hash")),
        "tags": sorted(Tag.objects.values_list("name", flat=True)),
        "links": sorted(TaggedItem.objects.values_list("tag__name", "content_object__title")),
        "digests": sorted(Digest.objects.values_list("name", "tag__name", "sha256")),
        "entries": sorted(DigestEntry.objects.values_list("digest__name", "position", "item_id")),
    }


def test_undo_removes_what_a_first_import_created():
    before = snapshot()
    run = import_text("000_a.txt", "Asia", "One", "Two")

    undo = undo_run(run)

    assert snapshot() == before
    assert (undo.origin, undo.undo_of, undo.removed, undo.kept) == ("undo", run, 2, 0)
    assert sorted(undo.changes.values_list("kind", "title")) == [
        ("item_removed", "One"),
        ("item_removed", "Two"),
    ]


def test_undo_restores_what_a_run_changed_and_nothing_else():
    import_text("000_a.txt", "Asia", ("One", ["Old text.\u00a0…"]), "Two")
    before = snapshot()
    run = import_text("000_b.txt", "Asia", ("One", ["New text.\u00a0…"]), "Three")

    undo = undo_run(run)

    assert snapshot() == before
    assert Item.objects.get(title="One").teaser == "Old text.\u00a0…"
    assert (undo.removed, undo.restored) == (1, 1)


def test_a_tag_the_run_added_to_a_known_item_is_taken_off_again():
    import_text("000_a.txt", "Asia", "Shared story")
    before = snapshot()
    run = import_text("000_b.txt", "Europe", "Shared story")
    assert sorted(Item.objects.get().tags.values_list("name", flat=True)) == ["Asia", "Europe"]

    undo_run(run)

    assert snapshot() == before
    assert not Tag.objects.filter(name="Europe").exists()


def test_items_an_editor_touched_since_are_kept_and_listed(editor):
    import_text("000_a.txt", "Asia", ("Corrected", ["Old.\u00a0…"]))
    run = import_text("000_b.txt", "Asia", "Fresh", ("Corrected", ["New.\u00a0…"]))
    for item in Item.objects.all():
        item.title = f"{item.title} (edited)"
        item.mark_edited(editor)
        item.save()

    plan = plan_undo(run)
    undo = undo_run(run, user=editor)

    assert sorted(Item.objects.values_list("title", flat=True)) == [
        "Corrected (edited)",
        "Fresh (edited)",
    ]
    assert sorted((item.title, why) for item, why in plan.kept) == [
        ("Corrected (edited)", KeepReason.EDITED_SINCE),
        ("Fresh (edited)", KeepReason.EDITED_SINCE),
    ]
    assert (undo.removed, undo.restored, undo.kept, undo.user) == (0, 0, 2, editor)
    kept = undo.changes.filter(kind=ImportChange.Kind.ITEM_KEPT)
    assert sorted(change.before["reason"] for change in kept) == [
        KeepReason.EDITED_SINCE,
        KeepReason.EDITED_SINCE,
    ]
    # The digest record of the undone run goes, so its file can be imported again.
    assert not Digest.objects.filter(name="000_b.txt").exists()


def test_an_item_a_later_import_changed_again_is_kept():
    first = import_text("000_a.txt", "Asia", ("Story", ["One.\u00a0…"]))
    import_text("000_b.txt", "Asia", ("Story", ["Two.\u00a0…"]))

    plan = plan_undo(first)
    undo_run(first)

    assert [(item.title, why) for item, why in plan.kept] == [
        ("Story", KeepReason.CHANGED_BY_LATER_IMPORT)
    ]
    assert Item.objects.get().teaser == "Two.\u00a0…"


def test_a_forced_reimport_of_a_known_digest_is_restored_as_it_was():
    import_text("000_a.txt", "Asia", "One", "Two")
    Item.objects.get(title="Two").delete()  # an editor deleted it; its digest entry went too
    before = snapshot()
    run = import_text("renamed.txt", "Asia", "One", "Two", force=True)
    assert Digest.objects.get().name == "renamed.txt"
    assert DigestEntry.objects.count() == 2

    undo_run(run)

    assert snapshot() == before
    assert Digest.objects.get().name == "000_a.txt"


def test_a_run_is_undone_once_and_an_undo_is_never_undone():
    run = import_text("000_a.txt", "Asia", "One")
    undo = undo_run(run)

    with pytest.raises(ValidationError, match="undone already"):
        undo_run(run)
    with pytest.raises(ValidationError, match="found an undo"):
        undo_run(undo)


def test_an_undone_file_can_be_imported_again():
    run = import_text("000_a.txt", "Asia", "One")
    undo_run(run)

    again = import_text("000_a.txt", "Asia", "One")

    assert (again.files_imported, again.created) == (1, 1)


def test_removed_items_keep_their_history_with_the_reason(editor):
    run = import_text("000_a.txt", "Asia", "One")
    item_id = Item.objects.get().pk

    undo_run(run, user=editor)

    records = Item.history.filter(id=item_id).order_by("history_date")
    assert [(r.history_type, r.history_change_reason) for r in records] == [
        ("+", f"Import #{run.pk}"),
        ("-", f"Undo of import #{run.pk}"),
    ]
    assert records.last().history_user == editor


def test_a_failure_midway_leaves_everything_as_it_was(monkeypatch):
    import_text("000_a.txt", "Asia", ("One", ["Old.\u00a0…"]))
    run = import_text("000_b.txt", "Asia", ("One", ["New.\u00a0…"]), "Two")
    before = snapshot()

    def explode(*args, **kwargs):
        raise IntegrityError("simulated failure")

    monkeypatch.setattr(undo_module.Collector, "delete", explode)
    with pytest.raises(IntegrityError):
        undo_run(run)

    assert snapshot() == before
    assert not ImportRun.objects.filter(origin="undo").exists()


class TestUndoAfterTheDigestsTagWentAway:
    """A forced run that replaced a digest's entries is undone after that digest's tag was
    merged or deleted: the digest goes back to the tag its name finds now, or stays as
    history without one, never to the gone tag's id."""

    def replaced(self):
        import_text("000_a.txt", "Pyongyang", "One", "Two")
        Item.objects.get(title="Two").delete()  # its entry goes: the digest's entries differ
        run = import_text("000_a.txt", "Pyongyang", "One", "Two", force=True)
        assert run.changes.filter(kind=ImportChange.Kind.DIGEST_REPLACED).exists()
        return run

    def test_merged_the_digest_goes_back_to_the_merge_target(self):
        from articles import tag_services

        run = self.replaced()
        korea = Tag.objects.create(name="North Korea")
        tag_services.merge_tags(sources=[Tag.objects.get(name="Pyongyang")], target=korea)

        undo_run(run)

        digest = Digest.objects.get(name="000_a.txt")
        assert (digest.tag, digest.tag_name) == (korea, "Pyongyang")

    def test_deleted_the_digest_stays_as_history_under_its_name(self):
        from articles import tag_deletion

        run = self.replaced()
        tag_deletion.delete_tags([Tag.objects.get(name="Pyongyang")])

        undo_run(run)

        digest = Digest.objects.get(name="000_a.txt")
        assert (digest.tag, digest.tag_name) == (None, "Pyongyang")
