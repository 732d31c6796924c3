"""The cache server as this process sees it: up, or down for a while. reader_cache's only.

The readers' cache is an accelerator, never a dependency: when its server fails (Redis down,
a closed port, a timeout) every call is answered as if the cache were empty, the pages are
computed from the database, and the outage is logged once when it starts and once when it
ends, not per request. After a failure the server is left alone for ``RETRY_SECONDS``, so
that a dead server costs no request a timeout of its own.

Correctness when an invalidation fails: a write whose versions could not be replaced after
its commit leaves entries in the cache that no longer match the database, if the server
comes back with its data (a network cut, not a restart). The process that missed the
invalidation remembers it, stops reading from the cache, and on the first call that reaches
the server again replaces the *epoch*, a version that is part of every other (reader_cache
``versions``), before anything else: every entry is dropped at once, the cache refills from
the database. A process that exits while the server is still away (a command) tries once
more at exit; if that fails too, pages from before its write can be served by other processes
until they expire (``READER_PAGE_CACHE_SECONDS``, an hour by default), or until the cache is
flushed, which the README asks of an operator after a cache outage during writes.
"""

import atexit
import logging
import secrets
import time

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger("articles.reader_cache")

# What a cache client raises when its server is away: redis-py's errors, and sockets' own.
FAILURES = (RedisError, OSError)
RETRY_SECONDS = 5.0
EPOCH_KEY = "reader:v:epoch"


class CacheUnavailable(Exception):
    """The cache server did not answer (or failed less than RETRY_SECONDS ago)."""


class _Health:
    down_since = None  # time.monotonic() of the failure that started the outage
    retry_at = 0.0
    flush_pending = False  # an invalidation was missed: drop everything when it answers


_health = _Health()


def call(operation, *args):
    """operation(*args), a method of the cache; raises CacheUnavailable when it fails."""
    if _health.down_since is not None and time.monotonic() < _health.retry_at:
        raise CacheUnavailable
    try:
        if _health.flush_pending:
            _replace_epoch()
        result = operation(*args)
    except FAILURES as error:
        _failed(error)
        raise CacheUnavailable from error
    if _health.down_since is not None:
        logger.warning(
            "The cache answers again after %.0f s: pages are served from it again.",
            time.monotonic() - _health.down_since,
        )
        _health.down_since = None
    return result


def quietly(operation, *args):
    """call(), for what may be lost (storing a page): None when the cache fails."""
    try:
        return call(operation, *args)
    except CacheUnavailable:
        return None


def invalidate(bump, *args):
    """bump(*args) after a commit, never raising: a miss is remembered (see above)."""
    try:
        call(bump, *args)
    except CacheUnavailable:
        if not _health.flush_pending:
            logger.error(
                "A write's cache invalidation failed: this process reads no page from the "
                "cache, and drops every entry when the cache answers again."
            )
        _health.flush_pending = True


def _replace_epoch():
    cache.set(EPOCH_KEY, secrets.token_hex(8), None)
    _health.flush_pending = False
    logger.warning("The cache's epoch was replaced: every entry from before is dropped.")


def _failed(error):
    now = time.monotonic()
    if _health.down_since is None:
        _health.down_since = now
        logger.error(
            "The cache does not answer (%s): pages are served from the database; trying it "
            "again every %.0f s.",
            error,
            RETRY_SECONDS,
        )
    _health.retry_at = now + RETRY_SECONDS


@atexit.register
def _settle_at_exit():
    """A command that missed an invalidation tries once more before it exits."""
    if _health.flush_pending:
        _health.retry_at = 0.0
        try:
            call(lambda: None)
        except CacheUnavailable:
            logger.error(
                "The cache still does not answer at exit: flush it when it is back "
                "(pages from before this process's writes may be served until then)."
            )
