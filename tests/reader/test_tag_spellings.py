"""One tag however it is written: an alias, a retired slug or another spelling of the name
answers a 301 to the tag's own URL, on its page, its feeds and the ``?tag=`` filters."""

import pytest

from articles import tag_services
from articles.models import Tag
from tests.factories import make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def korea(seeded):
    """The seeds' "North Korea", with the alias "DPRK" and the retired slug "the-north"."""
    tag = Tag.objects.get(name="North Korea")
    tag_services.add_alias(tag, "DPRK")
    tag.old_slugs.create(slug="the-north")
    make_item("Seoul votes", "South Korea")
    return tag


def assert_redirect(response, location):
    assert (response.status_code, response["Location"]) == (301, location)


@pytest.mark.parametrize("spelling", ["dprk", "DPRK", "North-Korea", "NORTH-korea", "the-north"])
def test_a_tag_page_answers_to_every_spelling(client, korea, spelling):
    assert_redirect(client.get(f"/tags/{spelling}/"), "/tags/north-korea/")


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/tags/North Korea/", "/tags/north-korea/"),
        ("/tags/north%20korea/?page=2", "/tags/north-korea/?page=2"),
        ("/tags/North Korea/feed/", "/tags/north-korea/feed/"),
        ("/tags/NORTH KOREA/atom/", "/tags/north-korea/atom/"),
        ("/tags/Россия/", "/tags/rossiya/"),
        ("/tags/%D0%A0%D0%BE%D1%81%D1%81%D0%B8%D1%8F/feed/", "/tags/rossiya/feed/"),
    ],
)
def test_a_tag_url_written_with_its_name_in_any_script_answers(client, korea, path, location):
    make_item("Moscow talks", "Россия")

    assert_redirect(client.get(path), location)


def test_a_name_no_tag_has_is_a_404(client, korea):
    assert client.get("/tags/Atlantis Ocean/").status_code == 404
    assert client.get("/tags/Атлантида/feed/").status_code == 404


def test_the_page_and_other_query_parameters_are_kept(client, korea):
    response = client.get("/tags/dprk/", {"page": "2", "order": "newest"})

    assert_redirect(response, "/tags/north-korea/?page=2&order=newest")
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("feed", ["feed", "atom"])
@pytest.mark.parametrize("spelling", ["dprk", "North-Korea", "the-north"])
def test_a_tags_feeds_answer_to_every_spelling(client, korea, feed, spelling):
    response = client.get(f"/tags/{spelling}/{feed}/")

    assert_redirect(response, f"/tags/north-korea/{feed}/")
    assert client.get(response["Location"]).status_code == 200


def test_the_current_slugs_feed_is_served_as_before(client, korea):
    assert client.get("/tags/north-korea/feed/").status_code == 200


@pytest.mark.parametrize("page", ["/search/", "/tags/south-korea/"])
@pytest.mark.parametrize("spelling", ["dprk", "North Korea", "the-north"])
def test_tag_filters_answer_to_every_spelling(client, korea, page, spelling):
    response = client.get(page, {"q": "korea", "tag": spelling, "page": "1"})

    assert response.status_code == 301
    assert response["Location"] == f"{page}?q=korea&tag=north-korea&page=1"


def test_a_filter_keeps_the_order_and_the_other_tags(client, korea):
    response = client.get("/search/?tag=south-korea&tag=dprk&order=oldest")

    assert_redirect(response, "/search/?tag=south-korea&tag=north-korea&order=oldest")


def test_an_unknown_tag_in_a_filter_is_still_a_400_once_the_others_are_spelled_right(client, korea):
    response = client.get("/search/", {"tag": ["dprk", "atlantis"]})
    assert_redirect(response, "/search/?tag=north-korea&tag=atlantis")

    response = client.get(response["Location"])
    assert response.status_code == 400
    assert "Expected a tag’s slug, found “atlantis”." in response.text
    assert client.get("/search/?tag=atlantis").status_code == 400


def test_an_unknown_tag_page_is_still_a_404(client, korea):
    assert client.get("/tags/atlantis/").status_code == 404
    assert client.get("/tags/atlantis/feed/").status_code == 404
