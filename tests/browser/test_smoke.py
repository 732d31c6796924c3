"""The browser set-up itself: Chromium loads a page of ours without console errors."""

import pytest

from tests.helpers import SEEDS, run_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_lists_the_imported_seeds(page, live_server, console_errors):
    run_command("import_digests", str(SEEDS))

    page.goto("/")

    assert page.locator("h1").inner_text() == "Latest items"
    assert page.locator("main li a").count() >= 20
    assert console_errors == []
