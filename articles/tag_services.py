"""Tag services: finding a tag by any of its spellings, creating, renaming, aliasing, merging.

Every name is compared by tag_names.tag_key, against tag names and aliases alike, so that no path
(admin form, bulk action, importer) creates a second tag for a spelling that already has one.
Taggit's own helpers are avoided on purpose (shared/STYLE.md 8.1, 8.2): they compare names
case-sensitively and only know taggit's stock models.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q

from . import locks, reader_cache
from .history import record_revisions
from .models import Digest, Item, Tag, TagAlias, TaggedItem, TagMerge, TagOldSlug, TagRename
from .tag_names import tag_key
from .tag_records import snapshot_tags

# --- Finding -------------------------------------------------------------------------------


class FoundBy(StrEnum):
    """What of a tag a lookup matched."""

    SLUG = "slug"
    NAME = "name"
    ALIAS = "alias"
    OLD_SLUG = "old slug"


@dataclass(frozen=True)
class TagMatch:
    tag: Tag
    found_by: FoundBy


def lookup_tag(name_or_slug, *, slugs=True):
    """The tag that text means, and how it was found; None when no tag answers to it.

    Slugs first, as URLs give them: the tag's current slug, then a slug retired by a rename
    or merge (its URL keeps its promise). Then names, compared by tag_key: the tag's own,
    then an alias. A current slug costs one query. Names typed by editors or read from
    digest headers pass ``slugs=False``: "tag" is the slug of a tag named "日本", not a name.
    """
    if "\x00" in name_or_slug:
        return None  # no tag holds a NUL, and PostgreSQL refuses it in a query (a 500)
    if slugs:
        tag = Tag.objects.filter(slug=name_or_slug).first()
        if tag is not None:
            return TagMatch(tag, FoundBy.SLUG)
        old = TagOldSlug.objects.select_related("tag").filter(slug=name_or_slug).first()
        if old is not None:
            return TagMatch(old.tag, FoundBy.OLD_SLUG)
    key = tag_key(name_or_slug)
    tag = _tags_by_key([key]).get(key) if key else None
    if tag is not None:
        return TagMatch(tag, FoundBy.NAME if tag.name_key == key else FoundBy.ALIAS)
    return None


def find_tag(name_or_slug, *, slugs=True):
    """The tag that text means (see lookup_tag), or None."""
    match = lookup_tag(name_or_slug, slugs=slugs)
    return match.tag if match is not None else None


def get_or_create_tag(name):
    """(tag, created): the tag a name means, created on first sight."""
    return get_or_create_tags([name])[tag_key(name)]


def get_or_create_tags(names):
    """{tag_key(name): (tag, created)} for the names: every known one found in two queries at
    most, whatever their number; the missing ones created in order (the first spelling of a
    key names it)."""
    first = {}
    for name in names:
        first.setdefault(tag_key(name), name)
    found = {key: (tag, False) for key, tag in _tags_by_key([key for key in first if key]).items()}
    missing = {key: name for key, name in first.items() if key not in found}
    if missing:
        found.update(_create_tags(missing))
    return {key: found[key] for key in first}


def _create_tags(names_by_key):
    """{key: (tag, created)} for names no tag had when last looked up.

    Two writers creating the same tag at once (an import, an editor, another app server):
    each locks the keys it creates (locks.hold), looks again, and creates only what is still
    missing, so the second finds the first's tag instead of failing on the unique key.
    """
    with transaction.atomic():
        locks.hold(f"tag:{key}" for key in names_by_key)
        created = {key: (tag, False) for key, tag in _tags_by_key(list(names_by_key)).items()}
        for key, name in names_by_key.items():
            if key not in created:
                created[key] = (Tag.objects.create(name=name), True)
    return created


def tags_for_names(names):
    """Tag instances for the names, in order, creating the missing ones.

    Two queries find every known one (names, then aliases), whatever the number of names;
    hand the result to item.tags.set(...), never the names themselves.
    """
    by_key = {}
    for name in names:
        key = tag_key(name)
        if key and key not in by_key:
            by_key[key] = name
    found = _tags_by_key(list(by_key))
    missing = {key: name for key, name in by_key.items() if key not in found}
    if missing:
        found.update((key, tag) for key, (tag, _) in _create_tags(missing).items())
    tags = []
    for key in by_key:
        if found[key] not in tags:
            tags.append(found[key])
    return tags


def _tags_by_key(keys):
    """{key: tag} for the keys some tag has as its name or an alias: two queries at most."""
    found = {tag.name_key: tag for tag in Tag.objects.filter(name_key__in=keys)}
    missing = [key for key in keys if key not in found]
    if missing:
        for alias in TagAlias.objects.select_related("tag").filter(name_key__in=missing):
            found[alias.name_key] = alias.tag
    return found


# --- Names and aliases ---------------------------------------------------------------------


def check_name_available(name, *, tag=None):
    """Raise ValidationError unless name may be a name or alias of `tag` (None: a new tag)."""
    key = tag_key(name)
    if not key:
        raise ValidationError("expected a tag name with a letter or digit, found none")
    other = Tag.objects.filter(name_key=key).exclude(pk=getattr(tag, "pk", None)).first()
    if other is not None:
        raise ValidationError(
            f"expected a name no other tag uses, found {name!r}, which is the tag "
            f"{other.name!r} (merge the tags instead)"
        )
    alias = (
        TagAlias.objects.select_related("tag")
        .filter(name_key=key)
        .exclude(tag_id=getattr(tag, "pk", None))
        .first()
    )
    if alias is not None:
        raise ValidationError(
            f"expected a name no other tag uses, found {name!r}, an alias of the tag "
            f"{alias.tag.name!r}"
        )


def add_alias(tag, name):
    """Record another spelling of tag. Returns the alias (an existing one when known)."""
    key = tag_key(name)
    if key == tag.name_key:
        raise ValidationError(
            f"expected a spelling other than the tag's own, found {name!r} for {tag.name!r}"
        )
    existing = TagAlias.objects.filter(tag=tag, name_key=key).first()
    if existing is not None:
        return existing
    check_name_available(name, tag=tag)
    return TagAlias.objects.create(tag=tag, name=name)


@transaction.atomic
def rename_tag(tag, new_name, *, actor=None):
    """Rename tag; its old slug keeps answering (301) and its old name becomes an alias. The
    rename is recorded (TagRename), so that it can be undone (tag_undo).

    A name that differs only by case or punctuation ("Kim Jong Un" -> "Kim Jong-un") keeps the
    key; then only the display name and, if it changes, the slug move.
    """
    given, tag = tag, Tag.objects.select_for_update().get(pk=tag.pk)
    old_name, old_slug = tag.name, tag.slug
    if new_name == old_name:
        return tag
    check_name_available(new_name, tag=tag)
    new_key = tag_key(new_name)
    # The new name may have been an alias of this very tag: it is the name now.
    was_alias, _ = TagAlias.objects.filter(tag=tag, name_key=new_key).delete()
    new_slug = tag.available_slug(new_name)
    if new_slug != old_slug:
        TagOldSlug.objects.filter(tag=tag, slug=new_slug).delete()  # renamed back
        TagOldSlug.objects.create(tag=tag, slug=old_slug)
    tag.name, tag.slug = new_name, new_slug
    tag.save()
    keep_old_name = tag_key(old_name) != new_key
    if keep_old_name:
        TagAlias.objects.create(tag=tag, name=old_name)
    TagRename.objects.create(
        tag=tag,
        old_name=old_name,
        old_slug=old_slug,
        new_name=new_name,
        new_slug=new_slug,
        new_name_was_alias=bool(was_alias),
        old_name_kept_as_alias=keep_old_name,
        actor=actor,
    )
    reader_cache.tag_renamed(tag)
    given.name, given.slug, given.name_key = tag.name, tag.slug, tag.name_key
    return tag


# --- Merging -------------------------------------------------------------------------------


@dataclass
class MergePlan:
    """What a merge would do, for the confirmation page."""

    target: Tag
    sources: list
    moved: int  # through rows that change tag
    already_tagged: int  # items that have the target already: their source row goes
    redirects: list  # slugs that will answer with a 301 to the target
    aliases: list  # names recorded as aliases of the target


def plan_merge(sources, target):
    sources = [tag for tag in sources if tag.pk != target.pk]
    source_ids = [tag.pk for tag in sources]
    has_target = TaggedItem.objects.filter(tag=target, content_object=OuterRef("content_object"))
    counts = TaggedItem.objects.filter(tag_id__in=source_ids).aggregate(
        rows=Count("id"),
        distinct_items=Count("content_object", distinct=True),
        already=Count("content_object", distinct=True, filter=Q(Exists(has_target))),
    )
    moved = counts["distinct_items"] - counts["already"]
    redirects = [tag.slug for tag in sources] + list(
        TagOldSlug.objects.filter(tag_id__in=source_ids).values_list("slug", flat=True)
    )
    aliases = [tag.name for tag in sources] + list(
        TagAlias.objects.filter(tag_id__in=source_ids).values_list("name", flat=True)
    )
    return MergePlan(target, sources, moved, counts["already"], redirects, aliases)


@transaction.atomic
def merge_tags(*, sources, target, actor=None):
    """Merge the source tags into target, in one transaction, with set-based SQL.

    No item loses a tag: each item of a source ends with the target (once) and keeps all its
    other tags. Source names and aliases become aliases of the target, source slugs redirect
    to it, digests that named a source now point at it, and an audit TagMerge is kept. The
    target may be one of the sources (it is then left out of them). The number of queries does
    not grow with the number of tagged items.
    """
    source_ids = sorted({tag.pk for tag in sources} - {target.pk})
    if not source_ids:
        raise ValidationError("expected at least one tag to merge into another, found none")
    # Lock in pk order so that two merges over overlapping tags cannot deadlock.
    locked = list(Tag.objects.select_for_update().filter(pk__in=[*source_ids, target.pk]))
    by_id = {tag.pk: tag for tag in locked}
    if target.pk not in by_id or len(by_id) != len(source_ids) + 1:
        raise ValidationError("expected existing tags, found some deleted meanwhile")
    target = by_id[target.pk]
    source_tags = [by_id[pk] for pk in source_ids]
    reader_cache.tags_removed(source_tags, into=target)  # while the items still have them

    # All an undo needs: the sources as they are, and which of their items had the target.
    snapshots = snapshot_tags(source_tags)
    last_link_id = TaggedItem.objects.aggregate(last=Max("id"))["last"]
    target_had = list(
        TaggedItem.objects.filter(
            tag=target,
            content_object__in=TaggedItem.objects.filter(tag_id__in=source_ids).values(
                "content_object"
            ),
        )
        .order_by("content_object_id")
        .values_list("content_object_id", flat=True)
    )

    # A source row goes when its item already has the target, or another source row of the
    # same item comes first (lower id): that one moves, this one would be a duplicate.
    keeper = TaggedItem.objects.filter(content_object=OuterRef("content_object")).filter(
        Q(tag=target) | Q(tag_id__in=source_ids, id__lt=OuterRef("id"))
    )
    already_tagged = (
        TaggedItem.objects.filter(tag_id__in=source_ids)
        .filter(
            Exists(TaggedItem.objects.filter(tag=target, content_object=OuterRef("content_object")))
        )
        .values("content_object")
        .distinct()
        .count()
    )
    TaggedItem.objects.filter(tag_id__in=source_ids).filter(Exists(keeper)).delete()
    moved = TaggedItem.objects.filter(tag_id__in=source_ids).update(tag=target)

    Digest.objects.filter(tag_id__in=source_ids).update(tag=target)
    TagOldSlug.objects.filter(tag_id__in=source_ids).update(tag=target)
    TagOldSlug.objects.bulk_create(TagOldSlug(tag=target, slug=tag.slug) for tag in source_tags)
    TagAlias.objects.filter(tag_id__in=source_ids).update(tag=target)
    # bulk_create skips TagAlias.save(): the key is set here.
    TagAlias.objects.bulk_create(
        TagAlias(tag=target, name=tag.name, name_key=tag.name_key) for tag in source_tags
    )
    description_taken = ""
    if not target.description:
        descriptions = [tag.description for tag in source_tags if tag.description]
        if descriptions:
            target.description = description_taken = descriptions[0]
            target.save(update_fields=["description"])

    merge = TagMerge.objects.create(
        target=target,
        target_name=target.name,
        sources=[snapshot.to_json() for snapshot in snapshots],
        target_had=target_had,
        last_link_id=last_link_id,
        description_taken=description_taken,
        items_moved=moved,
        items_already_tagged=already_tagged,
        actor=actor,
    )
    Tag.objects.filter(pk__in=source_ids).delete()
    # Each item of a source has a revision with its tags after the merge.
    merged_items = sorted({pk for one in snapshots for pk in one.item_ids})
    record_revisions(
        [Item(pk=pk) for pk in merged_items],
        history_type="~",
        when=merge.merged_at,
        user=actor,
        reason=f"Tags merged into {target.name}"[:100],
    )
    return merge
