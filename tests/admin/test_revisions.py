"""Faithful revisions: every revision records the item's tags (imports, bulk actions, undo);
a revert gives back fields and tags, and keeps the places of the tags the item still has; a
deleted item restored stands where it stood, so the seeds export back byte for byte."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.importing import undo_run
from articles.models import DigestEntry, ImportRun, Item, Tag, TaggedItem
from articles.tag_services import merge_tags
from tests.factories import SEED_PAGE_1, SEED_PAGE_2, import_digest, seed_titles, tag_names
from tests.pages import item_form_data, revision_form_data, run_command

pytestmark = pytest.mark.django_db

History = Item.history.model
KOREA = "North Korea"


def revisions(item):
    return History.objects.filter(id=item.pk).order_by("history_date", "history_id")


def latest_tags(item):
    return revisions(item).last().tag_names


def places(item_id):
    links = TaggedItem.objects.filter(content_object_id=item_id)
    entries = DigestEntry.objects.filter(item_id=item_id)
    return (
        sorted(links.values_list("tag__name", "position")),
        sorted(entries.values_list("digest__name", "position")),
    )


def post_as_shown(client, url):
    """Post a revision's form (revert or restore) with the values it shows, as a browser."""
    data = revision_form_data(client.get(url).context["adminform"].form)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def revert_url(item, revision):
    return reverse("admin:articles_item_simple_history", args=[item.pk, revision.history_id])


def restore_url(client, title):
    listing = client.get(reverse("admin:articles_item_deleted")).text
    return re.search(rf'<a href="([^"]+/history/\d+/)">{re.escape(title)}</a>', listing).group(1)


def assert_the_seeds_export_byte_for_byte(tmp_path):
    for page, seed in (("1", SEED_PAGE_1), ("2", SEED_PAGE_2)):
        output = tmp_path / f"page-{page}.txt"
        run_command("export_digest", KOREA, "--page", page, "-o", str(output))
        assert output.read_bytes() == seed.read_bytes()


class TestEveryRevisionRecordsTheTags:
    def test_an_import_records_them_on_created_and_newly_tagged_items(self, seeded):
        created = History.objects.filter(history_type="+")
        assert list(created.values_list("tag_names", flat=True)) == [[KOREA]] * 20
        title = seed_titles(SEED_PAGE_1)[0]
        item = Item.objects.get(title=title)

        import_digest("000_russia.txt", "Russia", (title, ["Wire text.\u00a0…"]))

        run = ImportRun.objects.latest("pk")
        latest = revisions(item).last()
        assert (latest.history_change_reason, latest.tag_names) == (
            f"Import #{run.pk}",
            [KOREA, "Russia"],
        )

    def test_revisions_of_items_an_import_tags_cost_the_same_for_2_or_10(self):
        def queries(count):
            titles = [f"Story {count} {n}" for n in range(count)]
            import_digest(f"000_first_{count}.txt", f"First {count}", *titles)
            with CaptureQueriesContext(connection) as captured:
                import_digest(f"000_second_{count}.txt", f"Second {count}", *titles)
            for item in Item.objects.filter(title__in=titles):
                assert latest_tags(item) == [f"First {count}", f"Second {count}"]
            return len(captured)

        assert queries(2) == queries(10)

    def test_bulk_actions_record_them(self, client, editor, seeded):
        item = Item.objects.first()
        changelist = reverse("admin:articles_item_changelist")

        client.post(
            changelist,
            {"action": "add_tag", "_selected_action": [item.pk], "tag": ["Europe"], "apply": "1"},
        )
        assert latest_tags(item) == ["Europe", KOREA]
        client.post(
            changelist,
            {"action": "remove_tag", "_selected_action": [item.pk], "tag": [KOREA], "apply": "1"},
        )
        assert latest_tags(item) == ["Europe"]
        client.post(changelist, {"action": "unpublish", "_selected_action": [item.pk]})
        assert (revisions(item).last().history_change_reason, latest_tags(item)) == (
            "Unpublished",
            ["Europe"],
        )

    def test_an_undo_records_them(self, seeded):
        title = seed_titles(SEED_PAGE_1)[0]
        item = Item.objects.get(title=title)
        import_digest("000_russia.txt", "Russia", (title, ["Wire text.\u00a0…"]), "New story")
        run = ImportRun.objects.latest("pk")
        created = Item.objects.get(title="New story")

        undo_run(run)

        assert latest_tags(item) == [KOREA]
        deletion = History.objects.get(id=created.pk, history_type="-")
        assert deletion.tag_names == ["Russia"]

    def test_a_merge_records_them_on_every_item_it_moved(self, editor):
        import_digest("000_dprk.txt", "DPRK", "First", "Second")
        import_digest("000_korea.txt", KOREA, "Second", "Third")
        dprk, korea = Tag.objects.get(name="DPRK"), Tag.objects.get(name=KOREA)

        merge_tags(sources=[dprk], target=korea, actor=editor)

        for title in ("First", "Second"):
            latest = revisions(Item.objects.get(title=title)).last()
            assert (latest.tag_names, latest.history_change_reason, latest.history_user) == (
                [KOREA],
                f"Tags merged into {KOREA}",
                editor,
            )
        third = Item.objects.get(title="Third")
        assert revisions(third).last().history_change_reason.startswith("Import")

    def test_names_are_recorded_a_to_z_by_code_point(self, seeded):
        title = seed_titles(SEED_PAGE_1)[0]
        for name in ("Ärzte", "Zambia", "abc"):
            import_digest(f"000_{name}.txt", name, title)

        assert latest_tags(Item.objects.get(title=title)) == sorted(
            [KOREA, "Ärzte", "Zambia", "abc"]
        )


