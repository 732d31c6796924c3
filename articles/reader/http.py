"""What every reader response shares: the site's name, public caching, and the page cache's
versions of each kind of page (``reader_cache``)."""

from functools import wraps

from django.conf import settings
from django.utils.cache import patch_cache_control

from .. import reader_cache as cache
from ..tag_services import FoundBy, lookup_tag

SITE_NAME = "Newsroom"
SITE_DESCRIPTION = "News from the wire, by subject: titles and teasers, updated as it files."
DESCRIPTION_LENGTH = 160


def public(response):
    """Mark a successful response as the same for every reader, cacheable for a while."""
    if response.status_code == 200:
        patch_cache_control(response, public=True, max_age=settings.READER_CACHE_SECONDS)
    return response


def public_view(view):
    """``view`` with its successful responses marked public (feeds, sitemaps)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return public(view(request, *args, **kwargs))

    return wrapper


def lookup_tag_once(request, slug):
    """lookup_tag(slug), read once a request: the page cache's key and the view share it."""
    known = getattr(request, "_reader_tag_match", None)
    if known is None or known[0] != slug:
        known = (slug, lookup_tag(slug))
        request._reader_tag_match = known
    return known[1]


# What each kind of page shows, as versions (reader_cache): None, never cached.


def _listing(request, *args, **kwargs):
    return [cache.LISTING]


def _tag_page(request, slug, **kwargs):
    pk, match = cache.tag_for_slug(slug, lambda: lookup_tag_once(request, slug))
    if pk is None or (match is not None and match.found_by != FoundBy.SLUG):
        return None  # a 404 or a redirect: computed every time, from the database
    names = [f"tag:{pk}", f"about:{pk}"]
    if "tag" in request.GET:
        names.append(cache.LISTING)  # narrowed by other tags: whether they are in use, names
    return names


def _tag_feed(request, slug, **kwargs):
    pk, _ = cache.tag_for_slug(slug, lambda: lookup_tag_once(request, slug))
    if pk is None:
        return None
    return [f"tag:{pk}", f"tagset:{pk}", f"about:{pk}"]


def _item_page(request, slug, **kwargs):
    return [f"item:{slug}"]


listing_page = cache.cached_page(_listing)
tag_page = cache.cached_page(_tag_page)
tag_feed = cache.cached_page(_tag_feed, dependencies=True)
item_page = cache.cached_page(_item_page, dependencies=True)
