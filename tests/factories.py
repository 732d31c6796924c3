"""Test data: users, tags, items, digests (the two seeds and small ones built for a test)."""

from datetime import timedelta
from itertools import count
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import slugify

from articles.digest import Digest, DigestItem, parse, render
from articles.importing import DigestSource, import_digests
from articles.models import Item, Tag, TaggedItem
from articles.roles import ensure_roles
from articles.tag_services import tags_for_names

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_PAGE_1 = SEEDS / "000_56f7566008ce34c6.txt"
SEED_PAGE_2 = SEEDS / "001_1cffbcfdcd6e7ae9.txt"

PASSWORD = "secret-pass-123"
HOUR = timedelta(hours=1)
_positions = count(1)


# --- Users ---------------------------------------------------------------------------------


def make_user(username, *groups, **fields):
    """A staff user in these groups ("Editors", "Importers"), with PASSWORD."""
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, is_staff=True, **fields
    )
    # The migration made the groups, but a transactional test before this one may have
    # flushed them.
    roles = ensure_roles()
    user.groups.add(*(roles[name] for name in groups))
    return user


# --- Tags and items ------------------------------------------------------------------------


def tag(name, **fields):
    """The tag of exactly this name, made with these fields (e.g. description) if new."""
    return Tag.objects.get_or_create(name=name, defaults=fields)[0]


def make_item(
    title,
    *tags,
    ago=HOUR,
    status=Item.Status.PUBLISHED,
    published_at=None,
    teaser=None,
    slug=None,
    **fields,
):
    """An item listed under ``tags`` (Tag instances or names), each new one below the earlier.

    A published item is published ``ago`` before now (negative: scheduled) unless
    ``published_at`` is given; any other status has no publication time unless given.
    Names are resolved as editors' are (tags_for_names): any case or dash, or an alias,
    finds the known tag, and an unknown name makes one.
    """
    if published_at is None and status == Item.Status.PUBLISHED:
        published_at = timezone.now() - ago
    item = Item.objects.create(
        title=title,
        slug=slug or slugify(title)[:200] or "item",
        teaser=teaser if teaser is not None else f"Teaser of {title}.\u00a0\u2026",
        status=status,
        published_at=published_at,
        **fields,
    )
    names = [one for one in tags if not isinstance(one, Tag)]
    known = [one for one in tags if isinstance(one, Tag)]
    named = tags_for_names(names) if names else []
    TaggedItem.objects.bulk_create(
        TaggedItem(tag=one, content_object=item, position=next(_positions))
        for one in dict.fromkeys([*known, *named])
    )
    return item


def numbered_stories(name, count):
    """The tag ``name`` with ``count`` published items, "Story 01" first on its page."""
    listed = tag(name)
    for number in range(1, count + 1):
        make_item(f"Story {number:02}", listed)
    return listed


def draft(title, *tags, **fields):
    return make_item(title, *tags, status=Item.Status.DRAFT, **fields)


def scheduled(title, *tags, ahead=HOUR, **fields):
    return make_item(title, *tags, ago=-ahead, **fields)


def tag_names(item):
    """The names of the item's tags, A to Z, as the database has them now."""
    return sorted(one.name for one in Tag.objects.filter(tagged_items__content_object=item))


# --- Digests -------------------------------------------------------------------------------


def seed_titles(path):
    return [item.title for item in parse(path.read_bytes()).items]


def digest_text(tag, *items):
    """A canonical digest; each item is a title or a (title, paragraphs) pair."""
    entries = []
    for item in items:
        title, paragraphs = (
            (item, (f"Teaser of {item}.\u00a0\u2026",)) if isinstance(item, str) else item
        )
        entries.append(DigestItem(title, tuple(paragraphs)))
    return render(Digest(tag=tag, items=tuple(entries)))


def write_digest(folder, name, tag, *items):
    path = Path(folder) / name
    path.write_text(digest_text(tag, *items), encoding="utf-8")
    return path


def import_digest(name, tag, *items, **options):
    """Import one digest_text(tag, *items) as a file called name; returns the summary."""
    data = digest_text(tag, *items).encode()
    return import_digests([DigestSource(name, data=data)], **options)


def logged_in(client, username, *groups):
    """A staff user in these groups, logged in on client."""
    user = make_user(username, *groups)
    client.force_login(user)
    return user
