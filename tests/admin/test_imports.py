"""Importing from the admin (upload, preview, confirm), import runs, and undo."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Digest, ImportRun, Item, PendingUpload, Tag
from tests.factories import SEED_PAGE_1, SEED_PAGE_2, digest_text, make_user
from tests.pages import messages_of, run_command

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:articles_importrun_import")
CONFIRM = reverse("admin:articles_importrun_import_confirm")


def upload(name, data):
    return SimpleUploadedFile(name, data if isinstance(data, bytes) else data.encode())


def preview(client, *files, **fields):
    return client.post(IMPORT, {"files": list(files), "status": "published", **fields})


def confirm_data(page):
    """The hidden inputs of the preview's confirm form, as the browser would post them."""
    form = page.text[page.text.index(CONFIRM) :]
    data = {}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form):
        data.setdefault(name, []).append(value)
    return data


def table_state():
    return (Item.objects.count(), Tag.objects.count(), Digest.objects.count())


class TestUpload:
    def test_the_preview_reports_each_file_and_writes_nothing(self, client, importer):
        run_command("import_digests", str(SEED_PAGE_1))
        editor = make_user("editor", "Editors")
        edited = Item.objects.first()
        edited.title = "An editor's title"
        edited.mark_edited(editor)
        edited.save()
        changed_copy = SEED_PAGE_1.read_text().replace("will be", "would be", 1)
        before = table_state()

        page = preview(
            client,
            upload("001_page2.txt", SEED_PAGE_2.read_bytes()),
            upload("000_again.txt", changed_copy),
            upload("bad.txt", "Contents tagged with Asia\n\nno bullet here"),
        )

        assert page.status_code == 200
        text = page.text
        assert "Nothing has been written yet" in text
        rows = page.context["reports"]
        assert [(r["report"].name, r["created"], r["report"].status) for r in rows] == [
            ("001_page2.txt", 10, "imported"),
            ("000_again.txt", 0, "imported"),
            ("bad.txt", 0, "failed"),
        ]
        assert "bad.txt:3: expected" in text  # the error with its line number
        # The first item was retitled by an editor and changed on the wire: a conflict.
        assert [(o.title, o.line) for o in rows[1]["conflicts"]] == [
            ("Russian ambassador: North Korean workers could help to rebuild Donbas", 3)
        ]
        assert rows[1]["updated"] == 0
        assert "In all: 10 new" in text
        assert table_state() == before
        assert ImportRun.objects.count() == 1  # the command's run only: the dry run logs none

    def test_a_conflict_with_an_editors_change_is_shown(self, client, importer):
        data = digest_text("Asia", ("Story", ["Old.\u00a0…"]))
        page = preview(client, upload("a.txt", data))
        client.post(CONFIRM, confirm_data(page))
        item = Item.objects.get()
        item.mark_edited(importer)
        item.save()

        page = preview(client, upload("b.txt", digest_text("Asia", ("Story", ["New.\u00a0…"]))))

        assert "Story (line 3): editor's version kept" in page.text

    def test_confirm_imports_exactly_what_was_previewed(self, client, importer):
        page = preview(client, upload("000_a.txt", SEED_PAGE_1.read_bytes()))
        assert PendingUpload.objects.count() == 1

        response = client.post(CONFIRM, confirm_data(page), follow=True)

        run = ImportRun.objects.get()
        assert (run.origin, run.user, run.created, run.files_imported) == (
            "admin",
            importer,
            10,
            1,
        )
        assert Item.objects.published().count() == 10
        assert response.redirect_chain[-1][0] == reverse(
            "admin:articles_importrun_change", args=[run.pk]
        )
        assert messages_of(response) == [
            "Imported 1 file (1 imported, 0 unchanged, 0 skipped as already imported, "
            "0 failed); items: 10 created, 0 updated, 0 unchanged, 0 conflicts "
            "(editor's version kept); 0 warnings, 0 errors."
        ]
        assert not PendingUpload.objects.exists()

    def test_draft_status_is_carried_to_the_confirm(self, client, importer):
        page = preview(client, upload("000_a.txt", SEED_PAGE_1.read_bytes()), status="draft")

        client.post(CONFIRM, confirm_data(page))

        assert set(Item.objects.values_list("status", flat=True)) == {"draft"}

    def test_a_confirm_for_other_files_than_previewed_is_refused(self, client, importer):
        page = preview(client, upload("000_a.txt", SEED_PAGE_1.read_bytes()))
        data = confirm_data(page)
        PendingUpload.objects.update(data=digest_text("Changed", "X").encode())

        response = client.post(CONFIRM, data, follow=True)

        assert "found them gone or changed: upload them again" in response.text
        assert Item.objects.count() == 0
        response = client.post(CONFIRM, {**data, "sha256": ["0" * 64]}, follow=True)
        assert "found them gone or changed" in response.text

    @pytest.mark.parametrize(
        ("field", "value", "error"),
        [
            ("status", "archived", "Select a valid choice"),
            ("batch", "not-a-batch", "Enter a valid UUID"),
            ("sha256", "not-a-hash", "expected a sha256 in hex, found &#x27;not-a-hash&#x27;"),
            ("sha256", None, "This field is required"),
        ],
    )
    def test_a_confirm_the_form_refuses_is_a_400_that_writes_nothing(
        self, client, importer, field, value, error
    ):
        page = preview(client, upload("000_a.txt", SEED_PAGE_1.read_bytes()))
        data = confirm_data(page)
        data[field] = [value] if value is not None else []

        response = client.post(CONFIRM, data)

        assert response.status_code == 400
        assert error in response.text
        assert "Nothing was imported" in response.text
        assert (ImportRun.objects.count(), table_state()) == (0, (0, 0, 0))
        assert PendingUpload.objects.count() == 1  # the preview's files stay for a retry

    def test_another_users_upload_cannot_be_confirmed(self, client, importer):
        page = preview(client, upload("000_a.txt", SEED_PAGE_1.read_bytes()))
        data = confirm_data(page)
        client.force_login(make_user("other", "Importers"))

        client.post(CONFIRM, data)

        assert Item.objects.count() == 0

    def test_uploading_nothing_asks_for_files(self, client, importer):
        response = client.post(IMPORT, {"status": "published"})

        assert "This field is required" in response.text


