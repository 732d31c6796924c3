"""The API's filters: the search page's FilterSet (``reader.filters``), so that the API and
the public pages accept and refuse the same values: ``tag`` (repeated: all of them),
``published_after`` / ``published_before``, ``q``.

Two differences, both for cursors: the order is newest or oldest first (a keyset needs an
order of columns; relevance is a computed rank), and tags and dates alone narrow the list
without the search's bound (the search page ranks at most ``search.MAX_RESULTS`` items; a
tag's list here is walked to its end). A query ``q`` keeps that bound: its newest
``MAX_RESULTS`` + 1 matches, as on the search page.
"""

import django_filters
from django.db.models import F
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from ..models.visibility import PUBLISHED
from ..reader.filters import NEWEST, OLDEST, ORDERINGS, SearchFilterSet
from ..reader.http import canonical_tag_filter

ORDER_CHOICES = [(NEWEST, "Newest first"), (OLDEST, "Oldest first")]


class ApiItemFilterSet(SearchFilterSet):
    order = django_filters.ChoiceFilter(
        label="Order", choices=ORDER_CHOICES, empty_label=None, method="keep_order"
    )

    default_order = NEWEST

    @property
    def chosen_order(self):
        return self.form.cleaned_data.get("order") or self.default_order

    @property
    def reads_through_links(self):
        """A tag's list without a search is read from the first tag's links, in their copy
        of the items' order (``link_ordered``); a search reads its bounded matches."""
        return bool(self.selected_tags) and not self.query

    @extend_schema_field(OpenApiTypes.STR)  # the schema's type of ``tag``'s values: slugs
    def filter_all_tags(self, queryset, name, tags):
        if tags and not self.query:
            # A join to the first tag's links, which link_ordered orders by; no EXISTS of
            # its own beside it (the planner then scanned and sorted every link of the tag).
            queryset = queryset.filter(tagged_items__tag=tags[0], tagged_items__status=PUBLISHED)
            tags = tags[1:]
        return super().filter_all_tags(queryset, name, tags)

    def narrow(self, queryset, order):
        if not self.query:
            return queryset  # tags and dates: the whole narrowed list, page after page
        return super().narrow(queryset, order)


class TagSpelling(Exception):
    """``?tag=`` named a tag by another spelling (``dprk``): a 301 to ``url``."""

    def __init__(self, url):
        super().__init__(url)
        self.url = url


class ReaderFilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend keeping the filter set on the view (its order picks the keyset),
    answering another spelling of a tag with a 301 as the public pages do."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if not filterset.is_valid():
            canonical = canonical_tag_filter(request) if "tag" in filterset.errors else None
            if canonical is not None:
                raise TagSpelling(canonical)
            raise translate_validation(filterset.errors)
        view.filterset = filterset
        return filterset.qs


def item_order(filterset):
    return ORDERINGS[filterset.chosen_order]


# The link's copies of its item's place in the order (kept equal to the item's by the
# database's triggers: articles/models/tags.py), named apart so that one join serves both.
LINK_COPIES = {
    "link_published_at": "tagged_items__published_at",
    "link_item": "tagged_items__content_object_id",
}
LINK_ORDER = {"published_at": "link_published_at", "id": "link_item"}


def link_ordered(queryset, keyset):
    """The items of a tag's list (joined to the first tag's links by ``filter_all_tags``) in
    the keyset's order, read through their links: the database walks the tag's links in the
    links' index of published items (tag, -published_at, item) and fetches their items. The
    items' own order, walked until enough of the tag's turned up, read 97,821 rows at 100,000
    items for a tag whose items were all at its far end (150 ms against 0.2)."""
    return queryset.annotate(**{name: F(path) for name, path in LINK_COPIES.items()}).order_by(
        *keyset.ordering
    )
