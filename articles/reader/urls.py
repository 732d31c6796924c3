"""The public URL map (shared/DESIGN.md): keep these paths.

Every page but robots.txt and favicon.ico (a redirect to the icon) is served from the page
cache (``reader_cache``) to anonymous readers, under the versions of what it shows (``http``).
"""

from django.urls import path

from . import feeds, views
from .http import (
    canonical_tag_url,
    item_page,
    listing_page,
    public_view,
    tag_digest,
    tag_feed,
    tag_page,
    tag_spelling,
)

app_name = "articles"

urlpatterns = [
    path("", listing_page(views.HomeView.as_view()), name="home"),
    path("tags/", listing_page(views.TagIndexView.as_view()), name="tag_index"),
    path("tags/<slug:slug>/", tag_page(views.TagView.as_view()), name="tag"),
    path(
        "tags/<slug:slug>/feed/",
        tag_feed(canonical_tag_url("articles:tag_feed")(public_view(feeds.TagFeed()))),
        name="tag_feed",
    ),
    path(
        "tags/<slug:slug>/atom/",
        tag_feed(canonical_tag_url("articles:tag_atom")(public_view(feeds.TagAtomFeed()))),
        name="tag_atom",
    ),
    path(
        "tags/<slug:slug>/digest.txt",
        tag_digest(canonical_tag_url("articles:tag_digest")(views.tag_digest)),
        name="tag_digest",
    ),
    # A tag's name where its slug goes (/tags/Россия/): a 301 to the tag's URL.
    path("tags/<str:spelling>/", tag_spelling("articles:tag")),
    path("tags/<str:spelling>/feed/", tag_spelling("articles:tag_feed")),
    path("tags/<str:spelling>/atom/", tag_spelling("articles:tag_atom")),
    path("tags/<str:spelling>/digest.txt", tag_spelling("articles:tag_digest")),
    path("items/<slug:slug>/", item_page(views.ItemView.as_view()), name="item"),
    path("search/", listing_page(views.SearchView.as_view()), name="search"),
    path("feed/", listing_page(public_view(feeds.LatestItemsFeed())), name="feed"),
    path("atom/", listing_page(public_view(feeds.LatestItemsAtomFeed())), name="atom"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
]
