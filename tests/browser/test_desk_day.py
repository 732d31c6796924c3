"""One editor's day at the desk, in Chromium, from the dashboard: upload a batch of digests,
watch it import in the background on the run's page, open the conflict it brought, take the
wire's version, preview a draft the batch brought and publish it."""

import pytest

from articles.models import Item
from tests.browser.steps import log_in
from tests.factories import import_digest, make_user, write_digest
from tests.pages import run_the_worker_once

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDITED = "Seoul talks resume (edited)"
DRAFT = "Summit date set for June"


def test_a_day_at_the_desk(page, browser, live_server, settings, tmp_path, console_errors):
    # The queue in the database, run by the worker when the test says (tests run tasks at once).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    import_digest("000_korea.txt", "Korea", ("Seoul talks resume", ["Talks resumed on Monday."]))
    edited = Item.objects.get()
    edited.title = EDITED
    edited.mark_edited(None)
    edited.save()
    make_user("editor", "Editors", "Importers")
    batch = [
        write_digest(
            tmp_path,
            "001_korea.txt",
            "Korea",
            ("Seoul talks resume", ["Talks resumed on Tuesday."]),
            (DRAFT, ["The leaders will meet in June."]),
        ),
        write_digest(tmp_path, "002_japan.txt", "Japan", "Tokyo rate decision", "Osaka expo"),
    ]

    # Upload the batch as drafts: the preview says what will happen before anything is written.
    log_in(page, "editor", "/admin/")
    page.get_by_role("link", name="Last import runs").click()
    page.get_by_role("link", name="Import digests").click()
    page.set_input_files("#id_files", [str(path) for path in batch])
    page.select_option("#id_status", "draft")
    page.click("input[value=Preview]")
    preview = page.locator("#import-preview").inner_text()
    assert "Seoul talks resume (line" in preview and "editor's version kept" in preview
    assert Item.objects.count() == 1
    page.click("input[value='Import these files']")

    # The batch is queued; its run's page follows the worker without a reload.
    page.wait_for_selector(".messagelist .success")
    progress = page.locator("#import-progress")
    assert "Queued: 0 of 2 files done" in progress.inner_text()
    assert page.get_by_role("button", name="Cancel after the current file").is_visible()
    assert Item.objects.count() == 1
    page.evaluate("window.notReloaded = true")
    run_the_worker_once()
    page.wait_for_selector("#import-progress [data-progress-when=done]:not([hidden])")
    assert (
        "Finished: 2 of 2 files done; items: 3 created, 0 updated, 1 conflicts; 0 errors."
        in progress.inner_text()
    )
    assert page.evaluate("window.notReloaded") is True
    assert not page.get_by_role("button", name="Cancel after the current file").is_visible()
    assert Item.objects.count() == 4

    # The dashboard counts the run's conflict and the drafts; the conflict opens from there.
    page.goto("/admin/")
    runs = page.locator("#desk-runs tbody tr")
    assert runs.count() == 2
    assert "2 of 2" in runs.first.inner_text()
    runs.first.get_by_role("link", name="1", exact=True).click()
    page.get_by_role("link", name="Wire differs: compare").click()
    page.wait_for_selector("#conflict-diff")
    assert page.locator("#conflict-diff td.wire ins").all_inner_texts() == ["Tuesday."]
    page.get_by_role("button", name="Take the wire's").click()
    page.wait_for_selector(".messagelist .success")
    edited.refresh_from_db()
    assert (edited.title, edited.teaser) == ("Seoul talks resume", "Talks resumed on Tuesday.")

    # Preview a draft of the batch, then publish it.
    page.goto("/admin/")
    page.locator(".desk-panel", has_text="Drafts waiting").get_by_role("link", name=DRAFT).click()
    page.wait_for_selector("#id_title")
    with page.expect_popup() as opened:
        page.get_by_role("link", name="Preview").click()
    previewed = opened.value
    previewed.wait_for_load_state()
    assert previewed.locator(".preview-banner").inner_text().startswith("Preview.")
    assert previewed.get_by_role("heading", name=DRAFT).is_visible()
    previewed.close()

    draft = Item.objects.get(title=DRAFT)
    reader = browser.new_context(base_url=live_server.url).new_page()
    assert reader.goto(draft.get_absolute_url()).status == 404
    page.select_option("#id_status", "published")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert reader.goto(draft.get_absolute_url()).status == 200
    assert reader.get_by_role("heading", name=DRAFT).is_visible()
    reader.goto("/tags/korea/")
    assert reader.get_by_role("link", name=DRAFT).is_visible()
    assert reader.get_by_role("link", name="Seoul talks resume", exact=True).is_visible()
    reader.context.close()
    assert [(m.text, m.location) for m in console_errors] == []
