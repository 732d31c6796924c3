"""Preview links (articles/previews.py, articles/reader/preview.py): an item readers cannot
see yet, on its page and its tags' pages, from a signed, expiring link that needs no account."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import previews
from articles.models import Item
from tests.factories import HOUR, draft, make_item, scheduled
from tests.pages import clock_at, parse_strictly, texts, titles_on
from tests.reader.cache_support import reader_cache_fixture  # noqa: F401
from tests.test_headers import STRICT, directives

pytestmark = pytest.mark.django_db

BANNER = ".//main/div[@class='preview-banner']"


def reader():
    return Client()  # no account, no session


def change_form_preview_link(client, item):
    response = client.get(reverse("admin:articles_item_change", args=[item.pk]))
    assert response.status_code == 200
    links = re.findall(r'<a href="(/preview/[^"]+)"[^>]*>Preview</a>', response.content.decode())
    return links[0] if links else None


def assert_is_a_preview(response):
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    document = parse_strictly(response.content)
    [robots] = document.iterfind(".//head/meta[@name='robots']")
    assert robots.get("content") == "noindex, nofollow"
    [banner] = texts(document, BANNER)
    assert banner.startswith("Preview.")
    return document, banner


class TestTheLink:
    def test_a_drafts_change_form_links_to_a_preview_that_works_without_an_account(
        self, client, editor
    ):
        item = draft("Secret summit", "Korea", teaser="First.\n\nSecond\u00a0…")

        url = change_form_preview_link(client, item)
        response = reader().get(url)

        document, banner = assert_is_a_preview(response)
        assert texts(document, ".//h1") == ["Secret summit"]
        assert texts(document, ".//article/div/p") == ["First.", "Second\u00a0…"]
        assert "it is a draft" in banner
        assert reader().get(item.get_absolute_url()).status_code == 404

    def test_a_scheduled_items_preview_says_when_it_comes_out(self, client, editor):
        item = scheduled("Tomorrow's story", "Korea", ahead=24 * HOUR)

        response = reader().get(change_form_preview_link(client, item))

        document, banner = assert_is_a_preview(response)
        assert texts(document, ".//h1") == ["Tomorrow's story"]
        assert "scheduled for" in banner
        when, _expires = document.iterfind(f"{BANNER}//time")
        assert when.get("datetime") == timezone.localtime(item.published_at).isoformat(
            timespec="seconds"
        )

    def test_an_item_readers_see_has_view_on_site_and_no_preview(self, client, editor):
        item = make_item("Out already", "Korea")

        assert change_form_preview_link(client, item) is None
        form = client.get(reverse("admin:articles_item_change", args=[item.pk])).content.decode()
        assert "View on site" in form

    def test_the_previewed_item_links_to_its_tags_previews(self):
        item = draft("Story", "Korea", "China")

        # One token: signing again a second later would give another (its timestamp).
        token = previews.preview_token(item)
        url = reverse("preview:item", kwargs={"token": token})
        document = parse_strictly(reader().get(url).content)

        hrefs = [a.get("href") for a in document.iterfind(".//article/footer//a[@rel='tag']")]
        assert hrefs == [f"/preview/{token}/tags/china/", f"/preview/{token}/tags/korea/"]


class TestTagPages:
    def test_the_item_stands_where_it_will_on_its_tag_page_opened_on_its_page(self):
        for number in range(12):
            make_item(f"Known {number:02}", "Korea", ago=(20 - number) * HOUR)
        item = draft("The new one", "Korea")  # last on the tag page: page 2 of 10 a page

        token = previews.preview_token(item)
        url = previews.preview_tag_url(token, item.tags.get())

        response = reader().get(url)

        document, _ = assert_is_a_preview(response)
        assert titles_on(response) == ["Known 10", "Known 11", "The new one"]
        links = [a.get("href") for a in document.iterfind(".//main//article/h2/a")]
        # The previewed item links to its own preview, the others to their public pages.
        assert links == ["/items/known-10/", "/items/known-11/", f"/preview/{token}/"]
        page_1 = reader().get(url + "?page=1")
        assert titles_on(page_1) == [f"Known {number:02}" for number in range(10)]

    def test_a_tag_with_no_published_item_yet_has_its_preview(self):
        item = scheduled("First of its kind", "Brand new tag")
        tag = item.tags.get()

        response = reader().get(previews.preview_tag_url(previews.preview_token(item), tag))

        assert_is_a_preview(response)
        assert titles_on(response) == ["First of its kind"]
        assert reader().get(tag.get_absolute_url()).status_code == 404

    def test_other_drafts_stay_out(self):
        draft("Another draft", "Korea")
        make_item("Published", "Korea")
        item = draft("Previewed", "Korea")

        url = previews.preview_tag_url(previews.preview_token(item), item.tags.get())

        response = reader().get(url)

        assert titles_on(response) == ["Published", "Previewed"]

    def test_a_tag_the_item_does_not_have_is_a_404(self):
        make_item("Published", "China")
        item = draft("Previewed", "Korea")

        url = reverse(
            "preview:tag", kwargs={"token": previews.preview_token(item), "slug": "china"}
        )

        assert reader().get(url).status_code == 404


class TestWhatMakesALinkFail:
    def test_it_expires_after_the_max_age(self):
        item = draft("Story", "Korea")
        made = timezone.now()
        with clock_at(made):
            url = previews.preview_url(item)
        max_age = timedelta(seconds=settings.PREVIEW_MAX_AGE_SECONDS)

        with clock_at(made + max_age - timedelta(minutes=1)):
            assert reader().get(url).status_code == 200
        with clock_at(made + max_age + timedelta(minutes=1)):
            assert reader().get(url).status_code == 404

    def test_the_banner_says_until_when_the_link_works(self):
        item = draft("Story", "Korea")
        made = timezone.now().replace(microsecond=0)
        with clock_at(made):
            url = previews.preview_url(item)

        document, banner = assert_is_a_preview(reader().get(url))

        expires = made + timedelta(seconds=settings.PREVIEW_MAX_AGE_SECONDS)
        assert "Anyone with this link can see it until" in banner
        times = [time.get("datetime") for time in document.iterfind(f"{BANNER}//time")]
        assert times == [timezone.localtime(expires).isoformat()]

    def test_a_shorter_max_age_from_the_setting(self, settings):
        settings.PREVIEW_MAX_AGE_SECONDS = 60
        item = draft("Story", "Korea")
        made = timezone.now()
        with clock_at(made):
            url = previews.preview_url(item)

        with clock_at(made + timedelta(seconds=61)):
            assert reader().get(url).status_code == 404

    @pytest.mark.parametrize("where", ["signature", "item"])
    def test_a_tampered_link_is_a_404(self, where):
        item = draft("Story", "Korea")
        other = draft("Other draft", "Korea")
        pk, stamp, signature = previews.preview_token(item).split(":")
        if where == "signature":
            signature = signature[:-1] + ("A" if signature[-1] != "A" else "B")
        else:
            pk = str(other.pk)
        token = ":".join([pk, stamp, signature])

        assert reader().get(reverse("preview:item", kwargs={"token": token})).status_code == 404
        url = reverse("preview:tag", kwargs={"token": token, "slug": "korea"})
        assert reader().get(url).status_code == 404

    def test_a_deleted_items_link_is_a_404(self):
        item = draft("Story", "Korea")
        url = previews.preview_url(item)
        Item.objects.filter(pk=item.pk).delete()

        assert reader().get(url).status_code == 404


class TestNeverCachedNorIndexed:
    @pytest.mark.usefixtures("reader_cache")
    def test_it_is_never_served_from_the_reader_cache(self):
        item = draft("Before", "Korea")
        token = previews.preview_token(item)
        urls = [previews.preview_url(item), previews.preview_tag_url(token, item.tags.get())]
        for url in urls:
            assert reader().get(url).status_code == 200
        # No write the cache would hear of: only a page computed again shows it.
        Item.objects.filter(pk=item.pk).update(title="After")

        for url in urls:
            assert "After" in titles_or_heading(reader().get(url))

    def test_it_has_the_strict_content_security_policy_and_nothing_inline(self):
        item = draft("Story", "Korea")
        token = previews.preview_token(item)

        for url in [previews.preview_url(item), previews.preview_tag_url(token, item.tags.get())]:
            response = reader().get(url)
            assert directives(response) == STRICT
            content = response.content.decode()
            assert " style=" not in content
            assert "<script" not in content
            assert "<style" not in content


def titles_or_heading(response):
    document = parse_strictly(response.content)
    return texts(document, ".//h1") + titles_on(response)
