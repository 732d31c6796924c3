"""A tag as it was, for the records of merges and deletions, and bringing it back (an undo).

A snapshot holds all that makes the tag: its id, name, slug and description, its aliases and
retired slugs, its items with their positions on its page, and the digests that named it.
Restoring gives all of it back, so that the tag's page and ``export_digest`` are as before.
Snapshots of any number of tags are read in a fixed number of queries.
"""

from dataclasses import dataclass, field

from django.utils.dateparse import parse_datetime

from .models import Digest, Tag, TagAlias, TaggedItem, TagOldSlug
from .tag_names import tag_key
from .tag_pages import put_back


@dataclass
class TagSnapshot:
    id: int
    name: str
    slug: str
    description: str = ""
    aliases: list[str] = field(default_factory=list)
    old_slugs: list[tuple[str, str]] = field(default_factory=list)  # (slug, retired at ISO)
    links: list[tuple[int, int]] = field(default_factory=list)  # (item id, position)
    digests: list[int] = field(default_factory=list)

    @property
    def item_ids(self):
        return [item_id for item_id, _ in self.links]

    def to_json(self):
        return {
            "id": self.id,
            "name": self.name,
            "slug": self.slug,
            "items": self.item_ids,  # as merges recorded them before snapshots
            "description": self.description,
            "aliases": self.aliases,
            "old_slugs": [list(pair) for pair in self.old_slugs],
            "links": [list(pair) for pair in self.links],
            "digests": self.digests,
        }

    @classmethod
    def from_json(cls, data):
        """The snapshot a record holds; None for a merge recorded before snapshots existed
        (it has no positions to give back)."""
        if "links" not in data:
            return None
        return cls(
            id=data["id"],
            name=data["name"],
            slug=data["slug"],
            description=data["description"],
            aliases=list(data["aliases"]),
            old_slugs=[tuple(pair) for pair in data["old_slugs"]],
            links=[tuple(pair) for pair in data["links"]],
            digests=list(data["digests"]),
        )


def snapshot_tags(tags):
    """TagSnapshot of each tag, in the order given: five queries whatever their number and
    their items'."""
    tags = list(tags)
    ids = [tag.pk for tag in tags]
    snapshots = {tag.pk: TagSnapshot(tag.pk, tag.name, tag.slug, tag.description) for tag in tags}
    for tag_id, name in TagAlias.objects.filter(tag_id__in=ids).values_list("tag_id", "name"):
        snapshots[tag_id].aliases.append(name)
    old = TagOldSlug.objects.filter(tag_id__in=ids).order_by("retired_at", "id")
    for tag_id, slug, retired_at in old.values_list("tag_id", "slug", "retired_at"):
        snapshots[tag_id].old_slugs.append((slug, retired_at.isoformat()))
    links = TaggedItem.objects.filter(tag_id__in=ids).order_by("tag_id", "position", "id")
    for tag_id, item_id, position in links.values_list("tag_id", "content_object_id", "position"):
        snapshots[tag_id].links.append((item_id, position))
    digests = Digest.objects.filter(tag_id__in=ids).order_by("id")
    for tag_id, digest_id in digests.values_list("tag_id", "id"):
        snapshots[tag_id].digests.append(digest_id)
    return [snapshots[pk] for pk in ids]


def conflicts(snapshots, *, holder=None):
    """Why the tags cannot come back as they were: their names or slugs taken since by a tag
    other than ``holder`` (the merge target, which holds them as aliases and old slugs)."""
    problems = []
    keys = {tag_key(snapshot.name): snapshot for snapshot in snapshots}
    slugs = {snapshot.slug: snapshot for snapshot in snapshots}
    for tag in Tag.objects.filter(name_key__in=keys):
        problems.append(
            f"expected the name “{keys[tag.name_key].name}” free, found the tag “{tag.name}” "
            "using it (rename or merge that tag first)"
        )
    aliases = TagAlias.objects.select_related("tag").filter(name_key__in=keys)
    for alias in aliases.exclude(tag=holder) if holder else aliases:
        problems.append(
            f"expected the name “{keys[alias.name_key].name}” free, found it an alias of the "
            f"tag “{alias.tag.name}” (remove the alias first)"
        )
    for tag in Tag.objects.filter(slug__in=slugs):
        problems.append(
            f"expected the URL /tags/{tag.slug}/ free, found the tag “{tag.name}” at it "
            "(rename that tag first)"
        )
    redirects = TagOldSlug.objects.select_related("tag").filter(slug__in=slugs)
    for old in redirects.exclude(tag=holder) if holder else redirects:
        problems.append(
            f"expected the URL /tags/{old.slug}/ free, found it redirecting to the tag "
            f"“{old.tag.name}”"
        )
    return problems


