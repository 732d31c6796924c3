"""Reader pages come from the cache, and every write drops exactly the pages it changes.

Each test of a write warms the pages, writes as an editor, an import or an undo would, then
checks that the pages the write changed are right at once and that a page it did not change
is still served from the cache. The cache is Redis when REDIS_URL is set, else local memory.
"""

from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import reader_cache
from articles.editing import add_tag, publish_items, remove_tag, schedule_items, unpublish_items
from articles.importing import DigestSource, import_digests, undo_run
from articles.models import ImportRun, Item, Tag, TagRename
from articles.tag_deletion import delete_tags
from articles.tag_services import add_alias, merge_tags, rename_tag
from articles.tag_undo import undo_deletion, undo_merge, undo_rename
from tests.factories import HOUR, digest_text, draft, logged_in, make_item, scheduled, tag
from tests.pages import clock_at
from tests.reader.cache_support import (
    assert_current,
    assert_dropped,
    assert_still_cached,
    fresh,
    get,
    item_form_post,
    reader_cache_fixture,  # noqa: F401
    reader_fixture,  # noqa: F401
    tag_form_post,
    warm,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the writes commit: on_commit runs for real
    pytest.mark.usefixtures("reader_cache"),
]

# Korea and China share "Pyongyang"; Russia shares nothing with them.
KOREA, CHINA, RUSSIA = "/tags/korea/", "/tags/china/", "/tags/russia/"
UNRELATED = (RUSSIA, "/tags/russia/feed/", "/items/moscow/")


@pytest.fixture
def stories():
    return {
        "seoul": make_item("Seoul talks", "Korea", ago=3 * HOUR),
        "pyongyang": make_item("Pyongyang", "Korea", "China", ago=2 * HOUR),
        "beijing": make_item("Beijing", "China", ago=HOUR),
        "moscow": make_item("Moscow", "Russia", ago=HOUR),
    }


@pytest.fixture
def editor(client):
    return logged_in(client, "editor", "Editors")


def only(item):
    return Item.objects.filter(pk=item.pk)


# --- What is cached, for whom --------------------------------------------------------------


def test_pages_feeds_and_sitemaps_are_served_from_the_cache(reader, stories):
    urls = [
        "/",
        "/?page=1",
        "/tags/",
        KOREA,
        f"{KOREA}?order=newest",
        "/tags/korea/feed/",
        "/tags/korea/atom/",
        "/items/pyongyang/",
        "/search/?q=talks",
        "/feed/",
        "/atom/",
        "/sitemap.xml",
        "/sitemap-items.xml",
        "/sitemap-tags.xml",
    ]
    warm(reader, *urls)
    assert_still_cached(reader, *urls)


def test_cache_control_and_etag_are_those_of_a_fresh_page(reader, stories):
    for url in ["/", KOREA, "/items/pyongyang/", "/tags/korea/feed/", "/sitemap.xml"]:
        warm(reader, url)
        cached, now = reader.get(url), fresh(url)
        for header in ["Cache-Control", "ETag", "Content-Type", "Last-Modified", "Vary"]:
            assert cached.headers.get(header) == now.headers.get(header), (url, header)
        assert cached.headers["Cache-Control"] == "public, max-age=60"
        assert reader.get(url, headers={"if-none-match": cached["ETag"]}).status_code == 304


def test_a_cached_tag_page_costs_no_query(reader, stories):
    warm(reader, KOREA, "/tags/korea/feed/")
    for url in [KOREA, "/tags/korea/feed/"]:
        response, queries = get(reader, url)
        assert (response.status_code, queries) == (200, 0), url


def test_a_head_request_is_served_from_the_cache(reader, stories):
    warm(reader, KOREA)
    with CaptureQueriesContext(connection) as queries:
        response = reader.head(KOREA)
    assert (response.status_code, len(queries)) == (200, 0)


