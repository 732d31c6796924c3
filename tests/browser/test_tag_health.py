"""An editor fixes a misspelt tag from the tag health page in a real Chromium: one click, the
merge's confirmation, back on the page with the merge done, then its undo from the message."""

import pytest

from articles.models import Item, TagMerge, TagUndo
from tests.browser.steps import log_in
from tests.factories import make_item, make_user, tag_names

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEALTH = "/admin/articles/tag/health/"


def test_an_editor_makes_a_misspelling_an_alias_then_undoes_it(page, console_errors):
    for n in range(3):
        make_item(f"Talks {n}", "Kim Jong-un")
    make_item("Misspelt", "Kim Jung-un")
    make_user("editor", "Editors")

    log_in(page, "editor", "/admin/articles/tag/")
    page.get_by_role("link", name="Tag health").click()
    group = page.locator(".tag-group")
    assert group.locator("caption").text_content() == "Spelt nearly the same"
    page.get_by_role("button", name="Make “Kim Jung-un” an alias of “Kim Jong-un”…").click()
    assert "1 item get “Kim Jong-un”" in page.locator("#merge-plan").inner_text()
    page.click("input[value='Yes, merge']")

    page.wait_for_url(f"**{HEALTH}")
    assert "Merged 1 tag into “Kim Jong-un”" in page.locator(".messagelist .success").inner_text()
    assert page.locator(".tag-group").count() == 0
    assert tag_names(Item.objects.get(title="Misspelt")) == ["Kim Jong-un"]
    assert TagMerge.objects.get().actor.username == "editor"

    page.locator(".messagelist .success").get_by_role("link", name="Undo").click()
    page.click("input[value='Yes, undo']")
    page.wait_for_selector(".messagelist .success")

    assert TagUndo.objects.get().actor.username == "editor"
    assert tag_names(Item.objects.get(title="Misspelt")) == ["Kim Jung-un"]
    page.goto(HEALTH)
    assert page.locator(".tag-group").count() == 1
    assert [(m.text, m.location) for m in console_errors] == []
