"""Reading what the site and the commands answer: strict HTML, texts, messages, output."""

import signal
from contextlib import contextmanager
from io import StringIO
from types import SimpleNamespace
from unittest import mock

import html5lib
from django.contrib.messages import get_messages
from django.core import signing
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

# The titles of the items a reader page lists (home, tag page, search results).
LISTED_TITLES = ".//main//article/h2/a"


def parse_strictly(content):
    """Parse HTML with html5lib's strict parser: raises on the first parse error."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(content)


def texts(document, xpath):
    return ["".join(node.itertext()).strip() for node in document.iterfind(xpath)]


def titles_on(response):
    """The titles a reader page lists, top to bottom (the page must be valid HTML)."""
    return texts(parse_strictly(response.content), LISTED_TITLES)


def messages_of(response):
    """The messages (django.contrib.messages) the response's request was given."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def run_command(name, *args, **options):
    """call_command capturing both streams; returns (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    call_command(name, *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def run_the_worker_once():
    """Run one queued task with django-tasks' database worker, in the test process: the
    worker installs its own SIGINT/SIGTERM handlers, which are put back after."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "db_worker", batch=True, max_tasks=1, reload=False, startup_delay=False, verbosity=0
        )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


@contextmanager
def clock_at(moment):
    """Run with django.utils.timezone.now() at ``moment`` (for "no job to run" tests), and
    django.core.signing's clock too (how old a signed link is: preview links expire)."""
    signing_clock = SimpleNamespace(time=lambda: moment.timestamp())
    with (
        mock.patch("django.utils.timezone.now", return_value=moment),
        mock.patch.object(signing, "time", signing_clock),
    ):
        yield


@contextmanager
def collected_static(root):
    """Run as production does: `collectstatic` into root (the admin's files left out),
    whitenoise serving the hashed, compressed copies and pages linking them."""
    storage = "whitenoise.storage.CompressedManifestStaticFilesStorage"
    with override_settings(
        STATIC_ROOT=root,
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": storage},
        },
    ):
        call_command("collectstatic", "--noinput", "--ignore=admin", verbosity=0)
        yield


# What the admin's change forms post, as a browser would.


def item_form_data(item, **changes):
    """What the change form posts for item, as a browser would (CRLF line ends)."""
    data = {
        "title": item.title,
        "slug": item.slug,
        "teaser": item.teaser.replace("\n", "\r\n"),
        "tag_names": sorted(tag.name for tag in item.tags.all()),
        "status": item.status,
        "published_at_0": "",
        "published_at_1": "",
        "unpublish_at_0": "",
        "unpublish_at_1": "",
    }
    if item.published_at:
        local = timezone.localtime(item.published_at)
        data["published_at_0"] = f"{local:%Y-%m-%d}"
        data["published_at_1"] = f"{local:%H:%M:%S}"
    data.update(changes)
    return data


def revision_form_data(form, **changes):
    """What a revision's form (a revert, a restore) posts with the values it shows."""
    data = {name: form.initial[name] for name in ("title", "slug", "teaser", "tag_names", "status")}
    published_at = form.initial.get("published_at")
    if published_at is not None:
        local = timezone.localtime(published_at)
        data["published_at_0"] = f"{local:%Y-%m-%d}"
        data["published_at_1"] = f"{local:%H:%M:%S}"
    data.update(changes)
    return data


def tag_form_data(tag, **changes):
    """What the tag change form posts: its fields and one empty alias row."""
    data = {
        "name": tag.name,
        "description": tag.description,
        "aliases-TOTAL_FORMS": "1",
        "aliases-INITIAL_FORMS": "0",
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
        "aliases-0-name": "",
        "aliases-0-tag": str(tag.pk),
        "aliases-0-id": "",
    }
    data.update(changes)
    return data


def changelist_queries(client, url, model_admin, per_page, monkeypatch):
    """How many queries the changelist at url runs with per_page rows a page."""
    monkeypatch.setattr(model_admin, "list_per_page", per_page)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert len(response.context["cl"].result_list) == per_page
    return len(queries)
