"""The reader site: home, tag index, tag pages, items and search.

Thin views over ``Item.objects.published()`` and ``reader.queries``: each page runs a fixed
number of SQL queries whatever its length. Responses are public and cacheable for
``READER_CACHE_SECONDS``; ConditionalGetMiddleware adds the ETag and answers 304.
"""

import logging

from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.text import Truncator
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, TemplateView

from .. import reader_pages
from ..exporting import ExportError, ExportProblem, tag_page_digest
from ..models import Item
from ..tag_services import FoundBy
from . import queries, search
from .filters import WIRE, SearchFilterSet, TagPageFilterSet, unfiltered
from .http import (
    DESCRIPTION_LENGTH,
    SITE_DESCRIPTION,
    SITE_NAME,
    canonical_tag_filter,
    lookup_tag_once,
    public,
    public_view,
    with_query,
)
from .paging import IndexPaginator

POPULAR_TAGS = 12
# The site's icon (base.html links it) and how long /favicon.ico's redirect to it is kept.
FAVICON = "reader/favicon.svg"
FAVICON_CACHE_SECONDS = 7 * 24 * 60 * 60
logger = logging.getLogger(__name__)


class PublicPageMixin:
    """Cache headers, canonical URL and the meta description every reader page has."""

    page_title = ""
    description = SITE_DESCRIPTION
    og_type = "website"

    def dispatch(self, request, *args, **kwargs):
        return public(super().dispatch(request, *args, **kwargs))

    def get_page_title(self):
        return self.page_title

    def get_description(self):
        return self.description

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        title = self.get_page_title()
        path = self.request.path
        page = context.get("page_obj")
        if page is not None:
            context["page_range"] = page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            )
            if page.number > 1:
                # Later pages are pages of their own; filters and page 1 are not.
                title = f"{title}, page {page.number}"
                path = f"{path}?{self.page_kwarg}={page.number}"
        context.update(
            site_name=SITE_NAME,
            page_title=title,
            full_title=f"{title} | {SITE_NAME}",
            description=Truncator(self.get_description()).chars(DESCRIPTION_LENGTH),
            canonical_url=self.request.build_absolute_uri(path),
            og_type=self.og_type,
        )
        context.setdefault("highlight_words", ())
        return context


class HomeView(PublicPageMixin, ListView):
    template_name = "articles/home.html"
    context_object_name = "items"
    paginate_by = 20
    paginator_class = IndexPaginator
    page_title = "Latest news"

    def get_queryset(self):
        return queries.latest_items()

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        paginator.count = queries.published_count()
        return paginator

    def get_context_data(self, **kwargs):
        return super().get_context_data(popular_tags=queries.most_used_tags(POPULAR_TAGS), **kwargs)


class TagIndexView(PublicPageMixin, TemplateView):
    template_name = "articles/tag_index.html"
    page_title = "All tags"
    description = "Every subject on the wire, A to Z, with the number of stories in each."

    def get_context_data(self, **kwargs):
        tags = queries.tag_counts()
        return super().get_context_data(
            tags=tags,
            groups=queries.by_initial(tags),
            popular_tags=queries.most_used_tags(POPULAR_TAGS, tags),
            **kwargs,
        )


class FilteredListMixin:
    """A list narrowed by a django-filter set; invalid filters answer 400 with the errors."""

    filterset_class = None
    # A request with no parameter but the page reads filters.unfiltered() instead (its
    # template must read no more of the filter set than UnfilteredSet holds).
    unfiltered_set = False

    def get(self, request, *args, **kwargs):
        if self.unfiltered_set and request.GET.keys() <= {self.page_kwarg}:
            self.filterset = unfiltered(self.filterset_class)
        else:
            self.filterset = self.filterset_class(
                request.GET, queryset=self.get_queryset(), request=request
            )
        if not self.filterset.is_valid():
            # ?tag=dprk: another spelling of a tag answers a 301 to the tag's slug.
            canonical = canonical_tag_filter(request) if "tag" in self.filterset.errors else None
            if canonical is not None:
                return HttpResponsePermanentRedirect(canonical)
            self.object_list = Item.objects.none()
            context = self.get_context_data(filterset=self.filterset)
            return self.render_to_response(context, status=400)
        self.object_list = self.get_object_list()
        context = self.get_context_data(filterset=self.filterset)
        return self.render_to_response(context)

    def get_object_list(self):
        return self.filterset.qs


class TagView(FilteredListMixin, PublicPageMixin, ListView):
    template_name = "articles/tag.html"
    context_object_name = "items"
    paginate_by = 10
    paginator_class = IndexPaginator
    filterset_class = TagPageFilterSet
    unfiltered_set = True

    def get(self, request, *args, **kwargs):
        match = lookup_tag_once(request, kwargs["slug"])
        if match is None:
            raise Http404(f"No tag with the slug {kwargs['slug']!r}.")
        if match.found_by != FoundBy.SLUG:
            # A slug retired by a rename or merge, or another spelling of the tag: 301 to
            # its page, query string (?page=2) kept. A current slug costs no extra query.
            return HttpResponsePermanentRedirect(with_query(request, match.tag.get_absolute_url()))
        self.tag = match.tag
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return Item.objects.published().for_tag(self.tag)

    def get_object_list(self):
        if self.filterset.narrowed:
            return super().get_object_list()
        # The plain tag page, in any order: read from the tag's published links.
        return queries.tag_page(self.tag, self.filterset.form.cleaned_data.get("order") or WIRE)

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        if self.filterset.is_valid() and not self.filterset.narrowed:
            # The plain tag page: its count is the slow part at scale, and is cached.
            paginator.count = queries.tag_item_count(self.tag)
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(tag=self.tag, **kwargs)
        published = self.published_count(context)
        if not published:
            # Only drafts or items still to come: readers must not learn the tag exists.
            raise Http404(f"No published items tagged {self.tag.name!r}.")
        page = context.get("page_obj")
        plain = self.filterset.is_valid() and not self.filterset.narrowed
        plain = plain and not self.filterset.form.cleaned_data.get("order")
        # The digest of the page shown; a filtered or reordered list has none of its own.
        number = page.number if plain and page is not None else 1
        digest_url = reverse("articles:tag_digest", kwargs={"slug": self.tag.slug})
        context.update(
            indexed=queries.is_indexed(published),
            digest_url=f"{digest_url}?page={number}" if number > 1 else digest_url,
            digest_of_this_page=plain,
        )
        return context

    def published_count(self, context):
        """The tag's published items: the plain page's exact count, read once (cached)."""
        if self.filterset.is_valid() and not self.filterset.narrowed:
            return context["paginator"].count
        return queries.tag_item_count(self.tag)

    def get_page_title(self):
        return f"Contents tagged with {self.tag.name}"

    def get_description(self):
        fallback = f"Stories tagged {self.tag.name}: titles and teasers from the wire."
        return self.tag.description or fallback


