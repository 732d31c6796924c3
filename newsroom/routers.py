"""Readers' pages read from the replica; everything else uses the primary.

Settings install ``ReplicaRouter`` and ``ReplicaReadsMiddleware`` when DATABASE_REPLICA_URL
adds the "replica" alias. The middleware marks a request as a reader's: a GET or HEAD outside
the admin from a visitor who is not logged in. Only while such a request runs does the router
send reads to the replica. Writes always go to the primary, and so does every read of the
admin, of a logged-in editor anywhere on the site (they see their own changes at once:
read-your-writes), of management commands, the importer and migrations.

A replica runs a moment behind the primary: what the readers' cache stores is read from the
primary (``reading_from_replica(False)``), so a lagging replica never leaves a stale entry.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.urls import reverse

PRIMARY, REPLICA = "default", "replica"
READ_METHODS = frozenset({"GET", "HEAD"})

_readers_request = ContextVar("readers_request", default=False)


@contextmanager
def reading_from_replica(replica=True):
    """Within this block (a reader's request), the router sends reads to the replica;
    ``replica=False``: to the primary, for what is read to be cached (articles.reader_cache
    stores it under versions the primary's commits replaced: a lagging replica's copy would
    stay cached until the next write)."""
    token = _readers_request.set(replica)
    try:
        yield
    finally:
        _readers_request.reset(token)


def is_readers_request(request):
    return (
        request.method in READ_METHODS
        and not request.path.startswith(reverse("admin:index"))
        # Without a session cookie nobody is logged in: the session is not even read (reading
        # it would keep the page out of the readers' cache).
        and (
            settings.SESSION_COOKIE_NAME not in request.COOKIES or not request.user.is_authenticated
        )
    )


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_readers_request(request):
            return self.get_response(request)
        with reading_from_replica():
            return self.get_response(request)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _readers_request.get() else PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The same rows on both: an object read from the replica may point to one from the
        # primary. Otherwise (an unsaved object) Django's own rule applies.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica copies the primary's schema by replication.
        return db == PRIMARY