def test_an_editor_never_gets_a_cached_page_nor_fills_the_cache(client, reader, stories, editor):
    _, queries = get(client, KOREA)
    _, again = get(client, KOREA)
    assert again > 1  # the editor's second request is computed too

    response, queries = get(reader, KOREA)
    assert queries > 1  # the editor's requests stored nothing
    warm(reader, KOREA, "/")
    _, queries = get(client, KOREA)
    assert queries > 1  # nor do they read what readers stored
    assert "Set-Cookie" not in response.headers and "Cookie" not in response.get("Vary", "")


def test_errors_and_redirects_are_never_cached(reader, stories):
    rename_tag(Tag.objects.get(name="China"), "PRC")
    for _ in range(2):
        assert reader.get("/tags/nowhere/").status_code == 404
        assert reader.get(CHINA).status_code == 301
        assert reader.get("/items/nowhere/").status_code == 404
    draft("Hidden", "Secret")
    assert reader.get("/tags/secret/").status_code == 404


# --- Each kind of write --------------------------------------------------------------------


def test_publishing(reader, stories):
    hidden = draft("Draft in Korea", "Korea")
    changed = [KOREA, "/tags/korea/feed/", "/items/seoul-talks/", "/", "/tags/", "/feed/"]
    warm(reader, *changed, CHINA, *UNRELATED)

    publish_items(only(hidden))

    assert_dropped(reader, *changed)
    assert "Draft in Korea" in reader.get(KOREA).text
    assert "Draft in Korea" in reader.get("/items/seoul-talks/").text  # related now
    assert_still_cached(reader, *UNRELATED, CHINA)


def test_unpublishing(reader, stories):
    changed = [KOREA, CHINA, "/items/seoul-talks/", "/items/beijing/", "/", "/sitemap-items.xml"]
    warm(reader, "/items/pyongyang/", *changed, *UNRELATED)

    unpublish_items(only(stories["pyongyang"]))

    assert_dropped(reader, *changed)
    assert reader.get("/items/pyongyang/").status_code == 404
    assert "Pyongyang" not in reader.get(KOREA).text
    assert_still_cached(reader, *UNRELATED)


def test_scheduling(reader, stories):
    warm(reader, KOREA, "/items/seoul-talks/", "/", *UNRELATED)
    later = stories["seoul"].published_at + 5 * HOUR

    schedule_items(only(stories["seoul"]), publish_at=later)

    assert_dropped(reader, "/")
    assert "Seoul talks" not in reader.get(KOREA).text
    assert reader.get("/items/seoul-talks/").status_code == 404
    assert_still_cached(reader, *UNRELATED)
    with clock_at(later):
        assert "Seoul talks" in reader.get(KOREA).text
        assert reader.get("/items/seoul-talks/").status_code == 200


def test_an_editor_edit_in_the_admin(client, reader, stories, editor):
    item = stories["pyongyang"]
    changed = [KOREA, CHINA, "/items/pyongyang/", "/items/seoul-talks/", "/", "/feed/"]
    warm(reader, *changed, *UNRELATED)

    response = item_form_post(client, item, title="Pyongyang, again")
    assert response.status_code == 302

    assert_dropped(reader, *changed)
    assert "Pyongyang, again" in reader.get("/items/seoul-talks/").text  # related
    assert_still_cached(reader, *UNRELATED)


def test_set_tags_through_the_item_form(client, reader, stories, editor):
    item = stories["seoul"]
    changed = [KOREA, CHINA, "/items/seoul-talks/", "/tags/china/feed/", "/"]
    warm(reader, *changed, *UNRELATED)

    assert item_form_post(client, item, tag_names=["China"]).status_code == 302

    assert_dropped(reader, *changed)
    assert "Seoul talks" not in reader.get(KOREA).text
    assert "Seoul talks" in reader.get(CHINA).text
    assert_still_cached(reader, *UNRELATED)


