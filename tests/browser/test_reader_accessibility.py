"""axe-core in Chromium: no serious or critical accessibility violations on the reader pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from articles.models import Item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}


def blocking_violations(page):
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} "
        f"at {[node['target'] for node in violation['nodes']]}"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("width", [1280, 375])
def test_home_tag_item_and_search_pages(page, console_errors, width, seeded):
    item = Item.objects.published().first()
    page.set_viewport_size({"width": width, "height": 900})

    found = {}
    for path in [
        "/",
        "/tags/",
        "/tags/north-korea/?page=2",
        item.get_absolute_url(),
        "/search/",
        "/search/?q=kim+jong",
    ]:
        page.goto(path)
        found[path] = blocking_violations(page)
    assert console_errors == []
    response = page.goto("/items/no-such-item/")
    found["404"] = blocking_violations(page)

    assert response.status == 404
    assert found == {path: [] for path in found}
