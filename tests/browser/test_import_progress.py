"""A background import watched in Chromium: the upload is queued, the run's page shows it
waiting, the worker runs it, and the page's counts move to done without a reload, under the
admin's Content-Security-Policy."""

import pytest

from articles.models import ImportRun, Item
from tests.browser.steps import log_in
from tests.browser.test_csp import RECORD_VIOLATIONS
from tests.factories import SEED_PAGE_1, make_user
from tests.pages import run_the_worker_once

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_upload_runs_in_the_background_and_its_page_follows_it(
    page, settings, tmp_path, console_errors
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    page.context.add_init_script(RECORD_VIOLATIONS)
    make_user("importer", "Importers")
    digest = tmp_path / "000_seed.txt"
    digest.write_bytes(SEED_PAGE_1.read_bytes())

    log_in(page, "importer", "/admin/articles/importrun/import/")
    page.set_input_files("#id_files", str(digest))
    page.click("input[value=Preview]")
    page.click("input[value='Import these files']")
    page.wait_for_selector(".messagelist .success")
    assert "Queued 1 file" in page.locator(".messagelist").inner_text()
    progress = page.locator("#import-progress")
    assert "Queued: 0 of 1 files done" in progress.inner_text()
    assert page.get_by_role("button", name="Cancel after the current file").is_visible()
    assert not Item.objects.exists()

    page.evaluate("window.__notReloaded = true")
    run_the_worker_once()

    page.wait_for_selector("#import-progress [data-progress-when=done]:not([hidden])")
    assert "Finished: 1 of 1 files done; items: 10 created, 0 updated" in progress.inner_text()
    assert page.locator("#import-progress progress").evaluate("bar => bar.value") == 1
    assert not page.get_by_role("button", name="Cancel after the current file").is_visible()
    assert page.evaluate("window.__notReloaded") is True  # the same page, updated in place
    assert ImportRun.objects.get().state == "finished"
    assert page.evaluate("window.__cspViolations") == []
    assert console_errors == []
