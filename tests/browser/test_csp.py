"""The Content-Security-Policy in Chromium: no page a reader or an editor opens breaks it."""

import pytest

from articles import previews
from articles.models import ImportRun, Item, Tag
from tests.browser.steps import log_in, pick_tag
from tests.factories import SEED_PAGE_1, draft, make_item, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any script of the page (DevTools, so the policy does not apply to it) and keeps
# every violation the browser reports, with what was blocked and where.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile || event.documentURI}:${event.lineNumber} ${event.sample}`
  );
});
"""


@pytest.fixture
def watched(page):
    """The tab, recording the CSP violations each page reports (see violations)."""
    page.context.add_init_script(RECORD_VIOLATIONS)
    return page


def violations(page):
    return page.evaluate("window.__cspViolations")


def visit(page, path, found):
    """Open path (a 200 with our policy) and note its violations in found."""
    response = page.goto(path)
    assert response.status == 200, path
    assert "script-src 'self'" in response.headers["content-security-policy"]
    found[path] = violations(page)
    return response


def test_public_pages_load_everything_under_the_strict_policy(watched, seeded, console_errors):
    item = Item.objects.published().first()
    found = {}
    for path in [
        "/",
        "/tags/",
        "/tags/north-korea/",
        "/tags/north-korea/?page=2",
        item.get_absolute_url(),
        "/search/?q=sanctions&order=newest",
    ]:
        response = visit(watched, path, found)
        policy = response.headers["content-security-policy"]
        assert "'unsafe-inline'" not in policy and "'unsafe-hashes'" not in policy
        # The stylesheet was allowed and applied: the header is dark.
        header = watched.locator(".site-header")
        assert header.evaluate("node => getComputedStyle(node).backgroundColor") == (
            "rgb(20, 23, 28)"
        )

    assert found == {path: [] for path in found}
    assert console_errors == []


def test_the_admin_pages_an_editor_uses_work_under_the_policy(
    watched, tmp_path, console_errors, seeded
):
    page = watched
    Tag.objects.create(name="Climate change")
    make_user("editor", "Editors", "Importers")
    item = Item.objects.for_tag(Tag.objects.get(name="North Korea")).first()
    found = {}

    visit(page, "/admin/login/", found)
    log_in(page, "editor", "/admin/articles/item/")
    found["item list"] = violations(page)
    # The changelist's scripts ran: ticking an item counts it.
    page.locator("input.action-select").first.check()
    assert "1 of" in page.locator(".action-counter").inner_text()

    # The change form: the tag autocomplete (select2) finds a tag and adds it.
    visit(page, f"/admin/articles/item/{item.pk}/change/", found)
    pick_tag(page, "clim", "Climate change")
    page.fill("#id_title", "A retitled story")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    found["item saved"] = violations(page)
    item.refresh_from_db()
    assert sorted(tag.name for tag in item.tags.all()) == ["Climate change", "North Korea"]

    # History (django-simple-history's list) and the comparison of two revisions.
    visit(page, f"/admin/articles/item/{item.pk}/history/", found)
    page.click("#compare-revisions input[type=submit]")
    page.wait_for_selector("#revision-changes")
    found["compare"] = violations(page)
    cell = page.locator("#revision-changes td.revision-text").first
    assert cell.evaluate("node => getComputedStyle(node).whiteSpace") == "pre-wrap"

    # The import page: upload, preview, confirm.
    digest = tmp_path / "000_again.txt"
    digest.write_bytes(SEED_PAGE_1.read_bytes())
    visit(page, "/admin/articles/importrun/import/", found)
    page.set_input_files("#id_files", str(digest))
    page.click("input[value=Preview]")
    page.wait_for_selector("#import-preview")
    found["preview"] = violations(page)
    page.click("input[value='Import these files']")
    page.wait_for_selector(".messagelist .success")
    found["import run"] = violations(page)

    visit(page, "/admin/articles/tag/", found)

    assert found == {path: [] for path in found}
    assert console_errors == []


def test_a_preview_loads_under_the_strict_policy_with_its_banner_styled(watched, console_errors):
    make_item("Published", "Korea")
    item = draft("A draft", "Korea")
    token = previews.preview_token(item)
    found = {}
    for path in [previews.preview_url(item), previews.preview_tag_url(token, item.tags.get())]:
        visit(watched, path, found)
        banner = watched.locator(".preview-banner")
        assert banner.inner_text().startswith("Preview.")
        # Its stylesheet was allowed and applied (no inline style): the border is dashed.
        assert banner.evaluate("node => getComputedStyle(node).borderTopStyle") == "dashed"

    assert found == {path: [] for path in found}
    assert console_errors == []


def test_a_chief_editor_gives_groups_under_the_policy(watched, console_errors):
    page = watched
    make_user("chief", "Chief editors")
    staffer = make_user("staffer", "Editors")
    found = {}

    visit(page, "/admin/login/", found)
    log_in(page, "chief", "/admin/auth/user/")
    found["user list"] = violations(page)
    visit(page, f"/admin/auth/user/{staffer.pk}/change/", found)
    # The two-box group chooser (SelectFilter2) ran: choose "Importers", move it, save.
    page.select_option("#id_groups_from", label="Importers")
    page.click("#id_groups_add")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    found["user saved"] = violations(page)
    visit(page, "/admin/password_change/", found)

    assert sorted(staffer.groups.values_list("name", flat=True)) == ["Editors", "Importers"]
    assert found == {path: [] for path in found}
    assert console_errors == []


def test_the_dashboard_loads_under_the_policy_with_its_styles(watched, console_errors, seeded):
    make_user("editor", "Editors", "Importers")
    draft("A draft", "Korea")
    ImportRun.objects.update(files_failed=1, files_imported=0)
    found = {}

    log_in(watched, "editor", "/admin/")
    found["dashboard"] = violations(watched)

    outcome = watched.locator("#desk-runs .desk-outcome").first
    assert outcome.inner_text() == "failed"
    assert outcome.evaluate("node => getComputedStyle(node).fontWeight") == "700"
    assert "Drafts waiting: 1" in watched.locator("#desk").inner_text()
    assert found == {"dashboard": []}
    assert console_errors == []
