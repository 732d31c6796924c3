"""The public URL map (shared/DESIGN.md): keep these paths."""

from django.urls import path

from . import feeds, views
from .http import public_view

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("tags/", views.TagIndexView.as_view(), name="tag_index"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("tags/<slug:slug>/feed/", public_view(feeds.TagFeed()), name="tag_feed"),
    path("tags/<slug:slug>/atom/", public_view(feeds.TagAtomFeed()), name="tag_atom"),
    path("items/<slug:slug>/", views.ItemView.as_view(), name="item"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", public_view(feeds.LatestItemsFeed()), name="feed"),
    path("atom/", public_view(feeds.LatestItemsAtomFeed()), name="atom"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
]
