"""An editor merges two tags in a real Chromium, then undoes it from the merge's record: the
public tag pages are as they were."""

import pytest

from articles import editing
from articles.models import Item, Tag, TagUndo
from tests.browser.steps import log_in
from tests.factories import SEEDS, make_user
from tests.pages import run_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def public_text(page, path):
    page.goto(path)
    return page.locator("main").inner_text()


def test_an_editor_merges_two_tags_then_undoes_it(page, console_errors):
    run_command("import_digests", str(SEEDS))
    regime = Tag.objects.create(name="Regime")
    chosen = Item.objects.order_by("pk").values_list("pk", flat=True)[3:6]
    editing.add_tag(Item.objects.filter(pk__in=list(chosen)), regime)
    make_user("editor", "Editors")
    before = {path: public_text(page, path) for path in ("/tags/north-korea/", "/tags/regime/")}

    log_in(page, "editor", "/admin/articles/tag/")
    for name in ("North Korea", "Regime"):
        page.get_by_role("row", name=name).get_by_role("checkbox").check()
    page.select_option("select[name=action]", "merge")
    page.click("button[name=index]")
    page.get_by_label("North Korea").check()
    page.click("input[value='Show what will happen']")
    page.click("input[value='Yes, merge']")
    page.wait_for_selector(".messagelist .success")
    assert not Tag.objects.filter(name="Regime").exists()

    page.goto("/admin/articles/tagmerge/")
    page.get_by_role("link", name="Undo…").click()
    assert "3 items get them back" in page.locator("#undo-plan").inner_text()
    page.click("input[value='Yes, undo']")
    page.wait_for_selector(".messagelist .success")

    assert TagUndo.objects.get().actor.username == "editor"
    after = {path: public_text(page, path) for path in before}
    assert after == before
    assert [(m.text, m.location) for m in console_errors] == []
