"""A reader in headless Chromium on the imported seeds: browse, read, search, on a phone."""

import pytest

from tests.factories import SEED_PAGE_1, SEED_PAGE_2, seed_titles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


def story_titles(page):
    return page.locator("main article h2 a").all_inner_texts()


def test_home_to_a_tag_to_page_2_to_an_item_to_its_tag(page, seeded, console_errors):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Latest news"
    # Our stylesheet is served and applied: the header is dark.
    header = page.locator(".site-header")
    assert header.evaluate("node => getComputedStyle(node).backgroundColor") == "rgb(20, 23, 28)"

    page.locator("main article").first.get_by_role("link", name="North Korea", exact=True).click()
    page.wait_for_url("**/tags/north-korea/")
    assert page.locator("h1").inner_text() == "Contents tagged with North Korea"
    assert story_titles(page) == seed_titles(SEED_PAGE_1)

    page.locator("nav.pagination a[rel=next]").click()
    page.wait_for_url("**/tags/north-korea/?page=2")
    titles = seed_titles(SEED_PAGE_2)
    assert story_titles(page) == titles

    page.get_by_role("link", name=titles[3], exact=True).click()
    page.wait_for_url("**/items/**")
    assert page.locator("h1").inner_text() == titles[3]
    assert page.locator("article header time").get_attribute("datetime")

    page.locator("article footer").get_by_role("link", name="North Korea", exact=True).click()
    page.wait_for_url("**/tags/north-korea/")
    assert page.title() == "Contents tagged with North Korea | Newsroom"
    assert console_errors == []


def test_a_tag_pages_digest_link_opens_that_page_as_the_wire_file(page, seeded, console_errors):
    page.goto("/tags/north-korea/?page=2")

    link = page.get_by_role("link", name="This page as a plain-text digest", exact=True)
    response = page.request.get(link.get_attribute("href"))
    link.click()
    page.wait_for_url("**/tags/north-korea/digest.txt?page=2")

    # Chromium shows the text as it is: the seed file, which the response holds byte for byte.
    assert response.body() == SEED_PAGE_2.read_bytes()
    assert page.locator("body").inner_text().startswith("Contents tagged with North Korea\n")
    # A text page names no icon: Chromium asks for /favicon.ico, a redirect to the site's.
    assert console_errors == []


def test_a_search_from_the_header_with_a_filter(page, seeded, console_errors):
    page.goto("/tags/north-korea/")

    page.get_by_role("searchbox", name="Search the news").fill("sanctions")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=sanctions")

    assert page.locator("h1").inner_text() == "Search results for “sanctions”"
    results = story_titles(page)
    assert "Kremlin: Russia will not recognize US sanctions against North Korea" in results
    assert page.locator("main article mark").count() >= len(results)

    page.get_by_label("Order").select_option("newest")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**order=newest**")
    newest = story_titles(page)
    page.get_by_label("Order").select_option("oldest")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**order=oldest**")
    assert sorted(newest) == sorted(results)
    assert story_titles(page) == list(reversed(newest))
    assert console_errors == []


def test_pages_fit_a_phone_screen_and_the_skip_link_comes_first(page, seeded, console_errors):
    page.set_viewport_size(PHONE)

    for path in ["/tags/north-korea/", "/", "/tags/", "/search/?q=putin"]:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path

    page.goto("/tags/north-korea/?page=2")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    assert console_errors == []
