"""An editor opens a conflict in Chromium, sees the wire's words marked, takes them, and the
public page shows the wire's version."""

import pytest

from articles.models import Item
from tests.browser.steps import log_in
from tests.factories import import_digest, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_open_a_conflict_and_take_the_wires_version(page, console_errors):
    import_digest("a.txt", "Korea", ("Seoul talks resume", ["Talks resumed on Monday.\u00a0…"]))
    item = Item.objects.get()
    item.title = "Seoul talks resume (edited)"
    item.mark_edited(None)
    item.save()
    import_digest("b.txt", "Korea", ("Seoul talks resume", ["Talks resumed on Tuesday.\u00a0…"]))
    make_user("editor", "Editors")

    log_in(page, "editor", "/admin/articles/item/?conflict=open")
    page.get_by_role("link", name="Wire differs: compare").click()
    page.wait_for_selector("#conflict-diff")
    assert page.locator("#conflict-diff td.mine del").all_inner_texts() == [" (edited)", "Monday."]
    assert page.locator("#conflict-diff td.wire ins").all_inner_texts() == ["Tuesday."]

    page.get_by_role("button", name="Take the wire's").click()
    page.wait_for_selector(".messagelist .success")
    assert "took the wire's version" in page.locator(".messagelist").inner_text()

    page.goto(f"/items/{item.slug}/")
    assert page.get_by_text("Talks resumed on Tuesday.").is_visible()
    assert page.get_by_role("heading", name="Seoul talks resume", exact=True).is_visible()
    assert console_errors == []
