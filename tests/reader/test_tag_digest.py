"""/tags/<slug>/digest.txt?page=N: a tag's page as a digest, what export_digest writes.

The public digest is export_digest's default (what readers see): the byte-for-byte claim is
for that export. ``--include-drafts`` is the command's alone; the URL has no way to ask for it.
"""

import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Item, Tag
from articles.tag_services import add_alias, rename_tag
from tests.factories import (
    SEED_PAGE_1,
    SEED_PAGE_2,
    draft,
    make_item,
    numbered_stories,
    scheduled,
    tag,
)
from tests.pages import parse_strictly, run_command, texts

pytestmark = pytest.mark.django_db


def digest_url(slug, page=None):
    url = reverse("articles:tag_digest", kwargs={"slug": slug})
    return url if page is None else f"{url}?page={page}"


def exported(tag_name, *options):
    out, _ = run_command("export_digest", tag_name, *options)
    return out.encode("utf-8")


class TestSeeds:
    @pytest.mark.parametrize(("page", "seed"), [(1, SEED_PAGE_1), (2, SEED_PAGE_2)])
    def test_each_page_is_the_seed_file_and_the_export_byte_for_byte(
        self, client, seeded, page, seed
    ):
        response = client.get(digest_url("north-korea", page))

        assert response.status_code == 200
        assert response.content == seed.read_bytes()
        assert response.content == exported("North Korea", "--page", str(page))

    def test_plain_text_in_utf8_named_as_the_wire_names_the_page(self, client, seeded):
        response = client.get(digest_url("north-korea", 2))

        assert response["Content-Type"] == "text/plain; charset=utf-8"
        # 001: page 2; then the start of the file's sha256, as export_digests --all names it.
        name = f"001_{hashlib.sha256(SEED_PAGE_2.read_bytes()).hexdigest()[:16]}.txt"
        assert response["Content-Disposition"] == f'inline; filename="{name}"'
        assert response["X-Content-Type-Options"] == "nosniff"

    def test_public_caching_an_etag_and_304(self, client, seeded):
        response = client.get(digest_url("north-korea"))

        assert response["Cache-Control"] == "public, max-age=60"
        again = client.get(digest_url("north-korea"), headers={"if-none-match": response["ETag"]})
        assert again.status_code == 304


class TestPages:
    @pytest.fixture
    def korea(self):
        return numbered_stories("Korea", 25)

    def test_ten_items_a_page_in_the_tag_pages_order(self, client, korea):
        last = client.get(digest_url("korea", 3)).content.decode()

        assert last.startswith("Contents tagged with Korea\n\n  \u2022 Story 21\n")
        assert last.count("\u2022") == 5
        assert client.get(digest_url("korea")).content == exported("Korea")

    @pytest.mark.parametrize("page", ["4", "0", "-1", "abc", "1.5", "99999999999999999999"])
    def test_what_is_not_a_page_is_a_404_as_on_the_html_page(self, client, korea, page):
        html = client.get(reverse("articles:tag", kwargs={"slug": "korea"}), {"page": page})
        digest = client.get(digest_url("korea"), {"page": page})

        assert (digest.status_code, html.status_code) == (404, 404)

    @pytest.mark.parametrize(("page", "same_as"), [("", 1), ("last", 3), ("3", 3)])
    def test_an_empty_page_is_the_first_and_last_the_last(self, client, korea, page, same_as):
        html = client.get(reverse("articles:tag", kwargs={"slug": "korea"}), {"page": page})
        digest = client.get(digest_url("korea"), {"page": page})

        assert (digest.status_code, html.status_code) == (200, 200)
        assert digest.content == exported("Korea", "--page", str(same_as))

    @pytest.mark.parametrize("size", [12, 60])
    def test_the_query_count_does_not_grow_with_the_tag_or_the_page(
        self, client, size, django_assert_num_queries
    ):
        big = tag("Big")
        for number in range(size):
            make_item(f"Big story {number}", big)
            if number % 5 == 0:
                draft(f"Big draft {number}", big)
        # The tag, the count, the page of items.
        for page in (1, "last"):
            with django_assert_num_queries(3):
                assert client.get(digest_url("big", page)).status_code == 200


