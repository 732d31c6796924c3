"""The site's icon in Chromium: an HTML page loads the one it links, a text page (digest.txt,
which can link none) gets it through /favicon.ico; no 404 is logged, nothing in the console."""

import logging
import time

import pytest
from django.core.signals import request_started

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ICON = "/static/reader/favicon.svg"


@pytest.fixture
def requested():
    """The paths the live server is asked for, in order (the browser's own favicon requests
    included, which Playwright does not report)."""
    paths = []

    def record(sender, environ, **kwargs):
        paths.append(environ["PATH_INFO"])

    request_started.connect(record)
    yield paths
    request_started.disconnect(record)


def wait_for(paths, path, seconds=10):
    """Chromium asks for the icon after the page has loaded, in its own time."""
    deadline = time.monotonic() + seconds
    while path not in paths:
        assert time.monotonic() < deadline, f"{path} was never requested: {paths}"
        time.sleep(0.05)


@pytest.mark.parametrize(
    ("path", "asked"),
    [
        # An HTML page names the icon: Chromium asks for it and not for /favicon.ico.
        ("/tags/north-korea/", ["/tags/north-korea/", "/static/reader/site.css", ICON]),
        ("/tags/north-korea/digest.txt", ["/tags/north-korea/digest.txt", "/favicon.ico", ICON]),
    ],
)
def test_a_page_gets_the_icon_without_a_404(
    page, seeded, requested, console_errors, caplog, path, asked
):
    caplog.set_level(logging.INFO, logger="django.request")

    page.goto(path)
    wait_for(requested, ICON)

    assert requested == asked
    assert [r.getMessage() for r in caplog.records if r.name == "django.request"] == []
    assert console_errors == []
