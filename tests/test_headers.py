"""Security headers on every response: a public page and an admin page (newsroom/middleware.py)."""

import pytest
from django.conf import settings

from articles.models import ImportRun

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(response):
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def assert_common_headers(response):
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Permissions-Policy"] == settings.PERMISSIONS_POLICY
    assert "camera=()" in response.headers["Permissions-Policy"]


@pytest.mark.parametrize(
    "path",
    ["/", "/tags/north-korea/", "/search/?q=kim", "/feed/", "/tags/north-korea/digest.txt"],
)
def test_public_pages_get_the_strict_policy_and_the_headers(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert directives(response) == STRICT
    assert_common_headers(response)


def test_error_pages_get_them_too(client):
    response = client.get("/tags/atlantis/")

    assert response.status_code == 404
    assert directives(response) == STRICT
    assert_common_headers(response)


@pytest.mark.parametrize(
    ("path", "as_editor"),
    [("/admin/login/", False), ("/admin/articles/item/", True), ("/admin/", True)],
)
def test_admin_pages_add_only_the_one_hashed_style_attribute(client, request, path, as_editor):
    if as_editor:
        request.getfixturevalue("editor")
    response = client.get(path)

    assert response.status_code == 200
    found = directives(response)
    assert found.pop("style-src-attr") == (
        "'unsafe-hashes' 'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"
    )
    assert found == STRICT
    assert_common_headers(response)


def test_an_import_runs_page_with_live_progress_keeps_the_admin_policy(client, importer):
    # The run page polls its progress with a script file of ours: no inline script allowed.
    run = ImportRun.objects.create(state=ImportRun.State.RUNNING, files=2, background=True)
    response = client.get(f"/admin/articles/importrun/{run.pk}/change/")

    assert response.status_code == 200
    assert b"/static/articles/import_progress.js" in response.content
    assert b"<script>" not in response.content and b" onclick=" not in response.content
    found = directives(response)
    found.pop("style-src-attr")
    assert found == STRICT
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
