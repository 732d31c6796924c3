"""Preview pages: an item not yet visible to readers, on its page and on its tags' pages,
as readers will see them once it is published (``articles.previews`` makes the links).

The reader views themselves, fed the previewed item: the pages follow every change to the
reader's templates. What differs is only what a preview must be: found by its signed token
(tampered or expired: 404), never cached (no page cache, ``Cache-Control: no-store``), kept
out of search engines (``X-Robots-Tag`` and ``<meta name="robots">``), marked by a banner,
and read from the primary database, so that an editor's save shows at once.
"""

from functools import wraps

from django.db.models import Q
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from newsroom.routers import reading_from_replica

from .. import previews
from ..models import Item, Tag, TaggedItem
from ..models.items import TAG_PAGE_ORDER
from ..models.visibility import published_rule
from .paging import IndexedList
from .views import ItemView, TagView

ROBOTS = "noindex, nofollow"


def preview_page(view):
    """Never cached anywhere, never indexed, read from the primary."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with reading_from_replica(False):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()  # its template's queries too, not after the block
        add_never_cache_headers(response)  # "no-store", and replaces the reader's "public"
        response["X-Robots-Tag"] = ROBOTS
        return response

    return wrapper


class PreviewMixin:
    """The previewed item, from the URL's token, dressed as it will be once published."""

    def load_item(self):
        item = previews.item_for_token(self.kwargs["token"])
        if item is None:
            raise Http404("No such preview: the link is wrong or has expired.")
        self.previewed = item
        self.visible = not previews.needs_preview(item)
        if item.published_at is None:
            item.published_at = timezone.now()  # what publishing it now would give it
        self.link_previews(item)
        return item

    def link_previews(self, item):
        # Within the preview, the item and its tags link to their previews: their public
        # pages do not show the item yet (or do not exist yet).
        token = self.kwargs["token"]
        url = reverse("preview:item", kwargs={"token": token})
        item.get_absolute_url = lambda: url
        for tag in item.tag_list:
            tag.get_absolute_url = lambda tag=tag: previews.preview_tag_url(token, tag)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            preview_item=self.previewed,
            preview_visible=self.visible,
            preview_robots=ROBOTS,
            preview_expires=previews.expires_at(self.kwargs["token"]),
            canonical_url=self.request.build_absolute_uri(self.public_path()),
        )
        return context


class ItemPreview(PreviewMixin, ItemView):
    template_name = "articles/preview/item.html"

    def get_object(self, queryset=None):
        return self.load_item()

    def redirect_from_old_slug(self):
        return None  # the token names the item: a preview has no old addresses

    def public_path(self):
        return Item.get_absolute_url(self.object)


class TagPreview(PreviewMixin, TagView):
    """A tag's page with the previewed item where it will stand, opened on its page."""

    template_name = "articles/preview/tag.html"

    def get(self, request, *args, **kwargs):
        item = self.load_item()
        self.tag = next((t for t in item.tag_list if t.slug == kwargs["slug"]), None)
        if self.tag is None:
            raise Http404(f"The previewed item is not tagged {kwargs['slug']!r}.")
        # The page as it opens, unfiltered: filters are the readers' own.
        self.filterset = self.filterset_class({}, queryset=Item.objects.none(), request=request)
        self.filterset.is_valid()
        self.object_list = self.preview_list()
        if "page" not in request.GET:
            self.kwargs["page"] = self.item_page_number()
        return self.render_to_response(self.get_context_data(filterset=self.filterset))

    def links(self):
        """The tag's links readers will see: those visible now and the previewed item's."""
        shown = published_rule() | Q(content_object=self.previewed)
        return TaggedItem.objects.filter(tag=self.tag).filter(shown)

    def preview_list(self):
        keys = self.links().order_by("position", "id").values("id")
        return IndexedList(keys, self.fetch, Item)

    def fetch(self, keys):
        items = list(Item.objects.linked_by(keys).order_by(*TAG_PAGE_ORDER))
        for index, item in enumerate(items):
            if item.pk == self.previewed.pk:
                items[index] = self.previewed
        return items

    def item_page_number(self):
        link = TaggedItem.objects.get(tag=self.tag, content_object=self.previewed)
        before = self.links().filter(
            Q(position__lt=link.position) | Q(position=link.position, id__lt=link.id)
        )
        return before.count() // self.paginate_by + 1

    def get_paginator(self, queryset, per_page, **kwargs):
        return self.paginator_class(queryset, per_page, **kwargs)  # counted, not cached

    def public_path(self):
        return Tag.get_absolute_url(self.tag)


app_name = "preview"

urlpatterns = [
    path("<str:token>/", preview_page(ItemPreview.as_view()), name="item"),
    path("<str:token>/tags/<slug:slug>/", preview_page(TagPreview.as_view()), name="tag"),
]
