"""Newsroom settings: one module, driven by environment variables.

Defaults suit a laptop (embedded SQLite, no Redis). Production sets DEBUG off and must
then provide SECRET_KEY: the app refuses to start rather than run with a known key.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from newsroom.email_url import email_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable (e.g. to the "
            "output of `python -c 'import secrets; print(secrets.token_urlsafe(50))'`), "
            "or set DEBUG=1 for local development."
        )
    # Only ever reached with DEBUG on: a per-process key is enough for a development server.
    SECRET_KEY = "django-insecure-development-only-" + os.urandom(16).hex()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # "taggit" stays out on purpose: our Tag and TaggedItem models replace its own, and its
    # stock admin and orphan/merge commands only know taggit.Tag (see shared/STYLE.md 8.4).
    # Item revisions (editor saves, bulk actions, imports) with diffs and restore in the admin.
    "simple_history",
    # Background imports: django-tasks' database backend keeps the queue in our own database.
    "django_tasks",
    "django_tasks_db",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves /static/ itself (hashed names cached forever) so app servers need no web server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag on every GET response and a 304 when the client already has it.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records request.user as the author of each revision an admin request makes.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# PostgreSQL connections persist across requests for CONN_MAX_AGE seconds (0: one a request),
# and one that has been idle is checked before a request reuses it, so a restarted or failed-over
# server costs a reconnect, not an error page.
CONN_MAX_AGE = int(os.environ.get("CONN_MAX_AGE", 600))


def database_from_url(url, **options):
    return dj_database_url.parse(url, conn_max_age=CONN_MAX_AGE, conn_health_checks=True, **options)


if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                # WAL lets readers carry on during an import; IMMEDIATE takes the write lock at
                # BEGIN so two writers queue instead of failing with "database is locked".
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

if os.environ.get("DATABASE_REPLICA_URL"):
    if not os.environ.get("DATABASE_URL"):
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL, its primary.")
    # Readers' pages read from the replica; writes, the admin, editors and commands use the
    # primary (newsroom/routers.py). Tests run it as a second connection to the test database.
    DATABASES["replica"] = database_from_url(
        os.environ["DATABASE_REPLICA_URL"], test_options={"MIRROR": "default"}
    )
    DATABASE_ROUTERS = ["newsroom.routers.ReplicaRouter"]
    # After AuthenticationMiddleware: whether the visitor is logged in decides.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "newsroom.routers.ReplicaReadsMiddleware",
    )

# The readers' pages and counts (articles/reader_cache.py): exact, dropped by the writes that
# change them. Every process that writes (the site's workers, the import command, the task
# worker) must drop what every process that reads has cached: one cache all of them share,
# Redis across machines, or files in CACHE_DIR on one machine. Never one per process
# (local memory): an import run beside the site would leave its pages stale.
if env_bool("CACHE_DISABLED"):
    # The test suite: no test sees pages or counts another test cached (even with REDIS_URL).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
elif os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            # A server that does not answer costs a request this long at most, once: then
            # the site leaves it alone for a while (articles/cache_health.py).
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("REDIS_TIMEOUT", 0.5)),
                "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", 0.5)),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.SharedFileCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / ".cache" / "pages")),
            "OPTIONS": {"MAX_ENTRIES": 5_000},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# With DEBUG off, pages link to the hashed, compressed copies `collectstatic` writes (cacheable
# forever); STATIC_MANIFEST=0 links to the files as they are in the apps (the test suite).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# How long browsers and proxies may reuse a public page without asking again: a scheduled item
# shows up at most this late for them (never later in our own cache).
READER_CACHE_SECONDS = int(os.environ.get("READER_CACHE_SECONDS", 60))
# Our own cache of reader pages for anonymous readers (counts are cached either way). Entries
# are exact whatever their age; this only bounds how long a dropped one takes up memory.
READER_PAGE_CACHE = env_bool("READER_PAGE_CACHE", True)
READER_PAGE_CACHE_SECONDS = int(os.environ.get("READER_PAGE_CACHE_SECONDS", 3600))

# Flag items whose title and teaser are nearly another's, on import and on save
# (articles.duplicates); off (0) only to measure an import without it.
DUPLICATE_DETECTION = env_bool("DUPLICATE_DETECTION", True)

# Mail (password resets): printed on the console unless EMAIL_URL names an SMTP server
# (newsroom/email_url.py). DEFAULT_FROM_EMAIL is the sender of what the site mails.
globals().update(email_settings(os.environ.get("EMAIL_URL", "")))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
# A password reset link works this long (Django's default is 3 days).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", 60 * 60 * 24))

# How long a preview link (articles/previews.py) works after the editor made it: long enough
# to send it to a colleague, short enough that a forwarded link stops showing an unpublished
# item. Three days by default.
PREVIEW_MAX_AGE_SECONDS = int(os.environ.get("PREVIEW_MAX_AGE_SECONDS", 3 * 24 * 60 * 60))

# Tags are entered as "North Korea, Climate change": split on commas only, never on spaces
# (taggit's default turns "climate change" into two tags).
TAGGIT_TAGS_FROM_STRING = "articles.tag_names.parse_tag_names"
TAGGIT_STRING_FROM_TAGS = "articles.tag_names.join_tag_names"

# Background tasks (imports from the admin and `import_digests --background`). "database":
# queued in the database, run by `manage.py db_worker` (make run starts one); "immediate":
# run at once in the process that enqueues them (the test suite).
TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_tasks_backend = os.environ.get("TASKS_BACKEND", "database")
if _tasks_backend not in TASKS_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND: expected one of {', '.join(TASKS_BACKENDS)}, found {_tasks_backend!r}"
    )
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[_tasks_backend]}}
# A run whose worker has written nothing for this long is offered a Resume in the admin.
IMPORT_STALLED_SECONDS = int(os.environ.get("IMPORT_STALLED_SECONDS", 300))

# Largest digest file the importer reads; larger files are rejected before parsing.
DIGEST_MAX_BYTES = int(os.environ.get("DIGEST_MAX_BYTES", 2 * 1024 * 1024))

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    # Load balancers probe app servers over plain HTTP, behind the TLS proxy.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Security: headers, login throttling, upload limits (issue 11, item 5) ------------------
# One block, appended to the lists above, so other settings can change without touching it.
INSTALLED_APPS += [
    "csp",  # django-csp: the Content-Security-Policy header
    "axes",  # django-axes: locks out a username+IP after repeated failed logins
]
MIDDLEWARE += [
    # django-csp's, plus the admin's addition below.
    "newsroom.middleware.SiteCSPMiddleware",
    # Permissions-Policy: Django has no setting for it.
    "newsroom.middleware.permissions_policy",
    # Last, as axes asks: turns a lockout into its page.
    "axes.middleware.AxesMiddleware",
]
# Axes' backend first: it refuses a locked-out username+IP before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Our pages, public and admin, load scripts, styles and images from our own origin only: no
# inline <script>, no style="" attributes, no event handlers (tests/browser/test_csp.py).
# Django's own admin templates need nothing more; one third-party template does (below).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # data: for the admin's empty favicon (templates/admin/base_site.html).
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Under /admin/ only: django-simple-history's history list has one style="border-top: 0";
# that attribute is allowed by its hash, and no other inline style or any inline script.
CONTENT_SECURITY_POLICY_ADMIN_UPDATE = {
    "style-src-attr": ["'unsafe-hashes'", "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"]
}
# Django's defaults, made explicit: no URL leaves for other sites; no content-type guessing.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Features no page of ours uses, turned off for every page and anything it might embed.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# After AXES_FAILURE_LIMIT failed logins, that username from that IP address is refused for
# AXES_COOLOFF_HOURS (a correct password included), and an attempt during the lockout starts
# it again (axes' default); other users and addresses are not locked.
# Behind a proxy, REMOTE_ADDR is the proxy's: the lock is then per username.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
# Axes reads a number as hours.
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", 1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
# No "AXES: BEGIN" line at the start of every command; lockouts are still logged.
AXES_VERBOSE = False

# The admin's upload of digests (DigestUploadForm): at most this many files, this many bytes
# in all, and DIGEST_MAX_BYTES each; beyond, the form says which limit and stages nothing.
DIGEST_UPLOAD_MAX_FILES = int(os.environ.get("DIGEST_UPLOAD_MAX_FILES", 100))
DIGEST_UPLOAD_MAX_TOTAL_BYTES = int(
    os.environ.get("DIGEST_UPLOAD_MAX_TOTAL_BYTES", 20 * 1024 * 1024)
)
# Django's own cap, well above ours so that the form (not a bare 400) answers an editor who
# picked too many files; a post beyond it is refused before any view runs.
DATA_UPLOAD_MAX_NUMBER_FILES = 5 * DIGEST_UPLOAD_MAX_FILES
# --- end of the security block -------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- The content API (issue 12, item 4: articles/api/) --------------------------------------
# Django REST framework for the views, drf-spectacular for the OpenAPI schema at /api/schema/.
# Read-only and anonymous: JSON only (no browsable API, whose forms read the session), no
# authentication (nothing reads the session, so responses can be served from the page cache).
INSTALLED_APPS += ["rest_framework", "drf_spectacular"]
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Newsroom content API",
    "DESCRIPTION": "Published items and tags, read-only: the reader site's content as JSON.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "articles.api.views.allow_empty_filters",
    ],
}
