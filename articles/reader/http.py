"""What every reader response shares: the site's name, and public caching."""

from functools import wraps

from django.conf import settings
from django.utils.cache import patch_cache_control

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
