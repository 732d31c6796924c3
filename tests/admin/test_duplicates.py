"""Duplicate stories in the admin: the filter, the candidates on the form, "merge into…"
and its undo (articles.item_merges), with the 301, the histories and the readers' cache."""

import pytest
from django.urls import reverse

from articles.admin.items import ItemAdmin
from articles.history import REASON_LENGTH
from articles.models import (
    DigestEntry,
    DuplicateCandidate,
    ImportChange,
    Item,
    ItemMerge,
    MergedImportKey,
    TaggedItem,
)
from tests.duplicate_pairs import MUST_FLAG, MUST_NOT_FLAG
from tests.factories import import_digest, make_item
from tests.pages import changelist_queries, messages_of
from tests.reader.cache_support import (  # noqa: F401
    assert_current,
    reader_cache_fixture,
    reader_fixture,
    warm,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_item_changelist")


def story(pair, *, tag="Korea"):
    title, teaser = pair
    return title, (teaser,)


def flagged_pair(first=MUST_FLAG[0][0], second=MUST_FLAG[0][1]):
    """Two imported items, the second a near copy of the first: (older, newer)."""
    import_digest("first.txt", "Korea", story(first))
    import_digest("second.txt", "Russia", story(second))
    return Item.objects.get(title=first[0]), Item.objects.get(title=second[0])


def merge_url(item, into=None):
    url = reverse("admin:articles_item_merge", args=[item.pk])
    return f"{url}?into={into.pk}" if into is not None else url


def positions(item):
    return dict(TaggedItem.objects.filter(content_object=item).values_list("tag__name", "position"))


class TestList:
    def test_the_filter_lists_the_flagged_items_only(self, client, editor):
        older, newer = flagged_pair()
        import_digest("calm.txt", "Korea", story(MUST_NOT_FLAG[0][1]))

        page = client.get(CHANGELIST, {"duplicates": "possible"})

        shown = {item.pk for item in page.context["cl"].result_list}
        assert shown == {older.pk, newer.pk}

    def test_the_filtered_list_queries_do_not_grow(self, client, editor, monkeypatch):
        for first, second in MUST_FLAG[::2]:
            import_digest(f"{first[0][:20]}-a.txt", "Korea", story(first))
            import_digest(f"{first[0][:20]}-b.txt", "Korea", story(second))
        assert Item.objects.possible_duplicates().count() >= 6

        def queries(per_page):
            url = f"{CHANGELIST}?duplicates=possible"
            return changelist_queries(client, url, ItemAdmin, per_page, monkeypatch)

        assert queries(2) == queries(6)

    def test_the_form_shows_the_candidates_with_their_score(self, client, editor):
        older, newer = flagged_pair()
        score = DuplicateCandidate.objects.get().score

        page = client.get(reverse("admin:articles_item_change", args=[newer.pk])).text

        assert f"({score:.0%} alike)" in page
        assert f'href="{merge_url(newer, older).replace("&", "&amp;")}"' in page


class TestMerge:
    def test_the_page_shows_both_and_merging_keeps_the_chosen_item(self, client, editor):
        older, newer = flagged_pair()
        assert older.title in client.get(merge_url(newer, older)).text
        old_places = positions(newer)

        response = client.post(merge_url(newer), {"into": older.pk})

        assert response.status_code == 302
        assert response["Location"] == reverse("admin:articles_item_change", args=[older.pk])
        assert not Item.objects.filter(pk=newer.pk).exists()
        # Its tag, at its place on that tag's page; its digest entry; its import key.
        assert positions(older)["Russia"] == old_places["Russia"]
        assert set(DigestEntry.objects.values_list("item_id", flat=True)) == {older.pk}
        assert MergedImportKey.objects.get().item == older
        (message,) = messages_of(response)
        undo_url = reverse("admin:articles_item_undo_merge", args=[ItemMerge.objects.get().pk])
        assert (
            message == f'“{newer.title}” merged into “{older.title}”. <a href="{undo_url}">Undo</a>'
        )

    def test_the_list_action_opens_the_merge_of_the_newer_into_the_older(self, client, editor):
        older, newer = flagged_pair()
        selected = {"action": "merge_selected", "_selected_action": [newer.pk, older.pk]}

        response = client.post(CHANGELIST, selected)

        assert response.status_code == 302
        assert response["Location"] == merge_url(newer, older)
        assert Item.objects.count() == 2  # the page confirms
        client.post(merge_url(newer), {"into": older.pk})
        assert list(Item.objects.all()) == [older]

    @pytest.mark.parametrize("count", [1, 3])
    def test_the_list_action_wants_two_items(self, client, editor, count):
        flagged_pair()
        make_item("Third story")
        chosen = list(Item.objects.values_list("pk", flat=True)[:count])

        response = client.post(
            CHANGELIST, {"action": "merge_selected", "_selected_action": chosen}, follow=True
        )

        more = " or more" if count == 3 else ""
        assert messages_of(response) == [
            f"Nothing merged: expected two items selected, found {count}{more}."
        ]
        assert Item.objects.count() == 3 and not ItemMerge.objects.exists()

    def test_the_removed_items_url_redirects_to_the_kept_one(self, client, editor, reader):
        older, newer = flagged_pair()
        client.post(merge_url(newer), {"into": older.pk})

        response = reader.get(newer.get_absolute_url())

        assert response.status_code == 301
        assert response["Location"] == older.get_absolute_url()

    def test_both_histories_record_it(self, client, editor):
        older, newer = flagged_pair()
        client.post(merge_url(newer), {"into": older.pk})

        deletion = Item.history.filter(id=newer.pk).latest("history_id")
        kept = older.history.latest("history_id")
        assert deletion.history_type == "-" and "Merged into" in deletion.history_change_reason
        assert kept.history_change_reason == f"Merged “{newer.title}” into it"
        assert sorted(kept.tag_names) == ["Korea", "Russia"]

    def test_a_new_import_of_the_removed_story_finds_the_kept_item(self, client, editor):
        older, newer = flagged_pair()
        client.post(merge_url(newer), {"into": older.pk})

        import_digest("again.txt", "Asia", story(MUST_FLAG[0][1]), ("A new story", ("New.",)))

        assert not Item.objects.filter(title=newer.title).exists()
        assert "Asia" in positions(older)
        assert Item.objects.count() == 2

    @pytest.mark.parametrize("into", ["self", "missing", "words"])
    def test_a_bad_choice_is_a_form_error(self, client, editor, into):
        older, newer = flagged_pair()
        value = {"self": newer.pk, "missing": 999_999, "words": "older"}[into]

        response = client.post(merge_url(newer), {"into": value})

        assert response.status_code == 200
        assert response.context["form"].errors["into"]
        assert Item.objects.count() == 2

    @pytest.mark.parametrize("object_id", ["999999", "abc"])
    def test_an_unknown_item_is_not_found(self, client, editor, object_id):
        url = reverse("admin:articles_item_merge", args=[object_id])

        assert client.get(url).status_code == 404
        assert client.post(url, {"into": 1}).status_code == 404

    @pytest.mark.usefixtures("reader_cache")
    def test_readers_pages_are_dropped(
        self, client, editor, reader, django_capture_on_commit_callbacks
    ):
        older, newer = flagged_pair()
        pages = [older.get_absolute_url(), "/tags/korea/", "/tags/russia/", "/"]
        warm(reader, newer.get_absolute_url(), *pages)

        with django_capture_on_commit_callbacks(execute=True):
            client.post(merge_url(newer), {"into": older.pk})

        assert reader.get(newer.get_absolute_url()).status_code == 301
        assert_current(reader, *pages)


class TestUndo:
    def merged(self, client):
        older, newer = flagged_pair()
        newer_places = positions(newer)
        changes = set(ImportChange.objects.filter(item=newer).values_list("pk", flat=True))
        client.post(merge_url(newer), {"into": older.pk})
        return older, newer, newer_places, changes, ItemMerge.objects.get()

    def undo_url(self, merge):
        return reverse("admin:articles_item_undo_merge", args=[merge.pk])

    def test_an_undo_gives_both_back_as_they_were(self, client, editor, reader):
        older, newer, newer_places, changes, merge = self.merged(client)
        assert "undo" in client.get(reverse("admin:articles_item_change", args=[older.pk])).text

        response = client.post(self.undo_url(merge))

        assert response.status_code == 302
        restored = Item.objects.get(pk=newer.pk)
        assert (restored.slug, restored.title, restored.import_key) == (
            newer.slug,
            newer.title,
            newer.import_key,
        )
        assert positions(restored) == newer_places
        assert set(positions(older)) == {"Korea"}
        assert set(
            DigestEntry.objects.filter(item=restored).values_list("digest__name", flat=True)
        ) == {"second.txt"}
        assert (
            set(ImportChange.objects.filter(item=restored).values_list("pk", flat=True)) == changes
        )
        assert DuplicateCandidate.objects.open().get().item == restored
        assert not MergedImportKey.objects.exists()
        assert reader.get(newer.get_absolute_url()).status_code == 200
        assert restored.history.latest("history_id").history_type == "+"
        assert "undone" in older.history.latest("history_id").history_change_reason

    def test_long_titles_fit_the_histories_reasons(self, client, editor):
        """PostgreSQL refuses a reason over its column's 100 characters: the titles in them
        are shortened, what is said around them kept."""
        kept, removed = (make_item(f"{name} " + "very long headline " * 8) for name in "AB")
        client.post(merge_url(removed), {"into": kept.pk})
        client.post(self.undo_url(ItemMerge.objects.get()))

        reasons = list(
            Item.history.exclude(history_change_reason=None).values_list(
                "history_change_reason", flat=True
            )
        )
        assert len(reasons) == 4
        assert all(len(reason) <= REASON_LENGTH for reason in reasons)
        assert {reason.split("“")[0] for reason in reasons} == {
            "Merged into ",
            "Merged ",
            "Merge into ",
            "Merge of ",
        }
        assert all(
            reason.endswith(("” into it", "” undone", f"” (#{kept.pk})")) for reason in reasons
        )

    def test_an_undo_twice_is_refused(self, client, editor):
        *_, merge = self.merged(client)
        client.post(self.undo_url(merge))

        response = client.post(self.undo_url(merge))

        assert response.status_code == 200
        assert Item.objects.count() == 2

    def test_after_an_undo_a_new_import_updates_the_restored_item(self, client, editor):
        older, newer, *_, merge = self.merged(client)
        client.post(self.undo_url(merge))

        import_digest("again.txt", "Asia", story(MUST_FLAG[0][1]))

        assert "Asia" in positions(Item.objects.get(pk=newer.pk))
        assert "Asia" not in positions(older)
