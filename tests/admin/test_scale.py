"""Speed at scale: no exact COUNT(*) of a huge table on each changelist load."""

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.admin import paginators
from articles.admin.paginators import EstimatedCountPaginator
from articles.models import Item
from tests.factories import make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def items():
    return [make_item(f"Item {n}", status="draft" if n % 2 else "published") for n in range(6)]


def count_queries(queries):
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


def analyze():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_item")


def test_a_large_unfiltered_table_is_not_counted_on_postgresql(items, monkeypatch):
    analyze()
    monkeypatch.setattr(paginators, "ESTIMATE_ABOVE", 1)  # our six rows count as "large"

    with CaptureQueriesContext(connection) as queries:
        count = EstimatedCountPaginator(Item.objects.all(), 2).count

    if connection.vendor == "postgresql":
        # ANALYZE sampled all six rows: the planner's figure, with no COUNT(*).
        assert count == 6
        assert count_queries(queries) == []
        assert "pg_class" in queries[0]["sql"]
    else:
        # SQLite has no such statistics: an exact count.
        assert count == 6
        assert len(count_queries(queries)) == 1


def test_small_or_filtered_querysets_are_counted_exactly(items):
    analyze()

    with CaptureQueriesContext(connection) as queries:
        small = EstimatedCountPaginator(Item.objects.all(), 2).count
        drafts = EstimatedCountPaginator(Item.objects.filter(status="draft"), 2).count

    assert (small, drafts) == (6, 3)
    assert len(count_queries(queries)) == 2


def test_a_filtered_count_stops_at_its_bound(items, monkeypatch):
    monkeypatch.setattr(paginators, "COUNT_UP_TO", 2)

    with CaptureQueriesContext(connection) as queries:
        drafts = EstimatedCountPaginator(Item.objects.filter(status="draft"), 2).count

    # Three drafts: counted up to the bound and one, in one query that stops there.
    assert drafts == 3
    assert str(drafts) == "2+"
    assert len(count_queries(queries)) == 1
    assert "LIMIT 3" in count_queries(queries)[0].upper()
    exact = EstimatedCountPaginator(Item.objects.filter(title="Item 1"), 2).count
    assert (exact, str(exact)) == (1, "1")


def test_a_search_beyond_the_bound_reads_as_a_lower_bound(client, editor, items, monkeypatch):
    monkeypatch.setattr(paginators, "COUNT_UP_TO", 2)

    response = client.get(reverse("admin:articles_item_changelist"), {"q": "Item"})

    page = response.content.decode()
    assert "2+ results" in page
    assert "Select all 2+ items" in page


def test_the_item_changelist_never_counts_the_whole_table_twice(client, editor, items, monkeypatch):
    analyze()
    monkeypatch.setattr(paginators, "ESTIMATE_ABOVE", 1)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:articles_item_changelist"))

    assert response.context["cl"].result_count == 6
    assert response.context["cl"].full_result_count is None  # show_full_result_count off
    whole_table = [sql for sql in count_queries(queries) if "WHERE" not in sql.upper()]
    assert len(whole_table) == (0 if connection.vendor == "postgresql" else 1)


class TestDateHierarchy:
    """The whole-table date hierarchy: same choices as Django's, without SELECT DISTINCT."""

    def choices(self, client, **params):
        response = client.get(reverse("admin:articles_item_changelist"), params)
        return [choice["title"] for choice in response.context["choices"]]

    @pytest.fixture
    def dated(self, editor):
        for year, month, day in [(2023, 5, 2), (2025, 1, 9), (2025, 3, 4), (2025, 3, 30)]:
            when = timezone.make_aware(datetime(year, month, day, 12))
            make_item(f"Item {year}-{month}-{day}", published_at=when)

    def test_years_months_and_days_that_have_items(self, client, dated):
        assert self.choices(client) == ["2023", "2025"]
        assert self.choices(client, published_at__year="2025") == ["January 2025", "March 2025"]
        assert self.choices(client, published_at__year="2025", published_at__month="3") == [
            "March 4",
            "March 30",
        ]

    def test_choosing_a_year_filters_the_list(self, client, dated):
        response = client.get(
            reverse("admin:articles_item_changelist"), {"published_at__year": "2023"}
        )

        assert [item.title for item in response.context["cl"].result_list] == ["Item 2023-5-2"]

    def test_no_distinct_over_the_table(self, client, dated):
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("admin:articles_item_changelist"))

        assert not [q for q in queries if "DISTINCT" in q["sql"] and "articles_item" in q["sql"]]
