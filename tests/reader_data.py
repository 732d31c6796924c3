"""Items and tags made directly for the reader-site tests, and page-checking helpers."""

from contextlib import contextmanager
from datetime import timedelta
from itertools import count
from unittest import mock

import html5lib
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Item, Tag, TaggedItem

_positions = count(1)
HOUR = timedelta(hours=1)


def tag(name, **fields):
    return Tag.objects.get_or_create(name=name, defaults=fields)[0]


def publish(title, *tags, ago=HOUR, teaser=None, status=Item.Status.PUBLISHED, published_at=None):
    """An item published ``ago`` before now (negative: scheduled), listed under ``tags``.

    Each new item goes below the earlier ones on its tags' pages.
    """
    item = Item.objects.create(
        title=title,
        slug=slugify(title)[:200] or "item",
        teaser=teaser if teaser is not None else f"Teaser of {title}.\u00a0\u2026",
        status=status,
        published_at=published_at or timezone.now() - ago,
    )
    for name in tags:
        TaggedItem.objects.create(
            tag=name if isinstance(name, Tag) else tag(name),
            content_object=item,
            position=next(_positions),
        )
    return item


def draft(title, *tags):
    return publish(title, *tags, status=Item.Status.DRAFT)


def scheduled(title, *tags, ahead=HOUR):
    return publish(title, *tags, ago=-ahead)


@contextmanager
def clock_at(moment):
    """Run with django.utils.timezone.now() at ``moment`` (for "no job to run" tests)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def parse_strictly(content):
    """Parse HTML with html5lib's strict parser: raises on the first parse error."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(content)


def texts(document, xpath):
    return ["".join(node.itertext()).strip() for node in document.iterfind(xpath)]