class TestOtherSpellings:
    def test_a_retired_slug_answers_301_keeping_the_page(self, client, seeded):
        rename_tag(Tag.objects.get(name="North Korea"), "DPRK")

        response = client.get(digest_url("north-korea", 2))

        assert response.status_code == 301
        assert response["Location"] == digest_url("dprk", 2)
        assert client.get(response["Location"]).content.startswith(b"Contents tagged with DPRK")

    def test_an_alias_and_the_name_answer_301_to_the_slug(self, client, seeded):
        add_alias(Tag.objects.get(name="North Korea"), "Pyongyang")

        for spelling in ["pyongyang", "North-Korea", "North%20Korea"]:
            response = client.get(f"/tags/{spelling}/digest.txt?page=2")
            assert response.status_code == 301, spelling
            assert response["Location"] == digest_url("north-korea", 2), spelling

    def test_an_unknown_tag_is_a_404(self, client):
        assert client.get(digest_url("atlantis")).status_code == 404
        assert client.get("/tags/Atlantis%20Rising/digest.txt").status_code == 404


class TestOnlyWhatReadersSee:
    def test_drafts_and_scheduled_items_are_left_out(self, client):
        korea = tag("Korea")
        make_item("Out now", korea)
        draft("Still a draft", korea)
        scheduled("Out tomorrow", korea)
        make_item("Withdrawn", korea, unpublish_at=timezone.now())

        text = client.get(digest_url("korea")).content.decode()

        only_item = "  \u2022 Out now\n\n    Teaser of Out now.\u00a0…"
        assert text == f"Contents tagged with Korea\n\n{only_item}"
        assert text.encode() == exported("Korea")
        assert "Still a draft" in exported("Korea", "--include-drafts").decode()
        assert client.get(digest_url("korea"), {"include_drafts": "1"}).content == text.encode()

    def test_a_tag_readers_have_no_item_of_is_a_404(self, client):
        draft("Secret", "Embargo")
        scheduled("Tomorrow", "Embargo")

        assert client.get(digest_url("embargo")).status_code == 404

    def test_a_page_the_format_cannot_carry_is_a_503_not_a_crash(self, client, seeded, caplog):
        first, second = Item.objects.for_tag(Tag.objects.get())[:2]
        Item.objects.filter(pk=second.pk).update(title=first.title)

        response = client.get(digest_url("north-korea"))

        assert response.status_code == 503
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert "North Korea, page 1: expected unique titles" in response.content.decode()
        assert "digest not served" in caplog.text
        assert client.get(digest_url("north-korea", 2)).status_code == 200


class TestTagPageLinksIt:
    def test_a_head_link_and_a_visible_link_to_this_pages_digest(self, client):
        for number in range(12):
            make_item(f"Story {number}", "Korea")

        for page, href in [(1, "/tags/korea/digest.txt"), (2, "/tags/korea/digest.txt?page=2")]:
            document = parse_strictly(client.get(f"/tags/korea/?page={page}").content)
            [head] = document.iterfind(".//head/link[@type='text/plain']")
            assert (head.get("rel"), head.get("href")) == ("alternate", href)
            assert head.get("title") == "Newsroom: Korea (digest)"
            [visible] = document.iterfind(".//aside//a[@type='text/plain']")
            assert visible.get("href") == href
            assert "".join(visible.itertext()) == "This page as a plain-text digest"

    def test_a_filtered_list_links_the_tags_first_page(self, client):
        for number in range(12):
            make_item(f"Story {number}", "Korea")

        document = parse_strictly(client.get("/tags/korea/?order=oldest&page=2").content)

        [visible] = document.iterfind(".//aside//a[@type='text/plain']")
        assert visible.get("href") == "/tags/korea/digest.txt"
        assert texts(document, ".//aside//a[@type='text/plain']") == ["Plain-text digest"]


class TestNoindexBelowThreeItems:
    ROBOTS = ".//head/meta[@name='robots']"

    def robots(self, client, url):
        document = parse_strictly(client.get(url).content)
        return [meta.get("content") for meta in document.iterfind(self.ROBOTS)]

    def test_two_published_items_are_noindex_follow_drafts_not_counted(self, client):
        make_item("One", "Korea")
        make_item("Two", "Korea")
        draft("Three, a draft", "Korea")
        scheduled("Three, tomorrow", "Korea")

        assert self.robots(client, "/tags/korea/") == ["noindex,follow"]
        assert self.robots(client, "/tags/korea/?order=oldest") == ["noindex,follow"]

    def test_three_published_items_are_indexed(self, client):
        for title in ["One", "Two", "Three"]:
            make_item(title, "Korea")

        assert self.robots(client, "/tags/korea/") == []
        assert self.robots(client, "/tags/korea/?published_after=2000-01-01") == []