def test_a_revert_in_the_history(client, reader, stories, editor):
    item = stories["seoul"]
    item_form_post(client, item, title="Seoul talks, revised")
    warm(reader, KOREA, "/items/seoul-talks/", *UNRELATED)
    first = item.history.order_by("history_id").first()
    url = reverse("admin:articles_item_simple_history", args=[item.pk, first.history_id])
    form = client.get(url).context["adminform"].form

    assert item_form_post(client, item, title=form.initial["title"], url=url).status_code == 302

    assert_dropped(reader, KOREA, "/items/seoul-talks/")
    assert "Seoul talks, revised" not in reader.get(KOREA).text
    assert_still_cached(reader, *UNRELATED)


def test_a_deletion_in_the_admin(client, reader, stories, editor):
    warm(reader, KOREA, CHINA, "/items/pyongyang/", "/items/seoul-talks/", *UNRELATED)

    delete = reverse("admin:articles_item_delete", args=[stories["pyongyang"].pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302

    assert_dropped(reader, KOREA, CHINA, "/items/seoul-talks/")
    assert reader.get("/items/pyongyang/").status_code == 404
    assert_still_cached(reader, *UNRELATED)


def test_a_bulk_deletion_in_the_admin(client, reader, stories, editor):
    warm(reader, KOREA, "/items/seoul-talks/", *UNRELATED)

    client.post(
        reverse("admin:articles_item_changelist"),
        {"action": "delete_selected", "_selected_action": [stories["seoul"].pk], "post": "yes"},
    )

    assert_dropped(reader, KOREA)
    assert reader.get("/items/seoul-talks/").status_code == 404
    assert_still_cached(reader, *UNRELATED)


def test_adding_a_tag(reader, stories):
    # Korea's page does not show tags: it stays; the item, the new tag and Korea's feed
    # (each item lists its tags) change.
    changed = ["/items/seoul-talks/", "/tags/korea/feed/", "/"]
    warm(reader, *changed, KOREA, *UNRELATED)

    add_tag(only(stories["seoul"]), tag("Japan"))

    assert_dropped(reader, *changed)
    assert reader.get("/tags/japan/").status_code == 200
    assert "Japan" in reader.get("/items/seoul-talks/").text
    assert_still_cached(reader, KOREA, *UNRELATED)


def test_removing_a_tag(reader, stories):
    changed = [KOREA, "/items/pyongyang/", "/items/seoul-talks/", "/tags/china/feed/", "/"]
    warm(reader, *changed, CHINA, *UNRELATED)

    remove_tag(only(stories["pyongyang"]), Tag.objects.get(name="Korea"))

    assert_dropped(reader, *changed)
    assert "Pyongyang" not in reader.get(KOREA).text
    assert_still_cached(reader, CHINA, *UNRELATED)


def test_renaming_a_tag_in_the_admin(client, reader, stories, editor):
    korea = Tag.objects.get(name="Korea")
    changed = ["/items/seoul-talks/", "/items/pyongyang/", "/tags/china/feed/", "/tags/", "/"]
    # Beijing's page shows Pyongyang as related, by title only: Korea's name is not on it.
    warm(reader, KOREA, *changed, CHINA, "/items/beijing/", *UNRELATED)

    assert tag_form_post(client, korea, name="South Korea").status_code == 302

    assert_dropped(reader, *changed)
    assert reader.get(KOREA).status_code == 301
    assert "Contents tagged with South Korea" in reader.get("/tags/south-korea/").text
    assert "South Korea" in reader.get("/items/seoul-talks/").text
    assert_still_cached(reader, CHINA, "/items/beijing/", *UNRELATED)


def test_editing_a_tag_description_in_the_admin(client, reader, stories, editor):
    korea = Tag.objects.get(name="Korea")
    warm(reader, KOREA, "/tags/korea/feed/", "/", "/tags/", "/items/seoul-talks/", *UNRELATED)

    assert tag_form_post(client, korea, description="The peninsula.").status_code == 302

    assert_dropped(reader, KOREA, "/tags/korea/feed/")
    assert "The peninsula." in reader.get(KOREA).text
    assert_still_cached(reader, "/", "/tags/", "/items/seoul-talks/", *UNRELATED)


def test_adding_an_alias(reader, stories):
    pages = [KOREA, "/tags/korea/feed/", "/", "/tags/", "/items/seoul-talks/", *UNRELATED]
    warm(reader, *pages)
    assert reader.get("/tags/hanguk/").status_code == 404

    add_alias(Tag.objects.get(name="Korea"), "Hanguk")

    assert reader.get("/tags/hanguk/").status_code == 301  # lookups are never cached
    assert_current(reader, "/tags/hanguk/feed/")
    assert_still_cached(reader, *pages)  # nothing a reader sees changed


def test_merging_tags(reader, stories):
    changed = [KOREA, "/items/beijing/", "/items/pyongyang/", "/tags/korea/feed/", "/tags/"]
    warm(reader, CHINA, *changed, *UNRELATED)

    merge_tags(sources=[Tag.objects.get(name="China")], target=Tag.objects.get(name="Korea"))

    assert_dropped(reader, *changed)
    assert reader.get(CHINA).status_code == 301
    assert "Beijing" in reader.get(KOREA).text
    assert_still_cached(reader, *UNRELATED)


def test_deleting_a_tag_in_the_admin(client, reader, stories, editor):
    china = Tag.objects.get(name="China")
    warm(reader, CHINA, "/items/pyongyang/", "/tags/korea/feed/", "/", *UNRELATED)

    client.post(reverse("admin:articles_tag_delete", args=[china.pk]), {"confirm": "True"})

    assert_dropped(reader, "/items/pyongyang/", "/tags/korea/feed/", "/")
    assert reader.get(CHINA).status_code == 404
    assert_still_cached(reader, *UNRELATED)


def test_undoing_a_merge(reader, stories):
    merge = merge_tags(
        sources=[Tag.objects.get(name="China")], target=Tag.objects.get(name="Korea")
    )
    changed = [KOREA, "/items/beijing/", "/items/pyongyang/", "/tags/korea/feed/", "/tags/", "/"]
    warm(reader, *changed, *UNRELATED)
    assert reader.get(CHINA).status_code == 301

    undo_merge(merge)

    assert_dropped(reader, *changed)
    assert "Beijing" not in reader.get(KOREA).text
    assert "Beijing" in reader.get(CHINA).text  # its slug is live again, not a redirect
    assert "China" in reader.get("/items/pyongyang/").text
    assert_still_cached(reader, *UNRELATED)


def test_undoing_a_rename(reader, stories):
    rename_tag(Tag.objects.get(name="Korea"), "South Korea")
    changed = ["/tags/south-korea/", "/items/seoul-talks/", "/tags/china/feed/", "/tags/"]
    warm(reader, *changed, *UNRELATED)

    undo_rename(TagRename.objects.get())

    assert_dropped(reader, "/items/seoul-talks/", "/tags/china/feed/", "/tags/")
    assert reader.get("/tags/south-korea/")["Location"] == KOREA
    assert "Contents tagged with Korea" in reader.get(KOREA).text
    assert_still_cached(reader, *UNRELATED)


def test_undoing_a_deletion(reader, stories):
    [record] = delete_tags([Tag.objects.get(name="China")])
    changed = ["/items/pyongyang/", "/items/beijing/", "/tags/korea/feed/", "/tags/", "/"]
    warm(reader, *changed, *UNRELATED)
    assert reader.get(CHINA).status_code == 404

    undo_deletion(record)

    assert_dropped(reader, *changed)
    assert "Beijing" in reader.get(CHINA).text
    assert_still_cached(reader, *UNRELATED)


def import_korea(*titles):
    data = digest_text("Korea", *titles).encode()
    return import_digests([DigestSource("000_korea.txt", data=data)], force=True)


def test_an_import(reader, stories):
    changed = [KOREA, "/items/seoul-talks/", "/tags/korea/feed/", "/"]
    warm(reader, *changed, CHINA, *UNRELATED)

    import_korea("Wire story", "Seoul talks")

    assert_dropped(reader, *changed)
    assert "Wire story" in reader.get(KOREA).text
    assert_still_cached(reader, *UNRELATED)


def test_an_import_shows_a_new_story_whose_address_was_asked_for_before(reader, stories):
    assert reader.get("/items/wire-story/").status_code == 404
    warm(reader, KOREA)

    import_korea("Wire story")

    assert "Wire story" in reader.get("/items/wire-story/").text
    assert "Wire story" in reader.get(KOREA).text


def test_an_import_replaces_no_version_of_the_items_it_creates(reader, stories):
    """A created item has no page to drop: a batch of new items costs its tags' versions and
    the listing, however many items it holds."""
    replaced = []

    def record(mapping, *args, **kwargs):
        replaced.extend(mapping)
        return original(mapping, *args, **kwargs)

    original = reader_cache.cache.set_many
    with mock.patch.object(reader_cache.cache, "set_many", side_effect=record):
        import_korea(*(f"Wire story {n}" for n in range(12)))

    names = {key.removeprefix("reader:v:") for key in replaced if ":v:" in key}
    korea = Tag.objects.get(name="Korea").pk
    assert names == {"listing", f"tag:{korea}", f"tagset:{korea}"}


def test_an_import_that_changes_nothing_drops_nothing(reader, stories):
    import_korea("Wire story")
    warm(reader, KOREA, "/", *UNRELATED)

    summary = import_korea("Wire story")

    assert summary.files.unchanged == 1
    assert_still_cached(reader, KOREA, "/", *UNRELATED)


def test_undoing_an_import(reader, stories):
    run = ImportRun.objects.get(pk=import_korea("Wire story").run_id)
    warm(reader, KOREA, "/items/wire-story/", "/items/seoul-talks/", "/", *UNRELATED)

    undo_run(run)

    assert_dropped(reader, "/items/seoul-talks/", "/")
    assert reader.get("/items/wire-story/").status_code == 404
    assert "Wire story" not in reader.get(KOREA).text
    assert_still_cached(reader, *UNRELATED)


def test_a_dry_run_drops_nothing(reader, stories):
    warm(reader, KOREA, "/", *UNRELATED)

    import_digests(
        [DigestSource("000_korea.txt", data=digest_text("Korea", "Wire story").encode())],
        dry_run=True,
    )

    assert_still_cached(reader, KOREA, "/", *UNRELATED)


def test_a_rolled_back_write_drops_nothing(reader, stories):
    warm(reader, KOREA, "/", "/items/seoul-talks/")

    with pytest.raises(RuntimeError), transaction.atomic():
        unpublish_items(only(stories["seoul"]))
        raise RuntimeError("the editor's request failed")

    assert_still_cached(reader, KOREA, "/", "/items/seoul-talks/")


# --- Time ----------------------------------------------------------------------------------


def test_a_scheduled_item_appears_on_cached_pages_at_its_time(reader, stories):
    item = scheduled("Embargoed", "Korea", ahead=HOUR)
    pages = [KOREA, "/", "/tags/korea/feed/", "/items/seoul-talks/", "/sitemap-items.xml"]
    warm(reader, *pages)
    assert reader.get("/items/embargoed/").status_code == 404

    with clock_at(item.published_at):  # no write, no job
        for url in pages:
            assert "embargoed" in reader.get(url).text.lower(), url
        assert reader.get("/items/embargoed/").status_code == 200
        assert_current(reader, *pages)


def test_an_item_leaves_cached_pages_at_its_unpublication_time(reader, stories):
    item = stories["seoul"]
    item.unpublish_at = item.published_at + 5 * HOUR
    item.save()
    warm(reader, KOREA, "/", "/items/seoul-talks/", "/items/pyongyang/")

    with clock_at(item.unpublish_at):
        assert "Seoul talks" not in reader.get(KOREA).text
        assert "Seoul talks" not in reader.get("/").text
        assert reader.get("/items/seoul-talks/").status_code == 404
        assert "Seoul talks" not in reader.get("/items/pyongyang/").text
