"""The tag health report: groups of tags that look like one tag, tags used by one item only,
tags with no published item. The admin's tag health page shows it (admin/tag_health).

Three queries whatever the number of tags and links, four when some tags may share their
items:

1. every tag's id, name, slug and key;
2. one pass over the links, grouped by tag: its items, its published items (the reading rule,
   ``published_rule``, on the links' copy of it: ``TaggedItem.objects.published()``), and
   MINHASHES min-hashes of its item ids;
3. the name rules (tag_likeness), in Python over the names: no query;
4. the shared items of at most MAX_CANDIDATE_PAIRS candidate pairs, counted exactly in SQL:
   for each pair, the items of its smaller tag looked up among the larger's.

Two tags share most of their items when the items they have in common are at least SHARE of
each one's, and MIN_SHARED or more. Such tags have a Jaccard similarity J of 2/3 or more (80 %
of each one's in common), and each min-hash of theirs is equal with probability J.
Candidates are the pairs with EQUAL_MINHASHES equal of MINHASHES: a pair is missed with
probability 0.26 % at J = 2/3, 0.008 % at J = 0.8, and never found wrongly (step 4 counts).
One equal would miss fewer, but tags of thousands of items then meet by chance (J of 0.02 to
0.05 between unrelated big tags), and counting their shared items exactly costs more.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from django.db import connection
from django.db.models import Count, F, Min, Value

from .models import Tag, TaggedItem
from .models.visibility import published_rule
from .tag_likeness import Likeness, Pair, alike_by_name, grouped

SHARE = 0.8
MIN_SHARED = 3
MINHASHES = 8
EQUAL_MINHASHES = 2
MAX_CANDIDATE_PAIRS = 400  # 800 parameters: under SQLite's oldest limit, 999
SHOWN = 100  # tags listed in each of the one-item and unpublished lists; the counts are exact
GROUPS_SHOWN = 100  # groups listed, the likeliest first; the count is exact
# h(x) = (a * x + b) mod p, p = 2^31 - 1: a * x stays inside 64 bits for item ids below 2^32.
_PRIME = 2_147_483_647
_HASHES = [
    (1_103_515_245, 12_345),
    (2_027_929_097, 1_013_904_223),
    (1_664_525, 1_442_695_040),
    (69_069, 362_437),
    (1_812_433_253, 40_503),
    (1_566_083_941, 2_654_435),
    (741_103_597, 88_172_645),
    (1_597_334_677, 3_141_592),
]


@dataclass(frozen=True)
class TagUse:
    """A tag and how much it is used."""

    id: int
    name: str
    slug: str
    items: int
    published: int


@dataclass(frozen=True)
class PairUse:
    first: TagUse
    second: TagUse
    likeness: Likeness


@dataclass
class TagGroup:
    """Tags that look like one: ``tags`` begins with the one suggested to keep (the most
    items, then the most published, then the shortest name)."""

    tags: list[TagUse]
    pairs: list[PairUse]

    @property
    def keep(self):
        return self.tags[0]

    @property
    def others(self):
        return self.tags[1:]

    @property
    def likenesses(self):
        return sorted({pair.likeness for pair in self.pairs}, key=list(Likeness).index)


@dataclass
class HealthReport:
    tags: int  # how many were looked at: all
    groups: list[TagGroup] = field(default_factory=list)  # the first GROUPS_SHOWN
    group_count: int = 0
    one_item: list[TagUse] = field(default_factory=list)  # the first SHOWN, by name
    one_item_count: int = 0
    unpublished: list[TagUse] = field(default_factory=list)  # the first SHOWN, by name
    unpublished_count: int = 0


def health_report():
    """The report over every tag (see the module's docstring for its cost)."""
    tags = list(Tag.objects.order_by("name", "id").values_list("id", "name", "slug", "name_key"))
    usage, minhashes = _usage()
    uses = {}
    for tag_id, name, slug, _ in tags:
        items, published = usage.get(tag_id, (0, 0))
        uses[tag_id] = TagUse(tag_id, name, slug, items, published)
    pairs = alike_by_name({tag_id: key for tag_id, _, _, key in tags})
    items = {tag_id: counts[0] for tag_id, counts in usage.items()}
    pairs += shared_item_pairs(_candidates(usage, minhashes), items)
    groups = _groups(pairs, uses)
    report = HealthReport(tags=len(tags), groups=groups[:GROUPS_SHOWN], group_count=len(groups))
    one_item = [use for use in uses.values() if use.items == 1]
    unpublished = [use for use in uses.values() if use.published == 0]
    report.one_item, report.one_item_count = one_item[:SHOWN], len(one_item)
    report.unpublished, report.unpublished_count = unpublished[:SHOWN], len(unpublished)
    return report


# --- The two lists' rules, as querysets (the tag list's filter "use" applies them) --------


def used_once(tags=None):
    """Tags with exactly one item."""
    tags = Tag.objects.all() if tags is None else tags
    once = TaggedItem.objects.order_by().values("tag_id").annotate(n=Count("id")).filter(n=1)
    return tags.filter(pk__in=once.values("tag_id"))


def unseen(tags=None):
    """Tags with no item readers may see (``TaggedItem.objects.published()``)."""
    tags = Tag.objects.all() if tags is None else tags
    return tags.exclude(pk__in=TaggedItem.objects.published().values("tag_id"))


def _usage():
    """({tag id: (items, published items)}, {tag id: min-hashes}) in one pass over the links."""
    item = F("content_object_id")
    hashes = {
        f"h{index}": Min((item * Value(a) + Value(b)) % Value(_PRIME))
        for index, (a, b) in enumerate(_HASHES[:MINHASHES])
    }
    rows = (
        TaggedItem.objects.order_by()
        .values("tag_id")
        .annotate(items=Count("id"), published=Count("id", filter=published_rule()), **hashes)
    )
    usage, minhashes = {}, {}
    for row in rows:
        usage[row["tag_id"]] = (row["items"], row["published"])
        minhashes[row["tag_id"]] = tuple(row[name] for name in hashes)
    return usage, minhashes


def could_share(one, other):
    """Whether two tags with these item counts could share SHARE of each one's items."""
    return min(one, other) >= max(MIN_SHARED, SHARE * max(one, other))


def _candidates(usage, minhashes):
    """Pairs (id, id) of tags with EQUAL_MINHASHES equal min-hashes or more and item counts
    that allow sharing: at most MAX_CANDIDATE_PAIRS, the most equal first."""
    counts = {tag_id: items for tag_id, (items, _) in usage.items() if items >= MIN_SHARED}
    equal = defaultdict(int)
    for index in range(MINHASHES):
        by_value = defaultdict(list)
        for tag_id in counts:
            by_value[minhashes[tag_id][index]].append(tag_id)
        for members in by_value.values():
            if len(members) > 1:
                for pair in combinations(sorted(members), 2):
                    equal[pair] += 1
    likely = [
        pair
        for pair, count in equal.items()
        if count >= EQUAL_MINHASHES and could_share(counts[pair[0]], counts[pair[1]])
    ]
    likely.sort(key=lambda pair: (-equal[pair], pair))
    return likely[:MAX_CANDIDATE_PAIRS]


def shared_item_pairs(candidates, items):
    """The candidate pairs (id, id) whose tags share most of their items, counted exactly in
    one query; ``items``: {tag id: its number of items}. Each pair costs a probe of the
    (item, tag) unique index for each item of its smaller tag."""
    if not candidates:
        return []
    pairs = [sorted(pair, key=lambda tag_id: (items[tag_id], tag_id)) for pair in candidates]
    links = TaggedItem._meta.db_table
    rows = ", ".join(["(CAST(%s AS BIGINT), CAST(%s AS BIGINT))"] * len(pairs))
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH pairs(smaller, larger) AS (VALUES {rows}) "
            f"SELECT pairs.smaller, pairs.larger, COUNT(*) FROM pairs "
            f"JOIN {links} mine ON mine.tag_id = pairs.smaller "
            f"JOIN {links} theirs ON theirs.tag_id = pairs.larger "
            f"AND theirs.content_object_id = mine.content_object_id "
            f"GROUP BY pairs.smaller, pairs.larger",
            [tag_id for pair in pairs for tag_id in pair],
        )
        counted = cursor.fetchall()
    return [
        Pair.of(one, two, Likeness.SHARED_ITEMS)
        for one, two, shared in counted
        if shared >= max(MIN_SHARED, SHARE * max(items[one], items[two]))
    ]


def _groups(pairs, uses):
    strongest = {}
    for pair in pairs:  # a pair found by its name and by its items keeps the stronger reason
        key = (pair.first, pair.second)
        if key not in strongest or _rank(pair.likeness) < _rank(strongest[key].likeness):
            strongest[key] = pair
    groups = []
    for ids, members in grouped(list(strongest.values())):
        tags = sorted(
            (uses[tag_id] for tag_id in ids),
            key=lambda use: (-use.items, -use.published, len(use.name), use.name, use.id),
        )
        shown = [PairUse(uses[p.first], uses[p.second], p.likeness) for p in members]
        shown.sort(key=lambda pair: (_rank(pair.likeness), pair.first.name, pair.second.name))
        groups.append(TagGroup(tags, shown))
    groups.sort(key=lambda group: (_rank(group.likenesses[0]), group.keep.name))
    return groups


def _rank(likeness):
    return list(Likeness).index(likeness)
