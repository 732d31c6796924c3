"""/api/tags/ and /api/tags/<slug>/: tags readers can see, with their published items'
count; another spelling of a tag answers a 301, as its page does."""

import pytest

from articles.models import Tag
from articles.tag_services import add_alias, merge_tags, rename_tag
from tests.api.support import all_slugs, get_json, walk
from tests.factories import draft, make_item, scheduled, tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged():
    make_item("One", "Korea", "China")
    make_item("Two", "Korea")
    draft("Three", "Korea", "Drafts only")
    scheduled("Four", "Korea", "Later only")
    tag("Unused", description="No item at all.")


class TestList:
    def test_tags_with_published_items_by_slug_with_their_counts(self, client, tagged):
        data = get_json(client, "/api/tags/")

        assert data["next"] is None
        assert [(row["slug"], row["item_count"]) for row in data["results"]] == [
            ("china", 1),
            ("korea", 2),
        ]
        assert data["results"][1] == {
            "slug": "korea",
            "name": "Korea",
            "item_count": 2,
            "url": "http://testserver/tags/korea/",
            "api_url": "http://testserver/api/tags/korea/",
            "items_url": "http://testserver/api/items/?tag=korea",
        }

    def test_walked_by_cursor(self, client):
        for n in range(7):
            make_item(f"Story {n}", f"Tag {n}")

        pages = walk(client, "/api/tags/?page_size=3")

        assert [len(page) for page in pages] == [3, 3, 1]
        assert all_slugs(client, "/api/tags/?page_size=3") == [f"tag-{n}" for n in range(7)]


class TestDetail:
    def test_a_tag_with_its_description(self, client, tagged):
        korea = Tag.objects.get(name="Korea")
        korea.description = "The peninsula."
        korea.save()

        data = get_json(client, "/api/tags/korea/")

        assert data["item_count"] == 2 and data["description"] == "The peninsula."
        assert data["items_url"] == "http://testserver/api/items/?tag=korea"

    @pytest.mark.parametrize("slug", ["drafts-only", "later-only", "unused", "nowhere"])
    def test_a_tag_readers_cannot_see_is_a_404(self, client, tagged, slug):
        assert get_json(client, f"/api/tags/{slug}/", 404)["detail"]

    def test_a_retired_slug_answers_a_301(self, client, tagged):
        rename_tag(Tag.objects.get(name="Korea"), "South Korea")

        response = client.get("/api/tags/korea/")

        assert (response.status_code, response["Location"]) == (301, "/api/tags/south-korea/")

    def test_a_merged_tags_slug_answers_a_301_to_the_target(self, client, tagged):
        merge_tags(sources=[Tag.objects.get(name="China")], target=Tag.objects.get(name="Korea"))

        assert client.get("/api/tags/china/")["Location"] == "/api/tags/korea/"

    def test_an_alias_or_a_name_answers_a_301(self, client, tagged):
        add_alias(Tag.objects.get(name="Korea"), "DPRK")

        assert client.get("/api/tags/dprk/")["Location"] == "/api/tags/korea/"
        assert client.get("/api/tags/DPRK/")["Location"] == "/api/tags/korea/"
        assert client.get("/api/tags/%D0%9A%D0%BE%D1%80%D0%B5%D1%8F/").status_code == 404

    def test_a_name_in_another_script_answers_a_301(self, client):
        make_item("Moscow", "Россия")

        assert client.get("/api/tags/Россия/")["Location"] == "/api/tags/rossiya/"


def test_an_unknown_spelling_or_url_is_a_json_404(client):
    for url in ["/api/tags/Nowhere%20Land/", "/api/items/not%20a%20slug/", "/api/nothing/"]:
        response = client.get(url)
        assert (response.status_code, response["Content-Type"]) == (404, "application/json")
        assert response.json()["detail"]
