"""Gunicorn, the production app server: ``gunicorn -c newsroom/gunicorn.conf.py`` (make serve).

Settings from the environment, like the app's own: BIND (default 127.0.0.1:8000, e.g.
0.0.0.0:8000 behind a load balancer or unix:/run/newsroom.sock behind a local proxy),
WEB_CONCURRENCY (worker processes, default 2 × cores + 1) and GUNICORN_TIMEOUT. Any other
gunicorn setting can be given in GUNICORN_CMD_ARGS, e.g. "--forwarded-allow-ips=10.0.0.0/8".
"""

import multiprocessing
import os

wsgi_app = "newsroom.wsgi:application"

bind = [os.environ.get("BIND") or "127.0.0.1:8000"]

# Synchronous workers, one request each at a time: the pages are database-bound and short.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)

# A worker silent for this long is killed and replaced (a stuck query, a hung client).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
# On SIGTERM or a restart (SIGHUP), workers finish the requests they have for up to this long.
graceful_timeout = 30
# Workers are replaced, one at a time and gracefully, after about this many requests: what a
# slow leak would hold is given back.
max_requests = 1000
max_requests_jitter = 100

# Django is imported once in the master and the workers share its memory. Safe: nothing
# connects to a database or Redis while the app loads (connections open on first use, in the
# workers); pre_fork below makes sure of it. New code needs a restart, not a SIGHUP.
preload_app = True

# One line a request on standard output (the load balancer's and the proxy's own logs aside),
# with the time taken in milliseconds; errors on standard error.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

# Gunicorn's control socket is one path a user ($HOME/.gunicorn/gunicorn.ctl): a second server
# on the machine would take it over. Signals do what we need (TERM, HUP, TTIN/TTOU).
control_socket_disable = True


def pre_fork(server, worker):
    # A connection opened in the master would be shared by every worker forked from it.
    from django.db import connections

    connections.close_all()
