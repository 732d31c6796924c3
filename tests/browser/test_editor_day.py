"""An editor's day in a real Chromium: find, retitle, tag, publish, then an import keeps it;
a save without changes and a revert leave the public pages as they were."""

import re

import pytest

from articles.models import Item, Tag
from tests.browser.steps import log_in, pick_tag
from tests.factories import SEED_PAGE_1, digest_text, draft, make_item, make_user, seed_titles
from tests.pages import run_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORIGINAL = "Russian ambassador: North Korean workers could help to rebuild Donbas"
RETITLED = "North Korean workers may help rebuild Donbas, says envoy"


def test_an_editors_day(page, tmp_path, console_errors):
    run_command("import_digests", "--status", "draft", str(SEED_PAGE_1))
    Tag.objects.create(name="Climate change")
    make_user("editor", "Editors", "Importers")

    log_in(page, "editor", "/admin/articles/item/")

    # Find the item by search and open it.
    page.fill("#searchbar", "ambassador Donbas")
    page.press("#searchbar", "Enter")
    page.wait_for_url(re.compile(r".*\?q=ambassador"))
    page.get_by_role("link", name=ORIGINAL).click()
    page.wait_for_selector("#id_title")

    # Retitle it, add a tag through the autocomplete, publish it.
    page.fill("#id_title", RETITLED)
    pick_tag(page, "clim", "Climate change")
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    item = Item.objects.get(title=RETITLED)
    assert sorted(tag.name for tag in item.tags.all()) == ["Climate change", "North Korea"]
    assert item.edited_by.username == "editor"

    # The public tag page shows the new title.
    page.goto("/tags/climate-change/")
    assert page.get_by_role("heading", name=RETITLED).is_visible()

    # An import that carries the original title and a newer wire text keeps the editor's work.
    digest = tmp_path / "000_update.txt"
    digest.write_text(
        digest_text("North Korea", (ORIGINAL, ["A newer wire text.\u00a0…"])), encoding="utf-8"
    )
    page.goto("/admin/articles/importrun/import/")
    page.set_input_files("#id_files", str(digest))
    page.click("input[value=Preview]")
    preview = page.locator("#import-preview").inner_text()
    assert "editor's version kept" in preview
    page.click("input[value='Import these files']")
    page.wait_for_selector(".messagelist .success")
    assert "1 conflict (editor's version kept)" in page.locator(".messagelist").inner_text()

    page.goto("/tags/north-korea/")
    assert page.get_by_role("heading", name=RETITLED).is_visible()
    assert page.get_by_text(ORIGINAL).count() == 0
    item.refresh_from_db()
    assert (item.title, item.status) == (RETITLED, "published")
    assert "A newer wire text" not in item.teaser

    # Publish the whole page, then look at what readers see.
    page.goto("/admin/articles/item/")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist .success")
    before = public_texts(page)

    # Open an item in the middle of the page and save it without changing anything.
    middle = Item.objects.get(title=seed_titles(SEED_PAGE_1)[4])
    revisions = middle.history.count()
    page.goto(f"/admin/articles/item/{middle.pk}/change/")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert public_texts(page) == before
    assert middle.history.count() == revisions

    # Retitle it, then revert to the revision before from its history.
    page.goto(f"/admin/articles/item/{middle.pk}/change/")
    page.fill("#id_title", "A title that will not stay")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert public_texts(page) != before
    published = middle.history.filter(history_change_reason="Published").get()
    page.goto(f"/admin/articles/item/{middle.pk}/history/")
    page.click(f"a[href$='/history/{published.history_id}/']")
    page.click("input[name=_save][value=Revert]")
    page.wait_for_selector(".messagelist .success")
    assert public_texts(page) == before
    assert [(m.text, m.location) for m in console_errors] == []


def public_texts(page):
    """The text of the tag page and of the home page, as a new reader sees them (no cookie,
    nothing in the browser's cache: the editor's tab keeps public pages for a minute)."""
    reader = page.context.browser.new_context(base_url=page.url.split("/admin/")[0])
    tab = reader.new_page()
    texts = []
    for path in ("/tags/north-korea/", "/"):
        tab.goto(path)
        texts.append(tab.locator("main").inner_text())
    reader.close()
    return texts


def test_an_editor_previews_a_draft_sends_the_link_and_publishes_it(
    page, browser, live_server, console_errors
):
    make_item("Already out", "North Korea")
    item = draft("Summit date set", "North Korea")
    make_user("editor", "Editors")
    log_in(page, "editor", f"/admin/articles/item/{item.pk}/change/")

    # Preview opens in a tab of its own: the item and its tag's page, marked as a preview.
    with page.expect_popup() as opened:
        page.get_by_role("link", name="Preview").click()
    preview = opened.value
    preview.wait_for_load_state()
    assert preview.locator(".preview-banner").inner_text().startswith("Preview.")
    assert preview.get_by_role("heading", name="Summit date set").is_visible()
    preview.get_by_role("link", name="North Korea").last.click()
    preview.wait_for_selector(".preview-banner")
    assert preview.get_by_role("link", name="Summit date set").is_visible()
    link = preview.url

    # A colleague without an account opens the link.
    colleague = browser.new_context(base_url=live_server.url).new_page()
    assert colleague.goto(link).status == 200
    assert colleague.get_by_role("link", name="Summit date set").is_visible()
    assert colleague.goto(item.get_absolute_url()).status == 404  # not out yet

    # Publish it: the public page is there, the change form offers View on site again.
    page.select_option("#id_status", "published")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert page.get_by_role("link", name="View on site").is_visible()
    assert page.get_by_role("link", name="Preview").count() == 0
    assert colleague.goto(item.get_absolute_url()).status == 200
    colleague.context.close()
    assert [(m.text, m.location) for m in console_errors] == []
