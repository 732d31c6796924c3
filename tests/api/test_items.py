"""/api/items/ and /api/items/<slug>/: published items only, the public pages' filters,
and clear 400s for bad parameters."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.editing import unpublish_items
from articles.models import Item, ItemOldSlug
from articles.tag_services import add_alias
from tests.api.support import all_slugs, get_json
from tests.factories import HOUR, draft, make_item, scheduled, tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden():
    """A draft, a scheduled item and an unpublished one, all under Korea."""
    make_item("Gone", "Korea", ago=3 * HOUR)
    unpublish_items(Item.objects.filter(slug="gone"))
    return [
        draft("Draft", "Korea"),
        scheduled("Scheduled", "Korea"),
        Item.objects.get(slug="gone"),
    ]


class TestOnlyPublished:
    def test_the_list_never_shows_drafts_scheduled_or_unpublished_items(self, client, hidden):
        make_item("Seen", "Korea")

        assert all_slugs(client, "/api/items/") == ["seen"]
        assert all_slugs(client, "/api/items/?tag=korea") == ["seen"]
        assert all_slugs(client, "/api/items/?q=draft") == []
        assert all_slugs(client, "/api/items/?order=oldest") == ["seen"]

    def test_hidden_items_are_404s(self, client, hidden):
        for item in hidden:
            assert get_json(client, f"/api/items/{item.slug}/", 404)["detail"]

    def test_a_tag_of_drafts_only_is_not_a_filter(self, client):
        make_item("Seen", "Korea")
        draft("Secret", "Secret tag")

        assert "tag" in get_json(client, "/api/items/?tag=secret-tag", 400)


class TestItem:
    def test_what_an_item_shows(self, client):
        item = make_item(
            "Talks resume", "Korea", "China", teaser="First.\n\nSecond\u00a0\u2026", ago=HOUR
        )

        data = get_json(client, "/api/items/talks-resume/")

        assert data == {
            "slug": "talks-resume",
            "title": "Talks resume",
            "teaser": ["First.", "Second\u00a0\u2026"],
            "truncated": True,
            "published_at": item.published_at.isoformat().replace("+00:00", "Z"),
            "tags": [{"slug": "china", "name": "China"}, {"slug": "korea", "name": "Korea"}],
            "url": "http://testserver/items/talks-resume/",
            "api_url": "http://testserver/api/items/talks-resume/",
        }

    def test_a_slug_the_item_had_answers_a_301(self, client):
        item = make_item("Talks resume", "Korea")
        ItemOldSlug.objects.create(slug="old-talks", item=item)

        response = client.get("/api/items/old-talks/?x=1")

        assert (response.status_code, response["Location"]) == (
            301,
            "/api/items/talks-resume/?x=1",
        )

    def test_an_old_slug_of_a_draft_is_a_404(self, client):
        ItemOldSlug.objects.create(slug="old-draft", item=draft("Draft"))

        assert client.get("/api/items/old-draft/").status_code == 404


@pytest.fixture
def stories():
    now = timezone.now()
    day = timedelta(days=1)
    make_item("Korea talks", "Korea", published_at=now - 10 * day)
    make_item("Korea and China", "Korea", "China", published_at=now - 5 * day)
    make_item("China trade", "China", published_at=now - 2 * day)
    make_item("Russia", "Russia", published_at=now - day)
    return now


class TestFilters:
    def test_one_tag(self, client, stories):
        assert all_slugs(client, "/api/items/?tag=korea") == ["korea-and-china", "korea-talks"]

    def test_several_tags_all_of_them(self, client, stories):
        assert all_slugs(client, "/api/items/?tag=korea&tag=china") == ["korea-and-china"]

    def test_a_date_range_both_days_included(self, client, stories):
        start = (stories - timedelta(days=5)).date().isoformat()
        end = (stories - timedelta(days=2)).date().isoformat()

        url = f"/api/items/?published_after={start}&published_before={end}"

        assert all_slugs(client, url) == ["china-trade", "korea-and-china"]

    def test_a_search_query(self, client, stories):
        assert all_slugs(client, "/api/items/?q=china") == ["china-trade", "korea-and-china"]
        assert all_slugs(client, "/api/items/?q=china+-trade") == ["korea-and-china"]

    def test_filters_together_oldest_first(self, client, stories):
        url = "/api/items/?q=korea&tag=korea&order=oldest"

        assert all_slugs(client, url) == ["korea-talks", "korea-and-china"]

    def test_the_newest_first_by_default(self, client, stories):
        assert all_slugs(client, "/api/items/") == [
            "russia",
            "china-trade",
            "korea-and-china",
            "korea-talks",
        ]

    def test_a_tags_other_spelling_answers_a_301_to_its_slug(self, client, stories):
        add_alias(tag("Korea"), "DPRK")

        response = client.get("/api/items/?tag=dprk&tag=china")

        assert response.status_code == 301
        assert response["Location"] == "/api/items/?tag=korea&tag=china"

    @pytest.mark.parametrize(
        ("query", "parameter", "message"),
        [
            ("tag=nowhere", "tag", "Expected a tag’s slug, found “nowhere”."),
            ("tag=a&tag=b&tag=c&tag=d&tag=e&tag=f", "tag", None),
            ("published_after=2024-02-30", "published_after", "Enter a valid date."),
            ("published_after=2024-03-02&published_before=2024-03-01", "__all__", None),
            ("q=" + "x" * 201, "q", None),
            ("order=relevance", "order", None),
            ("page_size=101", "page_size", None),
            ("page_size=%C2%B2", "page_size", None),
            ("page_size=-1", "page_size", None),
            ("cursor=nonsense", "cursor", None),
        ],
    )
    def test_a_bad_parameter_is_a_400_naming_it(self, client, stories, query, parameter, message):
        response = client.get(f"/api/items/?{query}")

        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        errors = response.json()[parameter]
        assert errors and all(isinstance(error, str) and error for error in errors)
        if message is not None:
            assert errors == [message]

    def test_empty_dates_query_and_order_are_not_given(self, client, stories):
        url = "/api/items/?published_after=&published_before=&q=&order="

        assert len(all_slugs(client, url)) == 4
        assert get_json(client, "/api/items/?tag=", 400)["tag"]

    def test_the_schema_says_which_filters_may_be_empty(self, client):
        parameters = client.get("/api/schema/").json()["paths"]["/api/items/"]["get"]["parameters"]
        empty = {p["name"] for p in parameters if p.get("allowEmptyValue")}

        assert empty == {"published_after", "published_before", "q", "order"}

    def test_unknown_parameters_are_ignored(self, client, stories):
        assert len(all_slugs(client, "/api/items/?colour=red")) == 4


def test_json_whatever_the_accept_header(client):
    make_item("Seen", "Korea")
    for accept in ["text/html", "application/xml", "*/*"]:
        response = client.get("/api/items/", headers={"accept": accept})
        assert (response.status_code, response["Content-Type"]) == (200, "application/json")
        assert "Vary" not in response.headers or "Accept" not in response["Vary"]
