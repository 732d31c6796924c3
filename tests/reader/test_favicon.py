"""/favicon.ico: browsers ask for it when a page names no icon (digest.txt); it leads to the
icon the HTML pages link, never to a 404."""

import logging
import re
from pathlib import Path

import pytest
from django.conf import settings

from articles.reader.views import FAVICON
from tests.pages import collected_static, parse_strictly

pytestmark = pytest.mark.django_db

ICON = Path(settings.BASE_DIR) / "articles" / "static" / FAVICON
WEEK = 7 * 24 * 60 * 60


def linked_icon(client):
    [link] = parse_strictly(client.get("/").content).iterfind(".//head/link[@rel='icon']")
    assert link.get("type") == "image/svg+xml"
    return link.get("href")


def test_it_redirects_to_the_icon_the_pages_link_kept_a_week_and_logs_nothing(client, caplog):
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == linked_icon(client) == "/static/reader/favicon.svg"
    assert response["Cache-Control"] == f"public, max-age={WEEK}"
    assert [r for r in caplog.records if r.name == "django.request"] == []


def test_head_is_answered_and_a_post_refused(client):
    assert client.head("/favicon.ico").status_code == 302
    assert client.post("/favicon.ico").status_code == 405


def test_with_collected_static_files_it_leads_to_the_hashed_svg(client, tmp_path):
    with collected_static(tmp_path):
        redirect = client.get("/favicon.ico")
        icon = client.get("/favicon.ico", follow=True)
        linked = linked_icon(client)

    assert re.fullmatch(r"/static/reader/favicon\.[0-9a-f]{12}\.svg", redirect["Location"])
    assert redirect["Location"] == linked
    assert icon.redirect_chain == [(linked, 302)]
    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/svg+xml"
    assert "immutable" in icon["Cache-Control"]
    assert b"".join(icon.streaming_content) == ICON.read_bytes()
