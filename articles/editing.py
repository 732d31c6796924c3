"""What editors do to items, one or many at a time: save, publish, schedule, tag.

Every change marks the items as edited (so imports keep the editor's version) and adds one
revision per item to its history, its tags included, in a constant number of queries
whatever the number of items. A save that changes nothing writes nothing. The admin's
actions and forms call these; they hold no logic of their own.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import duplicates, reader_cache
from .history import Places, record_revisions, remember_tags
from .models import (
    FALLBACK_SLUG,
    Digest,
    DigestEntry,
    Item,
    ItemOldSlug,
    TaggedItem,
    assign_slugs,
    item_slug_base,
)
from .tag_pages import link_at, link_on_top, links_on_top

EDIT_FIELDS = ["edited_by", "edited_at", "updated_at"]
_FALLBACK = re.compile(rf"{FALLBACK_SLUG}(-[0-9]+)?")
# What an editor's form can change: compared with the stored item to tell an unchanged save.
FORM_FIELDS = [field.attname for field in Item._meta.concrete_fields if field.editable]


def _save(items, fields, *, user, reason, now):
    for item in items:
        item.mark_edited(user, now)
        item.updated_at = now
    Item.objects.bulk_update(items, [*fields, *EDIT_FIELDS])
    # After the links are written (add_tag, remove_tag): the revisions record the new tags.
    record_revisions(items, history_type="~", when=now, user=user, reason=reason)
    return items


@transaction.atomic
def save_item(item, tags, *, user):
    """An editor's save of item with exactly these tags (instances): the change form, a
    revert to a revision, the restore of a deleted item. Returns whether anything changed.

    A save that changes nothing (the same fields, publication times to the microsecond, the
    same tags) writes nothing at all: no field, not even who edited it and when, so imports
    still update it; no position; no revision. The admin's own log says "No fields changed."

    Links the item keeps keep their place on their tag pages, and the digest entries stay.
    A deleted item restored goes back where it stood (the places its deletion's revision
    kept): its position on every tag page it gets back, its digest entries.
    A new slug retires the old one, which then redirects to the item (ItemOldSlug).
    A new text is compared with the other items' (duplicates.detect).
    """
    stored = Item.objects.filter(pk=item.pk).first() if item.pk is not None else None
    if stored is not None and not _changed(stored, item, tags):
        return False
    restoring = item.pk is not None and stored is None
    remember_tags(item, tags)
    item.mark_edited(user)
    if stored is not None and stored.slug != item.slug:
        _retire_slug(item, stored.slug)
        reader_cache.items_edited([stored])  # the page cached under the old URL
    item.save()
    places = _deleted_places(item) if restoring else None
    set_tags(item, tags, places=places)
    if places is not None:
        restore_old_slugs(item, places)
    if stored is None or (stored.title, stored.teaser) != (item.title, item.teaser):
        duplicates.detect([item], replaced=[item])
    return True


PUBLISHING_FIELDS = ["status", "published_at", "unpublish_at"]


def keep_publishing(item):
    """Give item its stored status and times (an item deleted since keeps its own)."""
    stored = Item.objects.filter(pk=item.pk).values(*PUBLISHING_FIELDS).first()
    for name, value in (stored or {}).items():
        setattr(item, name, value)


def _changed(stored, item, tags):
    if any(getattr(stored, name) != getattr(item, name) for name in FORM_FIELDS):
        return True
    current = TaggedItem.objects.filter(content_object=stored).values_list("tag_id", flat=True)
    return set(current) != {tag.pk for tag in tags}


def restore_old_slugs(item, places):
    """The slugs the item had before it was deleted redirect to it again, unless another
    item took one since."""
    taken = set(Item.objects.filter(slug__in=places.old_slugs).values_list("slug", flat=True))
    ItemOldSlug.objects.bulk_create(
        (ItemOldSlug(item=item, slug=slug) for slug in places.old_slugs if slug not in taken),
        ignore_conflicts=True,
    )


def _retire_slug(item, old_slug):
    ItemOldSlug.objects.filter(slug=item.slug, item=item).delete()  # its own, taken back
    ItemOldSlug.objects.create(item=item, slug=old_slug)


def _deleted_places(item):
    """Where the item stood when it was last deleted, or None."""
    deletion = (
        Item.history.filter(id=item.pk, history_type="-", places__isnull=False)
        .order_by("-history_date", "-history_id")
        .first()
    )
    return Places.from_json(deletion.places) if deletion is not None else None


def restore_entries(item, places):
    """The item's digest entries back, in the digests that are still there, at the positions
    no other item took since."""
    wanted = {(digest_id, position) for digest_id, position in places.entries}
    digests = set(Digest.objects.filter(pk__in={d for d, _ in wanted}).values_list("pk", flat=True))
    taken = set(
        DigestEntry.objects.filter(digest_id__in=digests).values_list("digest_id", "position")
    )
    DigestEntry.objects.bulk_create(
        DigestEntry(digest_id=digest_id, item=item, position=position)
        for digest_id, position in sorted(wanted - taken)
        if digest_id in digests
    )


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
    reader_cache.items_edited(changed)
    return _save(changed, PUBLISHING_FIELDS, user=user, reason="Published", now=now)


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
    reader_cache.items_edited(changed)
    return _save(changed, PUBLISHING_FIELDS, user=user, reason="Scheduled", now=now)


@transaction.atomic
def add_tag(queryset, tag, *, user=None, now=None):
    """Tag the items that lack the tag; returns the items changed."""
    now = now or timezone.now()
    changed = list(queryset.exclude(tagged_items__tag=tag))
    link_on_top(tag, [item.pk for item in changed])
    reader_cache.items_retagged(changed, [tag])
    return _save(changed, [], user=user, reason=f"Tag added: {tag.name}", now=now)


@transaction.atomic
def add_tags(tag_ids_by_item, *, user=None, reason, now=None):
    """Give each item more tags ({item: [tag ids]}, tags it lacks: the caller's choice, e.g.
    suggestions); returns the items changed, each with one revision. A constant number of
    queries whatever the number of items and tags."""
    now = now or timezone.now()
    changed = [item for item, tag_ids in tag_ids_by_item.items() if tag_ids]
    by_tag = {}
    for item in changed:
        for tag_id in tag_ids_by_item[item]:
            by_tag.setdefault(tag_id, []).append(item.pk)
    links_on_top(by_tag)
    reader_cache.items_retagged(changed, by_tag)
    return _save(changed, [], user=user, reason=reason, now=now)


@transaction.atomic
def remove_tag(queryset, tag, *, user=None, now=None):
    """Untag the items that have the tag; returns the items changed."""
    now = now or timezone.now()
    changed = list(queryset.filter(tagged_items__tag=tag))
    reader_cache.items_retagged(changed, [tag])
    TaggedItem.objects.filter(tag=tag, content_object__in=changed).delete()
    return _save(changed, [], user=user, reason=f"Tag removed: {tag.name}", now=now)


def set_tags(item, tags, *, places=None):
    """Give item exactly these tags (instances): links it keeps keep their place, new ones go
    on top of their tag's page, or back where they stood given the places of a deleted item
    (whose digest entries come back too). An editor's save ends here (the item form, a
    revert), so this is also where readers' cached pages of the item and its old and new tags
    are dropped."""
    wanted = {tag.pk: tag for tag in tags}
    current = set(TaggedItem.objects.filter(content_object=item).values_list("tag_id", flat=True))
    TaggedItem.objects.filter(content_object=item).exclude(tag_id__in=wanted).delete()
    new = wanted.keys() - current
    stood = dict(places.links) if places else {}
    link_at(item.pk, {tag_id: stood[tag_id] for tag_id in new if tag_id in stood})
    for tag_id in sorted(new - stood.keys()):
        link_on_top(wanted[tag_id], [item.pk])
    if places is not None:
        restore_entries(item, places)
    reader_cache.item_saved(item, current | wanted.keys())


@dataclass(frozen=True)
class NewSlug:
    item: Item
    old: str
    new: str


def make_slugs_readable(*, user=None, dry_run=False):
    """Give a readable slug to every item whose slug is the fallback ("item", "item-2"…) made
    when its title had nothing a slug could keep, where its title now gives one (e.g. once
    slugs transliterate). The old slugs redirect (ItemOldSlug) and each item gets a revision;
    a few queries whatever the number of items. Returns what changed (or would, dry_run)."""
    now = timezone.now()
    with transaction.atomic():
        fallbacks = Item.objects.filter(
            Q(slug=FALLBACK_SLUG) | Q(slug__startswith=f"{FALLBACK_SLUG}-")
        ).only("id", "title", "slug")
        items = [
            item
            for item in fallbacks.order_by("pk")
            if _FALLBACK.fullmatch(item.slug) and item_slug_base(item.title) != FALLBACK_SLUG
        ]
        old = {item.pk: item.slug for item in items}
        assign_slugs(items)
        changes = [NewSlug(item, old[item.pk], item.slug) for item in items]
        if dry_run or not items:
            transaction.set_rollback(True)
            return changes
        reader_cache.items_edited([Item(pk=pk, slug=slug) for pk, slug in old.items()])
        Item.objects.bulk_update(items, ["slug"])
        ItemOldSlug.objects.bulk_create(
            ItemOldSlug(item=change.item, slug=change.old, retired_at=now) for change in changes
        )
        record_revisions(items, history_type="~", when=now, user=user, reason="Readable slug")
        return changes
