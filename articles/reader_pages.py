"""The readers' pages served from the cache (reader_cache.py keeps the versions they are
stored under, and what every write replaces): a view wrapped in ``cached_page`` is keyed by
its URL and the versions it names, plus the dependencies it records while it renders
(``depends_on``); ``tag_for_slug`` remembers which tag a current slug names.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone

from newsroom.routers import reading_from_replica

from .cache_health import CacheUnavailable, call, quietly
from .reader_cache import (
    PREFIX,
    RECORDED_DEPENDENCIES,
    SLUGS,
    at_the_latest,
    enabled,
    entry_deadline,
    is_fresh,
    object_pks,
    store_entry,
    versions,
)
from .tag_services import FoundBy


def tag_for_slug(slug, lookup):
    """The pk of the tag whose current slug is ``slug``, or None; ``lookup()`` (the
    database's TagMatch or None) runs only when the answer is not cached. Only current slugs
    are remembered: other spellings and unknown slugs are looked up every time."""
    try:
        key = f"{PREFIX}:slug:{versions([SLUGS])[0]}:{_digest(slug)}"
        pk = call(cache.get, key)
    except CacheUnavailable:
        key = pk = None
    if pk is not None:
        return pk, None
    match = lookup()
    if key is not None and match is not None and match.found_by == FoundBy.SLUG:
        quietly(cache.set, key, match.tag.pk, settings.READER_PAGE_CACHE_SECONDS)
    return (match.tag.pk if match is not None else None), match


def depends_on(*, tags=(), names=()):
    """What the page being rendered shows of other tags: their pages' content (``tags``) or
    their names only (``names``). A no-op outside the page cache."""
    found = RECORDED_DEPENDENCIES.get()
    if found is not None:
        found.update(f"tag:{pk}" for pk in object_pks(tags))
        found.update(f"name:{pk}" for pk in object_pks(names))


def cached_page(versions_of, *, dependencies=False):
    """Serve a reader view from the cache, keyed by its URL and ``versions_of(request,
    **kwargs)`` (None: never cached); ``dependencies``: the view calls depends_on()."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            # What may be stored is read from the primary: its commits replaced the versions
            # it is stored under, a lagging replica's copy would outlive them.
            try:
                with reading_from_replica(False):
                    return _serve(request, view, args, kwargs, versions_of, dependencies)
            except CacheUnavailable:  # raised by a read, before the view ran
                return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _cacheable_request(request):
    return (
        settings.READER_PAGE_CACHE
        and request.method in ("GET", "HEAD")
        # Logged in, or maybe: an editor's pages are never read from nor written to the cache.
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and enabled()
    )


def _serve(request, view, args, kwargs, versions_of, dependencies):
    now = timezone.now()
    names = versions_of(request, *args, **kwargs)
    if names is None:
        return view(request, *args, **kwargs)
    tokens = versions(names)
    deps_key = None
    if dependencies:
        deps_key = f"{PREFIX}:deps:" + _digest(request.path, *names, *tokens)
        entry = call(cache.get, deps_key)
        recorded = entry[1] if is_fresh(entry, now) else None
        if recorded is None:
            response, found = _render(request, view, args, kwargs)
            store_entry(deps_key, at_the_latest(now), found, now)
            return response
        names, tokens = [*names, *recorded], [*tokens, *versions(recorded)]
    key = f"{PREFIX}:page:" + _digest(request.get_full_path(), *names, *tokens)
    entry = call(cache.get, key)
    if is_fresh(entry, now):
        status, content, headers = entry[1]
        return HttpResponse(content, status=status, headers=headers)
    response, found = _render(request, view, args, kwargs)
    if dependencies and found != recorded:
        store_entry(deps_key, at_the_latest(now), found, now)
    elif request.method == "GET" and _storable(request, response):
        value = (response.status_code, response.content, list(response.items()))
        store_entry(key, entry_deadline(now), value, now)
    return response


def _render(request, view, args, kwargs):
    found = set()
    token = RECORDED_DEPENDENCIES.set(found)
    try:
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
    finally:
        RECORDED_DEPENDENCIES.reset(token)
    return response, sorted(found)


def _storable(request, response):
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.accessed)
    )


def _digest(*parts):
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
