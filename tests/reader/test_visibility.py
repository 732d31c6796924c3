"""Tag links carry their item's visibility (migration 0007's triggers): every way an item is
published, unpublished or scheduled shows on its tag pages at once, with no job to run."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Item, TaggedItem
from articles.reader.queries import tags_with_published_items
from articles.tag_pages import link_on_top
from tests.factories import draft, make_item, scheduled, tag, write_digest
from tests.pages import clock_at, parse_strictly, run_command, texts
from tests.query_cost import bulk_items, cost

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def titles_on(client, url):
    response = client.get(url)
    if response.status_code == 404:
        return []
    return texts(parse_strictly(response.content), ".//main//article/h2/a")


def links_agree_with_items():
    """Every link's copy equals its item's columns."""
    for link in TaggedItem.objects.select_related("content_object"):
        item = link.content_object
        assert (link.status, link.published_at, link.unpublish_at) == (
            item.status,
            item.published_at,
            item.unpublish_at,
        ), link


@pytest.fixture
def korea():
    make_item("Always there", "Korea", ago=3 * HOUR)
    return tag("Korea")


class TestWrites:
    def test_publishing_with_save(self, client, korea):
        item = draft("News", korea)
        assert titles_on(client, "/tags/korea/") == ["Always there"]

        item.status, item.published_at = Item.Status.PUBLISHED, timezone.now() - HOUR
        item.save()

        assert titles_on(client, "/tags/korea/") == ["Always there", "News"]
        links_agree_with_items()

    def test_unpublishing_with_queryset_update(self, client, korea):
        item = make_item("News", korea)

        Item.objects.filter(pk=item.pk).update(status=Item.Status.DRAFT)

        assert titles_on(client, "/tags/korea/") == ["Always there"]
        links_agree_with_items()

    def test_scheduling_with_bulk_update(self, client, korea):
        items = [make_item(f"News {n}", korea) for n in range(3)]
        for item in items[:2]:
            item.published_at = timezone.now() + HOUR

        Item.objects.bulk_update(items, ["published_at"])

        assert titles_on(client, "/tags/korea/") == ["Always there", "News 2"]
        links_agree_with_items()

    def test_unpublish_at_ends_the_item_on_its_tag_pages(self, client, korea):
        item = make_item("News", korea)
        item.unpublish_at = timezone.now() + HOUR
        item.save()

        assert titles_on(client, "/tags/korea/") == ["Always there", "News"]
        with clock_at(item.unpublish_at):
            assert titles_on(client, "/tags/korea/") == ["Always there"]
        links_agree_with_items()

    def test_deleting_an_item_leaves_no_link(self, client, korea):
        make_item("News", korea).delete()

        assert titles_on(client, "/tags/korea/") == ["Always there"]


class TestScheduledBoundaries:
    def test_an_item_appears_at_its_time_and_leaves_at_its_end(self, client, korea):
        start = timezone.now() + HOUR
        item = make_item("Scheduled", korea, published_at=start)
        Item.objects.filter(pk=item.pk).update(unpublish_at=start + HOUR)

        with clock_at(start - timedelta(seconds=1)):
            assert titles_on(client, "/tags/korea/") == ["Always there"]
        with clock_at(start):
            assert titles_on(client, "/tags/korea/") == ["Always there", "Scheduled"]
        with clock_at(start + HOUR - timedelta(seconds=1)):
            assert titles_on(client, "/tags/korea/") == ["Always there", "Scheduled"]
        with clock_at(start + HOUR):
            assert titles_on(client, "/tags/korea/") == ["Always there"]


class TestNewLinks:
    def test_every_writer_of_links_gets_the_copies(self, korea):
        published, hidden = make_item("Published"), draft("Hidden")
        russia = tag("Russia")

        published.tags.add(russia)  # taggit
        link_on_top(tag("China"), [published.pk, hidden.pk])  # the editors' bulk tagging
        TaggedItem.objects.create(tag=tag("Japan"), content_object=hidden, position=1)

        links_agree_with_items()
        assert TaggedItem.objects.published().filter(tag=russia).count() == 1

    def test_a_link_saved_from_a_stale_instance_is_read_from_its_item_again(self, korea):
        link = TaggedItem.objects.get(tag=korea)
        Item.objects.filter(pk=link.content_object_id).update(status=Item.Status.DRAFT)

        link.position = 5
        link.save()  # still carries status "published"

        links_agree_with_items()

    def test_an_import_links_its_items_with_the_copies(self, tmp_path):
        write_digest(tmp_path, "000_a.txt", "Korea", "One", "Two")
        run_command("import_digests", str(tmp_path), status="draft")

        links_agree_with_items()
        assert TaggedItem.objects.filter(status=Item.Status.DRAFT).count() == 2


def visible_tags(at=None):
    with clock_at(at or timezone.now()):
        return sorted(tags_with_published_items().values_list("name", flat=True))


class TestTagsWithPublishedItems:
    """The tags a reader may know of (the tag filters' choices, the API's tag list), told by
    the links' copy of their items' visibility."""

    def test_only_tags_of_an_item_readers_see(self, korea):
        draft("Draft", "Drafts only", korea)
        scheduled("Later", "Later only")
        ended = make_item("Ended", "Ended only", ago=2 * HOUR)
        Item.objects.filter(pk=ended.pk).update(unpublish_at=timezone.now() - HOUR)
        tag("Unused")

        assert visible_tags() == ["Korea"]

    def test_a_scheduled_item_brings_its_tag_at_its_time_and_takes_it_at_its_end(self):
        start = timezone.now() + HOUR
        item = make_item("Scheduled", "Later", published_at=start)
        Item.objects.filter(pk=item.pk).update(unpublish_at=start + HOUR)

        assert visible_tags(start - timedelta(seconds=1)) == []
        assert visible_tags(start) == ["Later"]
        assert visible_tags(start + HOUR) == []

    def test_an_item_unpublished_by_a_queryset_update_takes_its_tag(self, korea):
        Item.objects.update(status=Item.Status.DRAFT)

        assert visible_tags() == []

    def test_checking_a_tag_reads_as_much_at_any_archive_size(self):
        bulk_items(20, "Korea")
        check = tags_with_published_items().filter(slug__in=["korea"])
        small = cost(check.query.sql_with_params())

        bulk_items(2000, "China", first=20)
        large = cost(check.query.sql_with_params())

        # Reading the published items as ``content_object__in`` listed every one of them.
        assert large <= 1.5 * small
