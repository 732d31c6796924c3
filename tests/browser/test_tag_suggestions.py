"""An editor accepts a suggested tag on the item form, in a real Chromium: with JavaScript
the tag goes into the tags field (the editor's unsaved title stays), and is saved with it."""

import pytest

from articles.models import Item
from articles.tag_services import add_alias
from tests.browser.steps import log_in
from tests.factories import make_item, make_user, tag, tag_names

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_suggested_tag_is_added_to_the_field_then_saved(page, console_errors):
    korea = tag("North Korea")
    add_alias(korea, "Pyongyang")
    item = make_item("Pyongyang fires a missile", "Asia")
    make_user("editor", "Editors")

    log_in(page, "editor", f"/admin/articles/item/{item.pk}/change/")
    assert "“Pyongyang” → North Korea, by alias" in page.locator(".tag-suggestions").inner_text()
    page.fill("input[name=title]", "Pyongyang fires two missiles")
    page.get_by_role("button", name="Add “North Korea”").click()

    assert page.get_by_role("button", name="Added “North Korea”").is_disabled()
    assert "save the item to keep it" in page.locator("#tag-suggestions-status").inner_text()
    chosen = page.locator(".select2-selection__choice").all_inner_texts()
    assert any("North Korea" in one for one in chosen)
    assert tag_names(item) == ["Asia"]  # nothing saved yet

    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    item = Item.objects.get(pk=item.pk)
    assert item.title == "Pyongyang fires two missiles"
    assert tag_names(item) == ["Asia", "North Korea"]
    assert "None: no other tag" in page.locator(".field-suggested_tags").inner_text()
    assert [(m.text, m.location) for m in console_errors] == []
