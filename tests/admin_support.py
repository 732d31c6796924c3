"""Shared set-up for the admin tests: users in each role, items, tags."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Item, Tag
from articles.roles import ensure_roles
from articles.tag_services import tags_for_names


def make_user(username, *groups, **fields):
    user = get_user_model().objects.create_user(
        username=username, password="secret-pass-123", is_staff=True, **fields
    )
    # The migration made the groups, but a transactional test before this one may have
    # flushed them.
    roles = ensure_roles()
    user.groups.add(*(roles[name] for name in groups))
    return user


def make_item(title, *tag_names, **fields):
    fields.setdefault("status", Item.Status.PUBLISHED)
    if fields["status"] == Item.Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now())
    fields.setdefault("slug", title.lower().replace(" ", "-"))
    fields.setdefault("teaser", f"Teaser of {title}.\u00a0\u2026")
    item = Item.objects.create(title=title, **fields)
    if tag_names:
        item.tags.set(tags_for_names(tag_names))
    return item


def tag_names(item):
    return sorted(tag.name for tag in Tag.objects.filter(tagged_items__content_object=item))


def log_in(client, username, *groups):
    """A staff user in these groups, logged in on client."""
    user = make_user(username, *groups)
    client.force_login(user)
    return user