class TestUploadLimits:
    """Too many files, too large a file, too many bytes in all: a clear form error, nothing
    staged, no run."""

    @staticmethod
    def assert_refused_whole(response, message):
        assert response.status_code == 200
        assert message in response.text
        assert "Nothing has been written yet" not in response.text  # no preview
        assert PendingUpload.objects.count() == 0
        assert ImportRun.objects.count() == 0
        assert Item.objects.count() == 0

    def test_too_many_files(self, client, importer, settings):
        settings.DIGEST_UPLOAD_MAX_FILES = 3
        files = [upload(f"00{n}_a.txt", digest_text("Asia", f"Story {n}")) for n in range(4)]

        response = preview(client, *files)

        self.assert_refused_whole(
            response,
            "expected at most 3 files in one upload, found 4: upload them in smaller batches",
        )

    def test_one_more_than_the_default_limit_is_a_form_error_not_djangos_400(
        self, client, importer, settings
    ):
        count = settings.DIGEST_UPLOAD_MAX_FILES + 1
        assert count <= settings.DATA_UPLOAD_MAX_NUMBER_FILES
        files = [upload(f"{n:03}_a.txt", digest_text("Asia", "A story")) for n in range(count)]

        response = preview(client, *files)

        self.assert_refused_whole(response, f"found {count}: upload them in smaller batches")

    def test_beyond_djangos_own_cap_the_request_is_refused_before_any_view(
        self, client, importer, settings
    ):
        settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
        files = [upload(f"00{n}_a.txt", digest_text("Asia", "A story")) for n in range(3)]

        response = preview(client, *files)

        assert response.status_code == 400
        assert PendingUpload.objects.count() == 0
        assert ImportRun.objects.count() == 0

    def test_a_file_too_large(self, client, importer, settings):
        small = digest_text("Asia", "Story")
        settings.DIGEST_MAX_BYTES = len(small.encode()) + 10
        large = digest_text("Asia", ("Story", ["A much longer teaser than allowed.\u00a0…"]))

        response = preview(client, upload("000_small.txt", small), upload("001_big.txt", large))

        size = len(large.encode())
        self.assert_refused_whole(
            response,
            f"001_big.txt: expected at most {settings.DIGEST_MAX_BYTES:,} bytes a file, "
            f"found {size:,}",
        )
        assert "000_small.txt" not in response.text

    def test_too_many_bytes_in_all(self, client, importer, settings):
        files = [digest_text("Asia", f"Story {n}") for n in range(3)]
        total = sum(len(text.encode()) for text in files)
        settings.DIGEST_UPLOAD_MAX_TOTAL_BYTES = total - 1

        response = preview(client, *(upload(f"00{n}_a.txt", t) for n, t in enumerate(files)))

        self.assert_refused_whole(
            response,
            f"expected at most {total - 1:,} bytes in one upload, found {total:,}: "
            "upload the files in smaller batches",
        )

    def test_the_form_states_the_limits(self, client, importer, settings):
        settings.DIGEST_UPLOAD_MAX_FILES = 7

        response = client.get(IMPORT)

        assert "at most 7, 2.0\xa0MB each, 20.0\xa0MB in all" in response.text

    def test_files_within_every_limit_are_previewed(self, client, importer, settings):
        settings.DIGEST_UPLOAD_MAX_FILES = 2
        text = digest_text("Asia", "Story")
        settings.DIGEST_MAX_BYTES = settings.DIGEST_UPLOAD_MAX_TOTAL_BYTES = len(text.encode())

        response = preview(client, upload("000_a.txt", text))

        assert "Nothing has been written yet" in response.text
        assert PendingUpload.objects.count() == 1


