"""Where items stand on a tag page: the only code that writes ``TaggedItem.position``.

A tag page lists its items by ascending position, top first. Positions are gapped, so that
a newer digest's items, or an item an editor tags, can go above or between known ones without
renumbering the tag. The rules:

- An import keeps the digests' order: a run of new items goes just above the known item that
  follows it in the digest, or just below the known item that precedes it; a digest sharing
  no item with the tag goes on top when it is page 1 (newer) and at the bottom otherwise.
  Known items never move.
- An item an editor tags goes on top of the tag's page.
- A deleted item restored goes back to the positions it had (``link_at``).
- When two neighbours leave no room between them the tag is renumbered, its order kept.
- An undo (of a merge, a deletion) puts links back at the positions it recorded.
"""

from collections import defaultdict

from django.db.models import Max, Min

from .models import DigestEntry, TaggedItem
from .sql import insert_rows

# Room between neighbours on a tag page: about twenty halvings before a renumbering.
POSITION_GAP = 1 << 20
# Room left above the top of a tag page for the items an editor tags.
TOP_GAP = 1 << 20


class TagPages:
    """The batch's tag links and their places on the tag pages: read once, written once.

    An item the importer tagged before but that no longer has the tag was untagged by an
    editor: it stays untagged. A run of new items goes just above the known item that follows
    it in the digest, or just below the known item that precedes it; a digest with no known
    item goes on top of the tag page when it is page 1 and at the bottom otherwise.
    """

    def __init__(self, tags, pairs, new_ids):
        """pairs: every (tag id, item id) the batch's digests list."""
        self.tags = list(tags)
        known_ids = {pk for _, pk in pairs if pk not in new_ids}
        links = TaggedItem.objects.filter(tag__in=self.tags)
        self.positions = {}
        self.untagged_by_editor = set()
        if known_ids:
            rows = links.filter(content_object_id__in=known_ids).values_list(
                "tag_id", "content_object_id", "position"
            )
            self.positions = {(tag_id, pk): position for tag_id, pk, position in rows}
            # Only a known item listed under a tag it does not have may have lost it to an
            # editor; a forced re-read of unchanged files has none and skips the query.
            unlinked = {pair for pair in pairs if pair[1] in known_ids} - set(self.positions)
            if unlinked:
                imported_before = DigestEntry.objects.filter(
                    digest__tag__in={tag_id for tag_id, _ in unlinked},
                    item_id__in={pk for _, pk in unlinked},
                ).values_list("digest__tag_id", "item_id")
                self.untagged_by_editor = set(imported_before) & unlinked
        self._bounds = None
        self.new_rows = []
        self.placed_by_tag = defaultdict(list)  # positions this batch gives, by tag

    def link(self, tag, items, page):
        """Tag the digest's items (in its order); returns the ids newly linked."""
        known = {
            item.pk: self.positions[(tag.pk, item.pk)]
            for item in items
            if (tag.pk, item.pk) in self.positions
        }
        to_link = {
            item.pk
            for item in items
            if item.pk not in known and (tag.pk, item.pk) not in self.untagged_by_editor
        }
        if not to_link:
            return set()
        order = [item.pk for item in items if item.pk in known or item.pk in to_link]
        for pk, position in self._place(tag, order, known, to_link, page).items():
            self.positions[(tag.pk, pk)] = position
            self.new_rows.append(TaggedItem(tag=tag, content_object_id=pk, position=position))
            self.placed_by_tag[tag.pk].append(position)
            top, bottom = self.bounds.get(tag.pk, (position, position))
            self.bounds[tag.pk] = (min(top, position), max(bottom, position))
        return to_link

    @property
    def bounds(self):
        """{tag id: (top, bottom)} positions of the tags' pages, read when a link is first
        placed: a forced re-read of known files places none, and skips reading every link of
        its tags."""
        if self._bounds is None:
            self._bounds = {
                row["tag_id"]: (row["top"], row["bottom"])
                for row in TaggedItem.objects.filter(tag__in=self.tags)
                .order_by()
                .values("tag_id")
                .annotate(top=Min("position"), bottom=Max("position"))
            }
        return self._bounds

    def save(self):
        insert_rows(
            TaggedItem,
            ["tag_id", "content_object_id", "position"],
            [(row.tag_id, row.content_object_id, row.position) for row in self.new_rows],
        )

    def _place(self, tag, order, known, new_ids, page):
        placed = {}
        for run, above, below in _runs(order, new_ids):
            low, high = self._free_interval(tag, known, placed, len(run), above, below, page)
            step = (high - low) // (len(run) + 1)
            if step < 1:
                self._renumber(tag)
                known = {pk: self.positions[(tag.pk, pk)] for pk in known}
                return self._place(tag, order, known, new_ids, page)
            for index, pk in enumerate(run, start=1):
                placed[pk] = low + step * index
        return placed

    def _free_interval(self, tag, known, placed, size, above, below, page):
        """The open interval (low, high) of positions where a run of `size` new items fits."""
        room = POSITION_GAP * (size + 1)
        links = TaggedItem.objects.filter(tag=tag)
        taken = [*self.placed_by_tag[tag.pk], *placed.values()]
        if below is not None:
            high = known[below]
            nearest = links.filter(position__lt=high).aggregate(value=Max("position"))["value"]
            lower = [p for p in [nearest, *taken] if p is not None and p < high]
            return (max(lower) if lower else high - room), high
        if above is not None:
            low = known[above]
            nearest = links.filter(position__gt=low).aggregate(value=Min("position"))["value"]
            higher = [p for p in [nearest, *taken] if p is not None and p > low]
            return low, (min(higher) if higher else low + room)
        occupied = [p for p in [*self.bounds.get(tag.pk, ()), *taken] if p is not None]
        if not occupied:
            return -POSITION_GAP, POSITION_GAP * size  # an empty tag: 0, GAP, 2 * GAP…
        if page == 1:
            return min(occupied) - room, min(occupied)
        return max(occupied), max(occupied) + room

    def _renumber(self, tag):
        """Spread the tag's page out again, rows already saved and rows of this batch alike."""
        saved = list(TaggedItem.objects.filter(tag=tag).only("id", "content_object_id"))
        saved.sort(key=lambda row: (row.position, row.pk))
        pending = [row for row in self.new_rows if row.tag_id == tag.pk]
        ordered = sorted(saved + pending, key=lambda row: row.position)
        for index, row in enumerate(ordered):
            row.position = index * POSITION_GAP
            self.positions[(tag.pk, row.content_object_id)] = row.position
        self.placed_by_tag[tag.pk] = [row.position for row in pending]
        TaggedItem.objects.bulk_update(saved, ["position"], batch_size=1000)
        self.bounds[tag.pk] = (ordered[0].position, ordered[-1].position)