class ItemView(PublicPageMixin, DetailView):
    template_name = "articles/item.html"
    context_object_name = "item"
    og_type = "article"

    def get_queryset(self):
        return Item.objects.published().with_tags()

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # Only a miss looks for an old slug, so a current slug costs no extra query.
            redirect = self.redirect_from_old_slug()
            if redirect is None:
                raise
            return redirect

    def redirect_from_old_slug(self):
        """A 301 to the item's page for a slug it had before an editor changed it, or None."""
        item = queries.item_by_old_slug(self.kwargs["slug"])
        if item is None:
            return None
        return HttpResponsePermanentRedirect(with_query(self.request, item.get_absolute_url()))

    def get_page_title(self):
        return self.object.title

    def get_description(self):
        return self.object.paragraphs[0]

    def get_context_data(self, **kwargs):
        tags = queries.ordered_tags(self.object)
        reader_pages.depends_on(tags=tags)  # their names, and their items as related items
        return super().get_context_data(
            tags=tags, related_items=queries.related_items(self.object, tags), **kwargs
        )


class SearchView(FilteredListMixin, PublicPageMixin, ListView):
    template_name = "articles/search.html"
    context_object_name = "items"
    paginate_by = 10
    page_title = "Search"
    description = "Search the stories from the wire by words in their titles and teasers."
    filterset_class = SearchFilterSet

    def get_queryset(self):
        return Item.objects.published().with_tags()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        valid = self.filterset.is_valid()
        query = self.filterset.query if valid else ""
        paginator = context.get("paginator")
        context.update(
            searched=valid and self.filterset.narrowed,
            query=query,
            # search.find() counts one match beyond MAX_RESULTS: "1,000+ results".
            result_count=search.count_label(self.result_count) if paginator else "0",
            highlight_words=search.highlight_words(query),
            popular_tags=queries.most_used_tags(POPULAR_TAGS),
        )
        return context

    def paginate_queryset(self, queryset, page_size):
        if not self.filterset.is_valid() or not self.filterset.narrowed:
            return None, None, queryset.none(), False  # the bare form: nothing to count
        return super().paginate_queryset(queryset, page_size)

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        if self.filterset.match_count is not None:
            paginator.count = self.filterset.match_count  # the search read them: no COUNT
        self.result_count = paginator.count
        if self.result_count > search.MAX_RESULTS:
            paginator.count = search.MAX_RESULTS  # pages of the best MAX_RESULTS only
        return paginator

    def get_page_title(self):
        if self.filterset.is_valid() and self.filterset.query:
            return f"Search: {self.filterset.query}"
        return self.page_title


@public_view
def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """/favicon.ico, which browsers ask for when a page names no icon (a text page such as
    digest.txt cannot): a redirect to the icon the HTML pages name. A 302 kept a week, not a
    permanent 301: the target is the icon's hashed name, which changes with the icon (the
    hashed file itself whitenoise lets browsers keep for ten years)."""
    response = HttpResponseRedirect(static(FAVICON))
    patch_cache_control(response, public=True, max_age=FAVICON_CACHE_SECONDS)
    return response


@public_view
def tag_digest(request, slug):
    """A tag's page as a digest (/tags/<slug>/digest.txt?page=N): what export_digest writes
    for the tag and page, the same rendering (exporting.tag_page_digest), readers' items
    only. ?page reads as on the HTML tag page: absent or empty is 1, "last" the last page,
    anything else not a page of the tag a 404, as is a tag readers have no item of. Other
    spellings of the tag were sent to its slug before (urls: canonical_tag_url)."""
    match = lookup_tag_once(request, slug)
    if match is None:
        raise Http404(f"No tag with the slug {slug!r}.")
    try:
        page = tag_page_digest(match.tag, page=request.GET.get("page") or 1)
    except ExportError as exc:
        if exc.problem != ExportProblem.UNREADABLE:
            raise Http404(str(exc)) from exc
        # An editor's text the format cannot carry (two items titled alike on one page): the
        # page exists and the request is right, so neither a 404 nor a crash; not cached.
        logger.warning("digest not served: %s", exc)
        return HttpResponse(
            f"This page cannot be served as a digest until an editor fixes it: {exc}",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse(
        page.data,
        content_type="text/plain; charset=utf-8",
        # The wire's file name for the page: import_digests reads the page number from it.
        headers={"Content-Disposition": f'inline; filename="{page.file_name}"'},
    )