class TestRevert:
    def test_reverting_to_the_import_takes_off_a_tag_added_since(
        self, client, editor, seeded, tmp_path
    ):
        item = Item.objects.get(title=seed_titles(SEED_PAGE_1)[3])
        imported = revisions(item).first()
        client.post(
            reverse("admin:articles_item_change", args=[item.pk]),
            item_form_data(item, title="Retitled", tag_names=[KOREA, "Europe"]),
        )
        before = places(item.pk)
        assert tag_names(item) == ["Europe", KOREA]

        post_as_shown(client, revert_url(item, imported))

        item.refresh_from_db()
        assert (item.title, tag_names(item)) == (seed_titles(SEED_PAGE_1)[3], [KOREA])
        # Its place on the tag page and its digest entries are those it had.
        assert places(item.pk) == ([p for p in before[0] if p[0] == KOREA], before[1])
        assert_the_seeds_export_byte_for_byte(tmp_path)
        assert latest_tags(item) == [KOREA]

    def test_reverting_gives_back_a_tag_taken_off_since(self, client, editor, seeded):
        item = Item.objects.get(title=seed_titles(SEED_PAGE_1)[3])
        client.post(
            reverse("admin:articles_item_change", args=[item.pk]),
            item_form_data(item, tag_names=[KOREA, "Europe"]),
        )
        with_europe = revisions(item).last()
        client.post(
            reverse("admin:articles_item_change", args=[item.pk]),
            item_form_data(item, tag_names=[KOREA]),
        )

        post_as_shown(client, revert_url(item, with_europe))

        assert tag_names(item) == ["Europe", KOREA]

    def test_reverting_to_the_current_state_writes_nothing(self, client, editor, seeded):
        item = Item.objects.first()
        count = revisions(item).count()

        post_as_shown(client, revert_url(item, revisions(item).last()))

        assert revisions(item).count() == count


class TestRestoreDeleted:
    def test_a_restored_seed_item_exports_back_byte_for_byte(
        self, client, editor, seeded, tmp_path
    ):
        title = seed_titles(SEED_PAGE_1)[4]
        item = Item.objects.get(title=title)
        before = places(item.pk)
        client.post(reverse("admin:articles_item_delete", args=[item.pk]), {"post": "yes"})
        assert not Item.objects.filter(pk=item.pk).exists()

        post_as_shown(client, restore_url(client, title))

        assert places(item.pk) == before
        assert_the_seeds_export_byte_for_byte(tmp_path)

    def test_items_deleted_in_bulk_come_back_in_their_places(
        self, client, editor, seeded, tmp_path
    ):
        titles = [seed_titles(SEED_PAGE_1)[0], seed_titles(SEED_PAGE_2)[-1]]
        items = list(Item.objects.filter(title__in=titles))
        before = {item.pk: places(item.pk) for item in items}
        client.post(
            reverse("admin:articles_item_changelist"),
            {"action": "delete_selected", "_selected_action": [i.pk for i in items], "post": "yes"},
        )
        assert not Item.objects.filter(pk__in=before).exists()

        for title in titles:
            post_as_shown(client, restore_url(client, title))

        assert {pk: places(pk) for pk in before} == before
        assert_the_seeds_export_byte_for_byte(tmp_path)

    def test_an_item_the_undo_removed_comes_back_in_its_place(self, client, editor):
        import_digest("000_asia.txt", "Asia", "First", "Third")
        import_digest("000_asia-newer.txt", "Asia", "First", "Second", "Third")
        second = Item.objects.get(title="Second")
        before = places(second.pk)
        undo_run(ImportRun.objects.latest("pk"))
        assert not Item.objects.filter(title="Second").exists()

        post_as_shown(client, restore_url(client, "Second"))

        # The digest it came from was undone: its tag place comes back, no digest entry.
        assert places(second.pk) == (before[0], [])
        asia = TaggedItem.objects.filter(tag__name="Asia").order_by("position")
        assert [link.content_object.title for link in asia] == ["First", "Second", "Third"]

    def test_a_place_taken_since_is_left_to_the_item_that_took_it(self, client, editor, seeded):
        title = seed_titles(SEED_PAGE_1)[4]
        item = Item.objects.get(title=title)
        entry = DigestEntry.objects.get(item=item)
        client.post(reverse("admin:articles_item_delete", args=[item.pk]), {"post": "yes"})
        other = (
            Item.objects.exclude(digest_entries__digest=entry.digest).first()
            or Item.objects.first()
        )
        DigestEntry.objects.create(digest=entry.digest, item=other, position=entry.position)

        post_as_shown(client, restore_url(client, title))

        assert DigestEntry.objects.get(digest=entry.digest, position=entry.position).item == other
        assert not DigestEntry.objects.filter(item=item).exists()
        assert tag_names(Item.objects.get(pk=item.pk)) == [KOREA]

    def test_a_tag_deleted_since_comes_back_on_top_as_a_new_tag(self, client, editor):
        import_digest("000_asia.txt", "Asia", "First", "Second")
        import_digest("000_europe.txt", "Europe", "Second")
        second = Item.objects.get(title="Second")
        client.post(reverse("admin:articles_item_delete", args=[second.pk]), {"post": "yes"})
        europe = Tag.objects.get(name="Europe")
        europe.digests.all().delete()
        europe.delete()

        post_as_shown(client, restore_url(client, "Second"))

        assert tag_names(second) == ["Asia", "Europe"]
        asia = TaggedItem.objects.filter(tag__name="Asia").order_by("position")
        assert [link.content_object.title for link in asia] == ["First", "Second"]
