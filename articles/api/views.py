"""The API's views: thin, over ``Item.objects.published()`` and ``reader.queries``, as the
reader pages are. Drafts, scheduled and unpublished items appear nowhere; a tag with no
published item is a 404, as its page is. The URLs (``urls``) serve them from the page cache.
"""

from functools import cache, wraps

from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView, ListAPIView, RetrieveAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response

from .. import reader_pages
from ..models import Item, Tag
from ..reader import queries
from ..reader.http import lookup_tag_once, with_query
from ..tag_services import FoundBy
from .cursors import Keyset, KeysetPagination
from .filters import (
    LINK_ORDER,
    ApiItemFilterSet,
    ReaderFilterBackend,
    TagSpelling,
    item_order,
    link_ordered,
)
from .serializers import ItemSerializer, TagDetailSerializer, TagSerializer

BAD_REQUEST = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="A parameter is invalid: its name, then what was expected and found.",
)
NOT_FOUND = OpenApiResponse(OpenApiTypes.OBJECT, description="No such published item or tag.")
MOVED = OpenApiResponse(description="Another spelling or a former slug: the current URL.")
# What the public FilterSet's fields mean, for readers of the schema (the rules are its own).
ITEM_FILTERS = [
    OpenApiParameter(
        "tag",
        OpenApiTypes.STR,
        many=True,
        explode=True,
        description="A tag's slug; repeated, items with every one of them (at most 5).",
    ),
    OpenApiParameter(
        "published_after", OpenApiTypes.DATE, description="Published on or after this day."
    ),
    OpenApiParameter(
        "published_before", OpenApiTypes.DATE, description="Published on or before this day."
    ),
    OpenApiParameter(
        "q",
        {"type": "string", "maxLength": 200},
        description="Words in the title or teaser: quoted phrases, `or`, `-word`.",
    ),
]


class JsonOnly(BaseContentNegotiation):
    """JSON whatever the Accept header: one response a URL, as the page cache keeps it."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ApiView(GenericAPIView):
    content_negotiation_class = JsonOnly


def moved(request, name, slug):
    """A 301 to the API URL of ``name`` for ``slug``, with the query string kept."""
    return HttpResponsePermanentRedirect(with_query(request, reverse(name, kwargs={"slug": slug})))


@extend_schema(
    parameters=ITEM_FILTERS,
    responses={200: ItemSerializer(many=True), 301: MOVED, 400: BAD_REQUEST},
)
class ItemList(ApiView, ListAPIView):
    """Published items, newest first (``order=oldest``: oldest first), narrowed by the
    reader site's filters. A search (``q``) lists its 1,000 newest matches, as the search
    page ranks them."""

    serializer_class = ItemSerializer
    filter_backends = [ReaderFilterBackend]
    filterset_class = ApiItemFilterSet
    pagination_class = KeysetPagination

    def get_queryset(self):
        return Item.objects.published().with_tags()

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.filterset.reads_through_links:
            queryset = link_ordered(queryset, self.get_keyset())
        return queryset

    def get_keyset(self):
        order = item_order(self.filterset)
        through = LINK_ORDER if self.filterset.reads_through_links else {}
        return Keyset(f"items:{self.filterset.chosen_order}", Item, order, through=through)

    def list(self, request, *args, **kwargs):
        try:
            return super().list(request, *args, **kwargs)
        except TagSpelling as spelling:
            return HttpResponsePermanentRedirect(spelling.url)


@extend_schema(responses={200: ItemSerializer, 301: MOVED, 404: NOT_FOUND})
class ItemDetail(ApiView, RetrieveAPIView):
    """A published item; a slug it had before an editor changed it answers a 301."""

    serializer_class = ItemSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return Item.objects.published().with_tags()

    def retrieve(self, request, *args, **kwargs):
        try:
            item = self.get_object()
        except Http404:
            # Only a miss looks for an old slug, so a current slug costs no extra query.
            renamed = queries.item_by_old_slug(kwargs["slug"])
            if renamed is None:
                raise
            return moved(request, "api:item", renamed.slug)
        reader_pages.depends_on(names=item.tag_list)  # their names show here
        return Response(self.get_serializer(item).data)


@extend_schema(responses={200: TagSerializer(many=True), 400: BAD_REQUEST})
class TagList(ApiView, ListAPIView):
    """Tags with at least one published item, by slug, with their published items' count."""

    serializer_class = TagSerializer
    pagination_class = KeysetPagination

    def get_queryset(self):
        return queries.tags_with_published_items().order_by("slug")

    def get_keyset(self):
        return Keyset("tags", Tag, ("slug",))

    def list(self, request, *args, **kwargs):
        tags = self.paginate_queryset(self.get_queryset())
        counts = queries.published_item_counts(tags)
        for tag in tags:
            tag.item_count = counts.get(tag.pk, 0)
        return self.get_paginated_response(self.get_serializer(tags, many=True).data)


@extend_schema(responses={200: TagDetailSerializer, 301: MOVED, 404: NOT_FOUND})
class TagDetail(ApiView):
    """A tag with published items. A retired slug, an alias or the name in another spelling
    answers a 301 to the tag's current URL, as the tag's page does."""

    serializer_class = TagDetailSerializer
    queryset = Tag.objects.none()  # for the schema: the tag is found by tag_services

    def get(self, request, slug):
        match = lookup_tag_once(request, slug)
        if match is None:
            raise NotFound(f"No tag with the slug “{slug}”.")
        if match.found_by != FoundBy.SLUG:
            return moved(request, "api:tag", match.tag.slug)
        tag = match.tag
        tag.item_count = queries.tag_item_count(tag)
        if not tag.item_count:
            # Only drafts or items still to come: readers must not learn the tag exists.
            raise NotFound(f"No tag with the slug “{slug}”.")
        return Response(self.get_serializer(tag).data)


def not_found(request, *args, **kwargs):
    """Any other URL under /api/: a JSON 404, as the API's own are."""
    return JsonResponse({"detail": "No such URL in the API."}, status=404)


def json_not_found(view):
    """``view`` with its Http404 answered as JSON (a view outside DRF: tag_spelling)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404 as missing:
            return JsonResponse({"detail": str(missing)}, status=404)

    return wrapper


def allow_empty_filters(result, generator, request, public):
    """drf-spectacular hook: the dates, ``q`` and ``order`` take an empty value as none given
    (``?q=&published_after=``), as the public pages' forms send them; OpenAPI says so with
    ``allowEmptyValue``. An empty ``tag`` names no tag: a 400."""
    filters = {"published_after", "published_before", "q", "order"}
    for operation in result["paths"].get("/api/items/", {}).values():
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and parameter["name"] in filters:
                parameter["allowEmptyValue"] = True
    return result


@cache
def openapi_schema():
    """The schema, generated once a process: it depends on the code alone."""
    return SchemaGenerator().get_schema(request=None, public=True)


@extend_schema(exclude=True)
class SchemaView(SpectacularJSONAPIView):
    """The OpenAPI 3 schema of the API, as JSON."""

    def get(self, request, *args, **kwargs):
        return Response(openapi_schema())
