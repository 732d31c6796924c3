"""/healthz: whether this app server can serve, for load balancers and monitors.

Each database and the cache are tried for real (a query, a write and a read of one key) and
reported apart, as JSON. The status is 503 when a database fails, since no page can then be
served fresh; a cache that fails leaves it at 200, as the site then serves every page from the
database (articles/cache_health.py), slower but whole.
"""

import logging
import secrets

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from articles.cache_health import FAILURES

logger = logging.getLogger(__name__)
OK, FAILING, OFF = "ok", "unavailable", "disabled"


def _database(alias):
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("healthz: database %r: %s", alias, error)
        return FAILING
    return OK


def _cache():
    cache = caches["default"]
    if isinstance(cache, DummyCache):
        return OFF
    token = secrets.token_hex(8)
    try:
        cache.set("healthz", token, 10)
        answered = cache.get("healthz") == token
    except FAILURES as error:
        logger.warning("healthz: cache: %s", error)
        return FAILING
    return OK if answered else FAILING


@never_cache
@require_safe
def healthz(request):
    # The replica only when the router reads from it (DATABASE_REPLICA_URL).
    aliases = ["default", *(["replica"] if settings.DATABASE_ROUTERS else [])]
    databases = {alias: _database(alias) for alias in aliases}
    body = {"databases": databases, "cache": _cache()}
    status = 200 if all(state == OK for state in databases.values()) else 503
    return JsonResponse(body, status=status)
