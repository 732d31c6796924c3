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

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

# Long enough for a restart or a fail-over; load balancers and crawlers read it.
RETRY_AFTER_SECONDS = 30


def database_unavailable(error):
    """True for the errors of a database that is away: not reachable, or gone mid-request."""
    return isinstance(error, OperationalError | InterfaceError)


def server_error(request, template_name="500.html"):
    if database_unavailable(sys.exc_info()[1]):
        return unavailable_response()
    return defaults.server_error(request, template_name)


def unavailable_response():
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
