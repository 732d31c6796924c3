"""URLs of slug pages (an item's, a tag's) without Django's reverse() for each one.

reverse() matches the URL map for every call: 40 microseconds, 40 times on the home page
(each story and each of its tags links to its page). The URL of a slug page is the same
text around the slug, so reverse() runs once per view name, script prefix and URL map, and
the slug is put in its place quoted as reverse() quotes it.
"""

from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_MARKER = "slug-url-marker"
# What reverse() leaves unquoted (django.urls.resolvers: RFC 3986's sub-delimiters and /~:@).
_SAFE = "!$&'()*+,;=/~:@"


@lru_cache(maxsize=64)
def _around(viewname, script_prefix, urlconf):
    head, tail = reverse(viewname, urlconf=urlconf, kwargs={"slug": _MARKER}).split(_MARKER)
    return head, tail


def slug_url(viewname, slug):
    """reverse(viewname, kwargs={"slug": slug}) for a URL whose one parameter is a slug."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    head, tail = _around(viewname, get_script_prefix(), urlconf)
    return head + quote(str(slug), safe=_SAFE) + tail
