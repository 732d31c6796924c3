"""Reading rules and database constraints."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Item, Tag
from tests.factories import SEED_PAGE_1, SEED_PAGE_2, make_item, seed_titles


@pytest.mark.django_db
class TestPublished:
    def test_only_published_items_whose_time_has_come(self):
        now = timezone.now()
        visible = make_item("Visible", status="published", published_at=now - timedelta(hours=1))
        make_item("Draft", status="draft")
        make_item("Scheduled", status="published", published_at=now + timedelta(hours=1))

        assert list(Item.objects.published()) == [visible]

    def test_scheduled_items_appear_at_their_time_with_no_job(self):
        now = timezone.now()
        scheduled = make_item("Later", status="published", published_at=now + timedelta(hours=1))

        assert list(Item.objects.published(at=now + timedelta(hours=2))) == [scheduled]


@pytest.mark.django_db
class TestConstraints:
    def test_a_published_item_needs_a_publication_time(self):
        # The factory always gives a published item a time: create the row by hand.
        with pytest.raises(IntegrityError), transaction.atomic():
            Item.objects.create(
                title="No time",
                slug="no-time",
                teaser="Text.",
                status="published",
                published_at=None,
            )

    def test_status_must_be_known(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_item("Odd", status="archived")

    def test_import_keys_are_unique(self):
        make_item("One", import_key="k")
        with pytest.raises(IntegrityError), transaction.atomic():
            make_item("Two", import_key="k")

    def test_items_made_by_hand_need_no_import_key(self):
        make_item("One")
        make_item("Two")

        assert Item.objects.filter(import_key__isnull=True).count() == 2

    @pytest.mark.parametrize(
        ("first", "second"),
        [("Über", "über"), ("Kim Jong-un", "Kim Jong Un"), ("Cote d'Ivoire", "Cote dIvoire")],
    )
    def test_tags_differing_in_case_dashes_or_apostrophes_cannot_both_exist(self, first, second):
        Tag.objects.create(name=first)
        with pytest.raises(IntegrityError), transaction.atomic():
            Tag.objects.create(name=second)

    def test_tag_slugs_are_ascii_and_unique(self):
        first = Tag.objects.create(name="Côte d’Ivoire")
        second = Tag.objects.create(name="Cote d Ivoire!")

        assert first.slug == "cote-divoire"
        assert second.slug == "cote-d-ivoire"
        assert Tag.objects.create(name="Ελλάδα").slug == "ellada"
        assert Tag.objects.create(name="日本").slug == "ri-ben"
        # Only a name with nothing to transliterate falls back to "tag".
        assert Tag.objects.create(name="★").slug == "tag"
        assert Tag.objects.create(name="☆").slug == "tag-2"


@pytest.mark.django_db
def test_latest_items_keep_the_wire_order_within_one_import(seeded):
    expected = seed_titles(SEED_PAGE_1) + seed_titles(SEED_PAGE_2)
    assert list(Item.objects.published().values_list("title", flat=True)) == expected
