"""What editors do to items, one or many at a time: publish, schedule, tag.

Every change marks the items as edited (so imports keep the editor's version) and adds one
revision per item to its history, in a constant number of queries whatever the number of
items. The admin's actions and forms call these; they hold no logic of their own.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from . import reader_cache
from .models import Item, TaggedItem
from .tag_pages import link_on_top

EDIT_FIELDS = ["edited_by", "edited_at", "updated_at"]


def _save(items, fields, *, user, reason, now):
    for item in items:
        item.mark_edited(user, now)
        item.updated_at = now
    bulk_update_with_history(
        items, Item, [*fields, *EDIT_FIELDS], default_user=user, default_change_reason=reason
    )
    return items


@transaction.atomic
def publish_items(queryset, *, user=None, now=None):
    """Publish now the items not visible to readers; returns the items changed.

    A scheduled publication time stays; an item with none is published now; an unpublish time
    already past is cleared, or the item would stay hidden.
    """
    now = now or timezone.now()
    changed = []
    for item in queryset.exclude(pk__in=Item.objects.published(at=now).values("pk")):
        item.status = Item.Status.PUBLISHED
        if item.published_at is None or item.published_at > now:
            item.published_at = now
        if item.unpublish_at is not None and item.unpublish_at <= now:
            item.unpublish_at = None
        changed.append(item)
    fields = ["status", "published_at", "unpublish_at"]
    reader_cache.items_edited(changed)
    return _save(changed, fields, user=user, reason="Published", now=now)


@transaction.atomic
def unpublish_items(queryset, *, user=None, now=None):
    """Back to draft; returns the items changed."""
    now = now or timezone.now()
    changed = list(queryset.filter(status=Item.Status.PUBLISHED))
    for item in changed:
        item.status = Item.Status.DRAFT
    reader_cache.items_edited(changed)
    return _save(changed, ["status"], user=user, reason="Unpublished", now=now)


def check_schedule(publish_at, unpublish_at):
    if publish_at is None:
        raise ValidationError("expected a publication time, found none")
    if unpublish_at is not None and unpublish_at <= publish_at:
        raise ValidationError(
            f"expected the unpublish time after the publication time "
            f"({publish_at:%Y-%m-%d %H:%M}), found {unpublish_at:%Y-%m-%d %H:%M}"
        )


@transaction.atomic
def schedule_items(queryset, *, publish_at, unpublish_at=None, user=None, now=None):
    """Readers see the items from publish_at until unpublish_at (never, if None); returns
    the items changed."""
    check_schedule(publish_at, unpublish_at)
    now = now or timezone.now()
    changed = []
    for item in queryset:
        wanted = (Item.Status.PUBLISHED, publish_at, unpublish_at)
        if (item.status, item.published_at, item.unpublish_at) != wanted:
            item.status, item.published_at, item.unpublish_at = wanted
            changed.append(item)
    fields = ["status", "published_at", "unpublish_at"]
    reader_cache.items_edited(changed)
    return _save(changed, fields, user=user, reason="Scheduled", now=now)


@transaction.atomic
def add_tag(queryset, tag, *, user=None, now=None):
    """Tag the items that lack the tag; returns the items changed."""
    now = now or timezone.now()
    changed = list(queryset.exclude(tagged_items__tag=tag))
    link_on_top(tag, [item.pk for item in changed])
    reader_cache.items_retagged(changed, [tag])
    return _save(changed, [], user=user, reason=f"Tag added: {tag.name}", now=now)


@transaction.atomic
def remove_tag(queryset, tag, *, user=None, now=None):
    """Untag the items that have the tag; returns the items changed."""
    now = now or timezone.now()
    changed = list(queryset.filter(tagged_items__tag=tag))
    reader_cache.items_retagged(changed, [tag])
    TaggedItem.objects.filter(tag=tag, content_object__in=changed).delete()
    return _save(changed, [], user=user, reason=f"Tag removed: {tag.name}", now=now)


def set_tags(item, tags):
    """Give item exactly these tags (instances): links it keeps keep their place, new ones go
    on top of their tag's page. An editor's save ends here (the item form, a revert), so this
    is also where readers' cached pages of the item and its old and new tags are dropped."""
    wanted = {tag.pk: tag for tag in tags}
    current = set(TaggedItem.objects.filter(content_object=item).values_list("tag_id", flat=True))
    TaggedItem.objects.filter(content_object=item).exclude(tag_id__in=wanted).delete()
    for tag_id in wanted.keys() - current:
        link_on_top(wanted[tag_id], [item.pk])
    reader_cache.item_saved(item, current | wanted.keys())
