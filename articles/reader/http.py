"""What every reader response shares: the site's name, public caching, and the page cache's
versions of each kind of page (``reader_cache``)."""

from functools import wraps

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.cache import patch_cache_control

from .. import reader_cache as cache
from .. import reader_pages
from ..tag_services import FoundBy, lookup_tag

SITE_NAME = "Newsroom"
SITE_DESCRIPTION = "News from the wire, by subject: titles and teasers, updated as it files."
DESCRIPTION_LENGTH = 160
# The most ?tag= values looked up for other spellings: the filters accept fewer (MAX_TAGS).
MAX_TAG_SPELLINGS = 10


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


def with_query(request, url):
    """url with the request's query string (?page=2 and every filter) kept."""
    return f"{url}?{request.GET.urlencode()}" if request.GET else url


def canonical_tag_url(url_name):
    """A view of one tag (``slug``) whose other spellings answer a 301 to its own URL: a
    retired slug, an alias, the name in any case or with dashes (tag_services.lookup_tag).
    The view then finds its tag with lookup_tag_once, at no further query."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, slug, **kwargs):
            match = lookup_tag_once(request, slug)
            if match is not None and match.found_by != FoundBy.SLUG:
                url = reverse(url_name, kwargs={"slug": match.tag.slug})
                return HttpResponsePermanentRedirect(with_query(request, url))
            return view(request, *args, slug=slug, **kwargs)

        return wrapper

    return decorate


def tag_spelling(url_name):
    """A view of tag URLs written with what is not a slug, a name in any script or with
    spaces (/tags/Россия/, /tags/North%20Korea/feed/): a 301 to the tag's own URL, or a 404.
    The slug routes come first; a current slug never gets here."""

    def view(request, spelling):
        match = lookup_tag(spelling)
        if match is None:
            raise Http404(f"No tag named {spelling!r}.")
        url = reverse(url_name, kwargs={"slug": match.tag.slug})
        return HttpResponsePermanentRedirect(with_query(request, url))

    return view


def canonical_tag_filter(request, name="tag"):
    """The request's URL with each ``?tag=`` value that is another spelling of a tag replaced
    by the tag's slug, other parameters kept; None when no value is. Read only once the
    filters failed to validate, so that a valid filter costs no query."""
    values = request.GET.getlist(name)
    if not values or len(values) > MAX_TAG_SPELLINGS:
        return None
    canonical = []
    for value in values:
        match = lookup_tag(value)
        canonical.append(match.tag.slug if match is not None else value)
    if canonical == values:
        return None
    query = request.GET.copy()
    query.setlist(name, canonical)
    return f"{request.path}?{query.urlencode()}"


# What each kind of page shows, as versions (reader_cache): None, never cached.


def _listing(request, *args, **kwargs):
    return [cache.LISTING]


def _tag_page(request, slug, **kwargs):
    pk, match = reader_pages.tag_for_slug(slug, lambda: lookup_tag_once(request, slug))
    if pk is None or (match is not None and match.found_by != FoundBy.SLUG):
        return None  # a 404 or a redirect: computed every time, from the database
    names = [f"tag:{pk}", f"about:{pk}"]
    if "tag" in request.GET:
        names.append(cache.LISTING)  # narrowed by other tags: whether they are in use, names
    return names


def _tag_feed(request, slug, **kwargs):
    pk, match = reader_pages.tag_for_slug(slug, lambda: lookup_tag_once(request, slug))
    if pk is None or (match is not None and match.found_by != FoundBy.SLUG):
        return None  # a 404 or a redirect: computed every time, from the database
    return [f"tag:{pk}", f"tagset:{pk}", f"about:{pk}"]


def _tag_digest(request, slug, **kwargs):
    pk, match = reader_pages.tag_for_slug(slug, lambda: lookup_tag_once(request, slug))
    if pk is None or (match is not None and match.found_by != FoundBy.SLUG):
        return None  # a 404 or a redirect: computed every time, from the database
    return [f"tag:{pk}"]  # its name and its items' text, not its description


def _item_page(request, slug, **kwargs):
    return [f"item:{slug}"]


listing_page = reader_pages.cached_page(_listing)
tag_page = reader_pages.cached_page(_tag_page)
tag_feed = reader_pages.cached_page(_tag_feed, dependencies=True)
tag_digest = reader_pages.cached_page(_tag_digest)
item_page = reader_pages.cached_page(_item_page, dependencies=True)