def _runs(order, new_ids):
    """Maximal runs of new items with the known items just above and below each run."""
    runs, current, above = [], [], None
    for pk in order:
        if pk in new_ids:
            current.append(pk)
            continue
        if current:
            runs.append((current, above, pk))
            current = []
        above = pk
    if current:
        runs.append((current, above, None))
    return runs


def link_on_top(tag, item_ids):
    """Tag the items, placing them on top of the tag's page in the given order."""
    links_on_top({tag.pk: item_ids})


def links_on_top(item_ids_by_tag):
    """Tag items with many tags at once ({tag id: [item ids]}), each run on top of its tag's
    page in the given order: two queries whatever the number of tags and items."""
    item_ids_by_tag = {tag_id: ids for tag_id, ids in item_ids_by_tag.items() if ids}
    if not item_ids_by_tag:
        return
    tops = dict(
        TaggedItem.objects.filter(tag_id__in=list(item_ids_by_tag))
        .order_by()
        .values("tag_id")
        .annotate(top=Min("position"))
        .values_list("tag_id", "top")
    )
    TaggedItem.objects.bulk_create(
        TaggedItem(
            tag_id=tag_id,
            content_object_id=pk,
            position=tops.get(tag_id, 0) - TOP_GAP * (len(ids) - index),
        )
        for tag_id, ids in item_ids_by_tag.items()
        for index, pk in enumerate(ids)
    )


def link_at(item_id, positions):
    """Tag the item at these positions ({tag id: position}): where a deleted item stood,
    given back when it is restored. Its neighbours then are the items around it before."""
    TaggedItem.objects.bulk_create(
        TaggedItem(tag_id=tag_id, content_object_id=item_id, position=position)
        for tag_id, position in positions.items()
    )


def put_back(rows):
    """Links as they stood, at their recorded positions (an undo of a merge or a deletion):
    (tag id, item id, position) rows, in one statement. Returns how many."""
    rows = list(rows)
    insert_rows(TaggedItem, ["tag_id", "content_object_id", "position"], rows)
    return len(rows)
