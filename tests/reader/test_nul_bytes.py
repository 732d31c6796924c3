"""A NUL in a URL's tag or query is bad input, a 400 or a 404: PostgreSQL's text cannot hold
one, and the lookup itself failed (a 500) before."""

import pytest

from tests.factories import make_item

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/search/?tag=korea%00x", 400),
        ("/search/?q=kim%00", 400),
        ("/api/items/?tag=korea%00x", 400),
        ("/api/items/?tag=&tag=W%C2%A8%1D%C3%A6%00&q=default", 400),
        ("/api/items/?q=kim%00", 400),
        ("/tags/korea%00x/", 404),
        ("/tags/korea%00x/digest.txt", 404),
        ("/api/tags/korea%00x/", 404),
    ],
)
def test_a_nul_is_refused(client, url, status):
    make_item("Kim visits Seoul", "Korea")

    assert client.get(url).status_code == status
