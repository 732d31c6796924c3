"""Filters readers apply to the search results and to a tag page (django-filter).

- ``tag``: one or more tag slugs, repeated (``?tag=russia&tag=china``); an item must carry all.
- ``published_after`` / ``published_before``: a date range, both ends included, in the site's
  time zone.
- ``order``: newest, oldest, or the page's own order (relevance for a search, the wire's order
  for a tag page).

An invalid value (unknown tag, malformed date, a range ending before it starts) makes the
filter set invalid; the views answer 400 with the form's messages.
"""

from datetime import datetime, time, timedelta
from functools import cache
from types import MappingProxyType

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.safestring import SafeString

from ..models import Item, TaggedItem
from . import search
from .queries import tags_with_published_items

MAX_TAGS = 5
NEWEST, OLDEST, RELEVANCE, WIRE = "newest", "oldest", "relevance", "wire"
ORDERINGS = {
    NEWEST: ("-published_at", "id"),
    OLDEST: ("published_at", "-id"),
    RELEVANCE: ("-rank", "-published_at", "id"),
}


class DateInput(forms.DateInput):
    input_type = "date"


class ItemFilterForm(forms.Form):
    def clean(self):
        cleaned_data = super().clean()
        start, end = cleaned_data.get("published_after"), cleaned_data.get("published_before")
        if start and end and start > end:
            raise forms.ValidationError(
                "Expected the “from” date on or before the “to” date, found %(start)s after "
                "%(end)s.",
                params={"start": start.isoformat(), "end": end.isoformat()},
            )
        tags = cleaned_data.get("tag") or []
        if len(tags) > MAX_TAGS:
            self.add_error("tag", f"Expected at most {MAX_TAGS} tags, found {len(tags)}.")
        return cleaned_data


class TagSlugsField(forms.ModelMultipleChoiceField):
    """Tags by slug; a value with a NUL is refused before the lookup (PostgreSQL's text
    cannot hold one: the query itself failed, a 500)."""

    def _check_values(self, value):
        for text in value:
            if "\x00" in str(text):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(text).replace("\x00", "\\x00")},
                )
        return super()._check_values(value)


class TagSlugsFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = TagSlugsField