class TestRuns:
    def test_the_run_detail_lists_files_counts_warnings_and_items(self, client, importer):
        text = digest_text("Asia", "One", "Two", "one")  # "one" repeats "One": a warning
        page = preview(client, upload("000_a.txt", text))
        client.post(CONFIRM, confirm_data(page))
        run = ImportRun.objects.get()

        detail = client.get(reverse("admin:articles_importrun_change", args=[run.pk])).text

        assert "000_a.txt (Asia, page 1)" in detail
        assert "duplicate title" in detail
        for title in ("One", "Two"):
            assert f">{title}</a>" in detail
        assert "Item created" in detail
        assert "Undo this run" in detail
        listing = client.get(reverse("admin:articles_importrun_changelist")).text
        assert str(run) in listing and "Import digests" in listing

    def test_runs_are_read_only(self, client, importer):
        run_command("import_digests", str(SEED_PAGE_1))
        run = ImportRun.objects.get()

        detail = client.get(reverse("admin:articles_importrun_change", args=[run.pk]))
        client.post(reverse("admin:articles_importrun_change", args=[run.pk]), {"files": "99"})

        assert 'name="files"' not in detail.text
        assert ImportRun.objects.get().files == 1
        assert client.get(reverse("admin:articles_importrun_add")).status_code == 403
        delete = client.post(reverse("admin:articles_importrun_delete", args=[run.pk]))
        assert delete.status_code == 403


class TestUndo:
    def test_undo_shows_the_plan_then_keeps_edited_items(self, client, importer):
        run_command("import_digests", str(SEED_PAGE_1))
        run = ImportRun.objects.get()
        edited = Item.objects.first()
        edited.title = "Kept by the editor"
        edited.mark_edited(make_user("editor", "Editors"))
        edited.save()
        undo_url = reverse("admin:articles_importrun_undo", args=[run.pk])

        plan = client.get(undo_url).text
        assert "Remove 9 items it created" in plan
        assert "Keep 1 item changed since" in plan
        assert "Kept by the editor: edited by an editor since the import" in plan

        response = client.post(undo_url, follow=True)

        assert list(Item.objects.values_list("title", flat=True)) == ["Kept by the editor"]
        undo = ImportRun.objects.get(origin="undo")
        assert (undo.undo_of, undo.user, undo.removed, undo.kept) == (run, importer, 9, 1)
        assert messages_of(response) == [
            f"Undid {run}: 9 items removed, 0 items restored, 1 item kept (changed since)."
        ]
        assert "Item kept: edited since" in response.text
        again = client.post(undo_url, follow=True)
        assert "undone already" in again.text