@dataclass
class Restored:
    """What a restore gave back, and what it could not (kept by other tags since)."""

    tags: list[Tag]
    links: int = 0
    skipped_aliases: list[str] = field(default_factory=list)
    skipped_slugs: list[str] = field(default_factory=list)


def restore_tags(snapshots, *, holder=None, items=None):
    """Bring the tags back as they were: same ids, names, slugs, descriptions, aliases,
    retired slugs, digests, and links at their positions. Call conflicts() first.

    ``holder``: the tag that held their names, slugs and digests meanwhile (a merge's
    target); they are taken back from it. ``items``: {tag id: item ids} to link, by default
    every item of the snapshot that still exists.
    """
    tags = [
        Tag(
            pk=one.id,
            name=one.name,
            name_key=tag_key(one.name),
            slug=one.slug,
            description=one.description,
        )
        for one in snapshots
    ]
    # The slugs become live again, the names names again.
    TagOldSlug.objects.filter(slug__in=[one.slug for one in snapshots]).delete()
    TagAlias.objects.filter(name_key__in=[tag.name_key for tag in tags]).delete()
    Tag.objects.bulk_create(tags)  # bulk_create skips Tag.save(): name_key set above
    restored = Restored(tags)
    _restore_aliases(snapshots, holder, restored)
    _restore_old_slugs(snapshots, holder, restored)
    for one in snapshots:
        Digest.objects.filter(pk__in=one.digests, tag=holder).update(tag_id=one.id)
    wanted = {one.id: set(one.item_ids) for one in snapshots} if items is None else items
    rows = [
        (one.id, item_id, position)
        for one in snapshots
        for item_id, position in one.links
        if item_id in wanted.get(one.id, ())
    ]
    restored.links = put_back(rows)
    return restored


def _restore_aliases(snapshots, holder, restored):
    by_key = {tag_key(name): (one.id, name) for one in snapshots for name in one.aliases}
    taken = TagAlias.objects.filter(name_key__in=by_key)
    if holder is not None:
        taken.filter(tag=holder).delete()
    kept_by_others = set(taken.values_list("name_key", flat=True))
    kept_by_others |= set(
        Tag.objects.filter(name_key__in=by_key).values_list("name_key", flat=True)
    )
    restored.skipped_aliases = [by_key[key][1] for key in by_key if key in kept_by_others]
    TagAlias.objects.bulk_create(
        TagAlias(tag_id=tag_id, name=name, name_key=key)
        for key, (tag_id, name) in by_key.items()
        if key not in kept_by_others
    )


def _restore_old_slugs(snapshots, holder, restored):
    by_slug = {slug: (one.id, at) for one in snapshots for slug, at in one.old_slugs}
    taken = TagOldSlug.objects.filter(slug__in=by_slug)
    if holder is not None:
        taken.filter(tag=holder).delete()
    kept_by_others = set(taken.values_list("slug", flat=True))
    kept_by_others |= set(Tag.objects.filter(slug__in=by_slug).values_list("slug", flat=True))
    restored.skipped_slugs = [slug for slug in by_slug if slug in kept_by_others]
    TagOldSlug.objects.bulk_create(
        TagOldSlug(tag_id=tag_id, slug=slug, retired_at=parse_datetime(at))
        for slug, (tag_id, at) in by_slug.items()
        if slug not in kept_by_others
    )
