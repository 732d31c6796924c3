"""The readers' cache: pages and counts, exact at every moment (the pages are served by
``reader_pages``, under the versions kept here).

Nothing here expires to be right. Every cached thing is stored under the *versions* of what it
shows, and every write that changes what readers see replaces those versions once its
transaction commits, so the next reader computes afresh; a rolled-back write (or a dry run)
replaces nothing. A version is a random token kept in the cache itself: an evicted one comes
back as a new token, which only ever drops entries, never revives them.

The versions, and what replaces them:

- ``listing``: every page that shows the site as a whole (home, tag index, search, the site's
  feeds, the sitemaps) and the counts of the tag lists. Every write of items, and a tag's
  rename, merge or deletion, and the undo of one.
- ``item:<slug>``: an item's page. A change to the item, its tags, or its deletion.
- ``tag:<pk>``: a tag's page and counts, and the pages of its items (their related items and
  tag names). A change to any of its items, to its list, its name or its description.
- ``tagset:<pk>``: a tag's feeds, whose items list their tags: an item of the tag gained or
  lost a tag.
- ``name:<pk>``: a tag's name where other tags' feeds show it. A rename, merge or deletion.
- ``about:<pk>``: a tag's description, on its page and feeds. An edit of the description.
- ``slugs``: which tag a current slug names (``tag_for_slug``), so that a cached tag page
  costs no query. A rename, merge or deletion.
- ``vocabulary``: no page, the tag names and aliases that tag suggestions match
  (``suggestions.vocabulary``). A rename, merge or deletion, their undos, an alias edited.

A page's own versions are known from its URL (``item:<slug>``, ``tag:<pk>`` once the slug is
resolved: ``tag_for_slug``); the versions of the other tags an item page or a tag feed shows are its
*dependencies*, recorded by the view while it renders (``depends_on``) and stored with the
page's own versions. A page is stored only when it rendered exactly the dependencies it was
keyed with, so a record out of date never keeps a stale page.

Time: readers see an item from ``published_at`` to ``unpublish_at`` with no job to run. Every
entry is stored with a deadline, the next such boundary of any item (one query, itself cached
under ``listing`` until it passes) or ``READER_PAGE_CACHE_SECONDS`` if sooner, and is checked
against the clock when read: an item scheduled for 10:00 is on every page at 10:00.

Pages are served from the cache only to anonymous GET and HEAD requests (a request with a
session cookie may be an editor's: it neither reads nor fills the cache), and only successful
responses that set no cookie are stored; redirects and 404s are computed every time. The
headers stored are the view's own (Cache-Control, Content-Type, Last-Modified):
ConditionalGetMiddleware adds the same ETag to a cached page as to a fresh one.

With the dummy cache (``CACHE_DISABLED=1``) nothing is cached, read or invalidated. When the
cache server fails, pages are computed from the database and nothing raises
(``cache_health``: what a failed invalidation means, and how it is made good).
"""

import secrets
from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from newsroom.routers import reading_from_replica

from . import cache_health
from .cache_health import CacheUnavailable, call, quietly
from .models import Item, TaggedItem

LISTING = "listing"
SLUGS = "slugs"
VOCABULARY = "vocabulary"
PREFIX = "reader"
# The versions of other tags the page being rendered showed (reader_pages.depends_on).
RECORDED_DEPENDENCIES = ContextVar("reader_cache_dependencies", default=None)


def enabled():
    """False with the dummy cache (CACHE_DISABLED=1): nothing to read, store or drop."""
    return not isinstance(caches["default"], DummyCache)


# --- Versions ------------------------------------------------------------------------------


def _version_key(name):
    return f"{PREFIX}:v:{name}"


def versions(names):
    """The current token of each version (created when missing), in the order given; each
    qualified by the epoch, which replaces them all at once (cache_health)."""
    keys = [cache_health.EPOCH_KEY, *(_version_key(name) for name in names)]
    found = call(cache.get_many, keys)
    tokens = []
    for key in keys:
        token = found.get(key)
        if token is None:
            token = secrets.token_hex(8)
            if not call(cache.add, key, token, None):
                token = call(cache.get, key) or token
        tokens.append(token)
    epoch, *own = tokens
    return [f"{epoch}.{token}" for token in own]


def _bump(names):
    call(cache.set_many, {_version_key(name): secrets.token_hex(8) for name in names}, None)


def _bump_on_commit(
    *, items=(), tags=(), tagsets=(), names=(), about=(), slugs=False, listing=True
):
    keys = {f"item:{slug}" for slug in items}
    if slugs:
        keys.update([SLUGS, VOCABULARY])  # what changes slugs changes names
    keys.update(f"about:{pk}" for pk in about)
    keys.update(f"tag:{pk}" for pk in tags)
    keys.update(f"tagset:{pk}" for pk in tagsets)
    keys.update(f"name:{pk}" for pk in names)
    if listing:
        keys.add(LISTING)
    if keys:
        # After the commit: a reader never stores what it read before the write under the
        # new versions, and a rollback replaces nothing.
        transaction.on_commit(lambda: cache_health.invalidate(_bump, sorted(keys)))


def _require_transaction():
    # Called before the write: outside a transaction the versions would change before it.
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("expected a transaction around the write, found none")


def _slugs(items):
    return {item.slug for item in items}


def object_pks(objects):
    return {getattr(obj, "pk", obj) for obj in objects}


def _tags_of(items):
    """The ids of the tags the items have now (one query)."""
    pks = [item.pk for item in items if item.pk is not None]
    if not pks:
        return set()
    return set(
        TaggedItem.objects.filter(content_object_id__in=pks)
        .values_list("tag_id", flat=True)
        .distinct()
    )


