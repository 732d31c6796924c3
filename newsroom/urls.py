from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from articles.reader.http import listing_page, public_view
from articles.reader.sitemaps import SITEMAPS
from newsroom.health import healthz

# A request that fails for want of the database gets a 503 page, any other failure the 500.
handler500 = "newsroom.errors.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Password change (logged) and reset by email, before the admin's catch-all.
    path("admin/", include("articles.admin.people")),
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        listing_page(public_view(sitemap_views.index)),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        listing_page(public_view(sitemap_views.sitemap)),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    # Signed, expiring links to items readers cannot see yet (articles/reader/preview.py).
    path("preview/", include("articles.reader.preview")),
    # The content API: published items and tags as JSON, with its OpenAPI schema.
    path("api/", include("articles.api.urls")),
    path("", include("articles.reader.urls")),
]
