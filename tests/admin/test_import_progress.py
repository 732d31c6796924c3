"""The run page of a background import: live progress (its JSON endpoint and script),
Cancel and Resume, and who may use them."""

from datetime import timedelta

import pytest
from django.urls import reverse

from articles.importing import DigestSource, queue_sources
from articles.models import ImportRun, Item, PendingUpload
from tests.admin.test_imports import CONFIRM, confirm_data, preview, upload
from tests.factories import SEED_PAGE_1, digest_text, logged_in, make_user
from tests.pages import messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(settings):
    """A run of two files queued with the database backend and no worker: it stays queued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    sources = [
        DigestSource(f"00{n}.txt", data=digest_text(tag, (f"{tag} story", ["T.\u00a0…"])).encode())
        for n, tag in enumerate(["Asia", "Europe"])
    ]
    return queue_sources(sources, status="published", force=False)


def url(name, run):
    return reverse(f"admin:articles_importrun_{name}", args=[run.pk])


def test_the_progress_endpoint_reports_files_done_of_total_and_the_counts(client, importer, queued):
    ImportRun.objects.filter(pk=queued.pk).update(
        state="running", files_imported=1, created=3, updated=2, conflicts=1, errors=["x: bad"]
    )

    response = client.get(url("progress", queued))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response.json() == {
        "run": queued.pk,
        "state": "running",
        "state_label": "Running",
        "active": True,
        "stalled": False,
        "files": {"total": 2, "done": 1, "imported": 1, "failed": 0},
        "items": {"created": 3, "updated": 2},
        "conflicts": 1,
        "errors": 1,
    }


def test_the_progress_endpoint_is_for_staff_who_may_see_runs(client, queued):
    progress = url("progress", queued)
    assert client.get(progress).status_code == 302  # anonymous: to the login page

    logged_in(client, "nobody")  # staff, in no group
    assert client.get(progress).status_code == 403

    reader = make_user("reader", "Importers")
    reader.is_staff = False
    reader.save()
    client.force_login(reader)
    assert client.get(progress).status_code == 302


def test_the_run_page_of_a_queued_run_polls_and_offers_cancel(client, importer, queued):
    page = client.get(url("change", queued)).content.decode()

    assert f'data-progress-url="{url("progress", queued)}"' in page
    assert '<progress max="2" value="0"></progress>' in page
    assert '<span data-progress="files_done">0</span> of' in page
    assert 'src="/static/articles/import_progress.js"' in page
    assert url("cancel", queued) in page
    assert url("resume", queued) not in page  # not stalled: its worker may be at it
    assert "Undo this run" not in page


def test_a_finished_run_page_does_not_poll(client, importer):
    run = queue_sources(
        [DigestSource("000.txt", data=SEED_PAGE_1.read_bytes())], status="published", force=False
    )

    page = client.get(url("change", run)).content.decode()

    assert 'data-progress-url=""' in page
    assert '<span data-progress="files_done">1</span> of' in page
    assert url("cancel", run) not in page


def test_cancel_is_a_post_that_drops_the_files_not_begun(client, importer, queued):
    assert client.get(url("cancel", queued)).status_code == 302
    assert ImportRun.objects.get().state == "queued"

    response = client.post(url("cancel", queued), follow=True)

    run = ImportRun.objects.get()
    assert (run.state, run.files_done) == ("cancelled", 0)
    assert not PendingUpload.objects.exists()
    assert messages_of(response) == [f"Cancelled {run}: 0 files done."]
    again = client.post(url("cancel", queued), follow=True)
    assert messages_of(again) == [
        "expected a queued or running background import to cancel, found it Cancelled"
    ]


def test_a_stalled_run_is_offered_resume_and_resumes(client, importer, queued, settings):
    ImportRun.objects.filter(pk=queued.pk).update(
        state="running", progress_at=queued.started_at - timedelta(hours=1)
    )
    assert url("resume", queued) in client.get(url("change", queued)).content.decode()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    response = client.post(url("resume", queued), follow=True)

    run = ImportRun.objects.get()
    assert (run.state, run.files_done, run.created) == ("finished", 2, 2)
    assert messages_of(response) == [f"Resumed {run}: 0 files to go."]


def test_only_importers_cancel_or_resume(client, editor, queued):
    assert client.post(url("cancel", queued)).status_code == 403
    assert client.post(url("resume", queued)).status_code == 403
    assert ImportRun.objects.get().state == "queued"
    assert url("cancel", queued) not in client.get(url("change", queued)).content.decode()


def test_confirming_an_upload_queues_it_and_opens_the_run_page(client, importer, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    page = preview(client, upload("000_a.txt", SEED_PAGE_1.read_bytes()))

    response = client.post(CONFIRM, confirm_data(page), follow=True)

    run = ImportRun.objects.get()
    assert (run.state, run.files, run.origin, run.user) == ("queued", 1, "admin", importer)
    assert not Item.objects.exists()  # nothing imported in the request
    assert response.redirect_chain[-1][0] == url("change", run)
    assert messages_of(response) == [
        "Queued 1 file: the import runs in the background, its progress shows here."
    ]
    # The same confirm again: those files are queued already.
    again = client.post(CONFIRM, confirm_data(page), follow=True)
    assert ImportRun.objects.count() == 1
    assert "found them gone or changed" in messages_of(again)[0]


def test_the_daily_clean_up_keeps_the_files_of_a_queued_run(client, importer, queued):
    PendingUpload.objects.update(uploaded_at=queued.started_at - timedelta(days=2))

    preview(client, upload("000_a.txt", SEED_PAGE_1.read_bytes()))

    assert queued.pending_files.count() == 2


def test_a_run_in_the_foreground_is_not_offered_cancel_or_resume(client, importer, settings):
    # Its command owns it (and records its counts at the end), even one killed long ago.
    run = ImportRun.objects.create(state="running", files=2)
    ImportRun.objects.filter(pk=run.pk).update(started_at=run.started_at - timedelta(days=1))

    page = client.get(url("change", run)).content.decode()

    assert url("cancel", run) not in page and url("resume", run) not in page
    assert client.post(url("cancel", run)).status_code == 302
    assert ImportRun.objects.get().state == "running"
