"""The API answers as its OpenAPI schema (/api/schema/) says, checked by schemathesis: each
operation with a few generated requests, derandomized (the same requests every run), over
a small archive. Every answer must be documented: its status, content type and body."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.factories import draft, make_item

pytestmark = pytest.mark.django_db


# Read through the application itself when the tests are collected: the schema view reads
# no database (schemathesis' lazy loader, from_fixture, does not run on pytest 9).
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def archive(db):
    # The WSGI handler closes the database connection at each request's end, as it should
    # between requests; the test's transaction lives on it (Django's test client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield stories()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def stories():
    make_item("Seoul talks", "Korea", "China")
    make_item("Moscow", "Russia")
    draft("Draft", "Korea")


@schema.parametrize()
@settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    # The archive is made once for the examples of a test, which only read it.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_as_its_schema_says(case, archive):
    # Every check but "a request the schema allows is accepted": no schema can say which tag
    # slugs exist or which cursors we signed, and those are 400s by design (tests/api).
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


def test_the_schema_documents_every_operation(client):
    document = client.get("/api/schema/").json()

    assert sorted(document["paths"]) == [
        "/api/items/",
        "/api/items/{slug}/",
        "/api/tags/",
        "/api/tags/{slug}/",
    ]
    names = {p["name"] for p in document["paths"]["/api/items/"]["get"]["parameters"]}
    assert names == {
        "tag",
        "published_after",
        "published_before",
        "q",
        "order",
        "cursor",
        "page_size",
    }
