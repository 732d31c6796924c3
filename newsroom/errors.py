"""The answer when a request fails for want of the database: 503, a short static page.

Django calls ``server_error`` (handler500) for any exception a request raised, from a view,
a template or a middleware, while the exception is still being handled: a database that
cannot be reached (a refused connection, a connection lost mid-request) is told apart from a
bug there. The page is rendered from a template without a request or a context processor, so
it needs nothing that might itself be down. The connection is dropped with the request
(Django closes one that failed) and opened again by a later request: with persistent
connections, CONN_HEALTH_CHECKS checks a kept one before it is reused, so the site recovers
by itself when the database is back.
"""

import logging
import sys
import time

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

# Long enough for a restart or a fail-over; load balancers and crawlers read it.
RETRY_AFTER_SECONDS = 30
# While the database is away every request fails alike: one log line this often, not a
# traceback a request.
LOG_EVERY_SECONDS = 60

logger = logging.getLogger("django.request")
_last_logged = [float("-inf")]


def database_unavailable(error):
    """True for the errors of a database that is away: not reachable, or gone mid-request."""
    return isinstance(error, OperationalError | InterfaceError)


def server_error(request, template_name="500.html"):
    error = sys.exc_info()[1]
    if database_unavailable(error):
        return unavailable_response(error)
    return defaults.server_error(request, template_name)


def unavailable_response(error):
    now = time.monotonic()
    if now - _last_logged[0] >= LOG_EVERY_SECONDS:
        _last_logged[0] = now
        logger.error(
            "The database does not answer (%s): pages answer 503 (logged once a minute).", error
        )
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # Django's own log of an uncaught exception, a traceback a request, is the line above.
    response._has_been_logged = True
    return response