class ItemFilterSet(django_filters.FilterSet):
    """The filters shared by the search page and the tag pages; subclasses add the order."""

    tag = TagSlugsFilter(
        label="Tags",
        # Called per request: "published" depends on the time of the request.
        queryset=lambda request: tags_with_published_items(),
        to_field_name="slug",
        method="filter_all_tags",
        error_messages={"invalid_choice": "Expected a tag’s slug, found “%(value)s”."},
    )
    published_after = django_filters.DateFilter(
        label="From", method="filter_published_after", widget=DateInput
    )
    published_before = django_filters.DateFilter(
        label="To", method="filter_published_before", widget=DateInput
    )

    default_order = NEWEST

    class Meta:
        form = ItemFilterForm
        fields = []

    @property
    def narrowed(self):
        """Whether the reader asked for anything beyond the page's own list."""
        data = self.form.cleaned_data
        return bool(data.get("tag") or data.get("published_after") or data.get("published_before"))

    @property
    def selected_tags(self):
        return list(self.form.cleaned_data.get("tag") or [])

    def filter_all_tags(self, queryset, name, tags):
        for tag in tags:
            # One EXISTS per tag: every tag must match, and no join multiplies the rows.
            queryset = queryset.filter(
                Exists(TaggedItem.objects.filter(content_object=OuterRef("pk"), tag=tag))
            )
        return queryset

    def filter_published_after(self, queryset, name, day):
        return queryset.filter(published_at__gte=start_of_day(day))

    def filter_published_before(self, queryset, name, day):
        return queryset.filter(published_at__lt=start_of_day(day + timedelta(days=1)))

    def keep_order(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        order = self.form.cleaned_data.get("order") or self.default_order
        return self.apply_order(self.narrow(queryset, order), order)

    def narrow(self, queryset, order):
        return queryset

    def apply_order(self, queryset, order):
        return queryset.order_by(*ORDERINGS[order])


class SearchFilterSet(ItemFilterSet):
    q = django_filters.CharFilter(label="Search for", method="keep_query", max_length=200)
    order = django_filters.ChoiceFilter(
        label="Order",
        choices=[(RELEVANCE, "Most relevant"), (NEWEST, "Newest first"), (OLDEST, "Oldest first")],
        empty_label=None,
        method="keep_order",
    )

    default_order = RELEVANCE
    # How many matches narrow() found, when the search knows it without counting (see
    # search.find); None: the paginator counts.
    match_count = None

    @property
    def query(self):
        return self.form.cleaned_data.get("q", "").strip()

    @property
    def narrowed(self):
        return bool(self.query) or super().narrowed

    def keep_query(self, queryset, name, value):
        return queryset  # searched in narrow(), so that the rank is there to order by

    def narrow(self, queryset, order):
        if not self.narrowed:
            return queryset  # the bare form: nothing is listed, nothing to read
        # After the filters (tags, dates): the bounded set of matches, the newest (the oldest
        # when so ordered), ranked.
        candidates = ORDERINGS[OLDEST] if order == OLDEST else ORDERINGS[NEWEST]
        matches = search.find(queryset, self.query, candidates)
        self.match_count = matches.count
        return matches.items

    def apply_order(self, queryset, order):
        if order == RELEVANCE and not self.query:
            order = NEWEST  # nothing to be relevant to
        return super().apply_order(queryset, order)


class TagPageFilterSet(ItemFilterSet):
    order = django_filters.ChoiceFilter(
        label="Order",
        choices=[(WIRE, "As on the wire"), (NEWEST, "Newest first"), (OLDEST, "Oldest first")],
        empty_label=None,
        method="keep_order",
    )

    default_order = WIRE

    def apply_order(self, queryset, order):
        if order == WIRE:
            return queryset  # Item.objects.for_tag() already reads in the tag page's order
        return super().apply_order(queryset, order)


def start_of_day(day):
    return timezone.make_aware(datetime.combine(day, time.min))


# --- A list the reader did not filter ----------------------------------------------------


class RenderedField:
    """A form field as a template reads it (``{{ field }}``, ``field.id_for_label``), rendered
    once."""

    errors = ()

    def __init__(self, bound_field):
        self.html = SafeString(str(bound_field))
        self.id_for_label = bound_field.id_for_label
        self.label = bound_field.label

    def __str__(self):
        return self.html

    def __html__(self):
        return self.html


class RenderedForm:
    """An unbound filter form, each field rendered once, when a template first reads it: its
    markup depends on nothing of the request (no value, no choice made, no error)."""

    errors = MappingProxyType({})
    cleaned_data = MappingProxyType({})

    def __init__(self, form):
        self._form = form

    def __getattr__(self, name):
        if name.startswith("_") or name not in self._form.fields:
            raise AttributeError(name)
        field = RenderedField(self._form[name])
        setattr(self, name, field)  # read from the instance from now on
        return field

    def non_field_errors(self):
        return ()

    def __iter__(self):
        return iter(())  # the fields' errors: none


class UnfilteredSet:
    """What a list's view and template read of its filter set when the reader asked for no
    filter (no parameter but the page): valid, narrowing nothing, in the list's own order.

    Building the real one a request (a form class, its fields, the tag choices' queryset and
    the validation) took half of a tag page's time, to render the same empty form.
    """

    narrowed = False
    selected_tags = ()

    def __init__(self, filterset_class):
        self.form = RenderedForm(filterset_class(queryset=Item.objects.none()).form)

    def is_valid(self):
        return True


@cache
def unfiltered(filterset_class):
    """The UnfilteredSet of ``filterset_class``, one a process."""
    return UnfilteredSet(filterset_class)
