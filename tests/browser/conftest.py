"""Headless Chromium (Debian's) driven by Playwright against pytest-django's live server."""

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium keeps trying to reach Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session", autouse=True)
def _allow_sync_database_access_next_to_playwright():
    # Playwright's sync API runs an event loop in the test thread; Django would then refuse
    # ORM calls made by the test itself (fixtures, assertions) as "async unsafe".
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def console_errors():
    return []


@pytest.fixture
def page(browser, live_server, console_errors):
    """A fresh browser tab on the live server; console errors are collected for asserts."""
    context = browser.new_context(base_url=live_server.url)
    tab = context.new_page()
    tab.on("console", lambda message: message.type == "error" and console_errors.append(message))
    tab.on("pageerror", lambda error: console_errors.append(error))
    yield tab
    context.close()
