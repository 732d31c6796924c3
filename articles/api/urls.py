"""The content API's URLs, under /api/.

Anonymous GETs are served from the readers' page cache (``reader_pages``) under the versions
of the reader pages showing the same things (``reader.http``): the lists under ``listing``
(every write of items, a tag's rename, merge or deletion), a tag under its own page's
versions, an item under its page's and, recorded while it renders, its tags' names.
"""

from django.urls import path, re_path

from ..reader.http import item_page, listing_page, public_view, tag_page, tag_spelling
from . import views

app_name = "api"

urlpatterns = [
    path("items/", listing_page(public_view(views.ItemList.as_view())), name="items"),
    path("items/<slug:slug>/", item_page(public_view(views.ItemDetail.as_view())), name="item"),
    path("tags/", listing_page(public_view(views.TagList.as_view())), name="tags"),
    path("tags/<slug:slug>/", tag_page(public_view(views.TagDetail.as_view())), name="tag"),
    # A tag's name where its slug goes (/api/tags/Россия/): a 301 to the tag's URL.
    path("tags/<str:spelling>/", views.json_not_found(tag_spelling("api:tag"))),
    path("schema/", public_view(views.SchemaView.as_view()), name="schema"),
    re_path(r"", views.not_found),
]