# --- What writers call (inside their transaction; the versions change when it commits) ----


def items_edited(items):
    """The items' text, status or schedule changed: their pages, their tags' pages, the
    listings."""
    items = list(items)
    if not items or not enabled():
        return
    _bump_on_commit(items=_slugs(items), tags=_tags_of(items))


def items_retagged(items, tags):
    """The items gained or lost ``tags`` (tags or ids). Called while the items still have
    every tag they lose, or with those among ``tags``."""
    items = list(items)
    if not items or not enabled():
        return
    tags = object_pks(tags)
    _bump_on_commit(items=_slugs(items), tags=tags, tagsets=_tags_of(items) | tags)


def items_added(tags):
    """Items created in this transaction joined ``tags``: those tags' pages and feeds, and
    the listings. Not the new items' own versions: no page can be stored under them yet
    (a missing item's URL is a 404, and 404s are never stored), and an import creates
    thousands of items a batch, which would be as many cache writes for nothing."""
    tags = object_pks(tags)
    if tags and enabled():
        _bump_on_commit(tags=tags, tagsets=tags)


def item_saved(item, tag_ids):
    """An editor saved the item (text, schedule, tags); ``tag_ids``: its tags before and
    after the save."""
    if enabled():
        _bump_on_commit(items={item.slug}, tags=set(tag_ids), tagsets=set(tag_ids))


def items_deleted(items):
    """The items are about to be deleted, in this transaction (their tags are read now)."""
    items = list(items)
    if not items or not enabled():
        return
    _require_transaction()
    tags = _tags_of(items)
    _bump_on_commit(items=_slugs(items), tags=tags, tagsets=tags)


def tag_edited(tag):
    """The tag's description changed: its page and feeds only."""
    if enabled():
        _bump_on_commit(about={tag.pk}, listing=False)


def tag_renamed(tag):
    """The tag's name (and slug) changed: wherever its name shows."""
    if enabled():
        _bump_on_commit(tags={tag.pk}, names={tag.pk}, slugs=True)


def aliases_edited():
    """Tag aliases were added, renamed or deleted: only what matches names (suggestions)."""
    if enabled():
        transaction.on_commit(lambda: cache_health.invalidate(_bump, [VOCABULARY]))


def tags_removed(tags, *, into=None):
    """The tags are about to be deleted, or merged ``into`` another: call before, while the
    items still have them."""
    tags = object_pks(tags)
    if not tags or not enabled():
        return
    _require_transaction()
    item_ids = set(
        TaggedItem.objects.filter(tag_id__in=tags).values_list("content_object_id", flat=True)
    )
    slugs = set(Item.objects.filter(pk__in=item_ids).values_list("slug", flat=True))
    changed = tags | ({into.pk} if into is not None else set())
    tagsets = changed | set(
        TaggedItem.objects.filter(content_object_id__in=item_ids)
        .values_list("tag_id", flat=True)
        .distinct()
    )
    _bump_on_commit(items=slugs, tags=changed, tagsets=tagsets, names=tags, slugs=True)


def tags_restored(tags, *, holder=None):
    """The tags are back (an undo of their merge into ``holder``, or of their deletion): call
    after, once the items have them again. What changes is what their removal changed."""
    tags_removed(tags, into=holder)


# --- Deadlines -----------------------------------------------------------------------------


def next_boundary(now):
    """The first moment after ``now`` at which an item appears or disappears, or None."""
    return remember(
        "boundary",
        [LISTING],
        lambda: _next_boundary(now),
        now=now,
        until=lambda boundary: boundary,
    )


def _next_boundary(now):
    times = (
        Item.objects.filter(status=Item.Status.PUBLISHED)
        .filter(Q(published_at__gt=now) | Q(unpublish_at__gt=now))
        .aggregate(
            publish=Min("published_at", filter=Q(published_at__gt=now)),
            unpublish=Min("unpublish_at", filter=Q(unpublish_at__gt=now)),
        )
    )
    found = [moment for moment in times.values() if moment is not None]
    return min(found) if found else None


def at_the_latest(now):
    """The longest anything read now is kept (READER_PAGE_CACHE_SECONDS)."""
    return now + timedelta(seconds=settings.READER_PAGE_CACHE_SECONDS)


def entry_deadline(now):
    """When what is read now may change without a write: the next boundary, at the latest."""
    boundary = next_boundary(now)
    return at_the_latest(now) if boundary is None else min(at_the_latest(now), boundary)


def store_entry(key, deadline, value, now):
    """Stores ``value`` with its deadline, which ``is_fresh`` checks against the clock."""
    seconds = (deadline - now).total_seconds()
    if seconds >= 1:  # the backend keeps it at most this long; the deadline decides
        quietly(cache.set, key, (deadline, value), int(seconds))


def is_fresh(entry, now):
    return entry is not None and now < entry[0]


def remember(name, names, compute, *, now=None, until=None):
    """compute(), cached under the versions ``names`` until the next boundary.

    ``until(value)``: the value's own deadline instead (None: until the versions change).
    """
    if not enabled():
        return compute()
    now = now or timezone.now()
    try:
        key = f"{PREFIX}:{name}:" + ":".join(versions(names))  # before computing, never after
        entry = call(cache.get, key)
    except CacheUnavailable:
        return compute()
    if is_fresh(entry, now):
        return entry[1]
    with reading_from_replica(False):  # what is stored comes from the primary
        value = compute()
    deadline = entry_deadline(now) if until is None else until(value)
    latest = at_the_latest(now)
    store_entry(key, latest if deadline is None else min(deadline, latest), value, now)
    return value
