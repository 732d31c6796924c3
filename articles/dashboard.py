"""The desk's day at a glance (the admin's index): the last import runs and how they went,
open conflicts, items coming out in the next 48 hours, drafts waiting, tags changed lately.

Each panel is a count and a few rows, read with a fixed number of queries whatever the size
of the archive: every count stops at COUNT_CAP ("1,000+") and reads an index, and every list
is a LIMIT. Each panel links to the changelist its filter narrows (``admin/filters.py``).
"""

from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from django.contrib.admin.models import LogEntry
from django.db.models import BigIntegerField, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from .models import ImportChange, ImportRun, Item, Tag, TagMerge

COUNT_CAP = 1000
SHOWN = 5
RUNS_SHOWN = 5
SCHEDULED_WINDOW = timedelta(hours=48)
RECENT_TAG_DAYS = 7


class Outcome(StrEnum):
    """How an import run went, in one word."""

    IMPORTED = "imported"
    CONFLICTS = "conflicts"  # imported, an editor's version kept where the wire differs
    PARTLY_FAILED = "partly failed"
    FAILED = "failed"
    NOTHING_NEW = "nothing new"
    UNFINISHED = "unfinished"  # started, never finished (still running, or stopped)
    UNDONE = "undone"
    UNDO = "undo"  # the run is itself an undo


def run_outcome(run):
    if run.origin == ImportRun.Origin.UNDO:
        return Outcome.UNDO
    if getattr(run, "undone_by", None) is not None:
        return Outcome.UNDONE
    if run.finished_at is None:
        return Outcome.UNFINISHED
    if run.files_failed or run.errors:
        return Outcome.PARTLY_FAILED if run.files_imported else Outcome.FAILED
    if run.conflicts:
        return Outcome.CONFLICTS
    if run.files_imported:
        return Outcome.IMPORTED
    return Outcome.NOTHING_NEW


# --- The rules, as querysets (the changelists' filters use them too) ---------------------


def open_conflicts(items=None):
    """Items whose wire copy differs and waits for the editor: kept by an import, neither
    kept nor taken since (articles.conflicts owns the rule)."""
    items = Item.objects.all() if items is None else items
    return items.with_open_conflict()


def scheduled_soon(items=None, now=None):
    """Published items whose time comes within SCHEDULED_WINDOW."""
    items = Item.objects.all() if items is None else items
    now = now or timezone.now()
    return items.filter(
        status=Item.Status.PUBLISHED,
        published_at__gt=now,
        published_at__lte=now + SCHEDULED_WINDOW,
    )


def drafts(items=None):
    items = Item.objects.all() if items is None else items
    return items.filter(status=Item.Status.DRAFT)


def recently_changed_tags(tags=None, now=None):
    """Tags made by an import, edited or renamed in the admin, or merged into, in the last
    RECENT_TAG_DAYS days."""
    tags = Tag.objects.all() if tags is None else tags
    since = (now or timezone.now()) - timedelta(days=RECENT_TAG_DAYS)
    edited = (
        LogEntry.objects.filter(
            content_type__app_label="articles",
            content_type__model="tag",
            action_time__gte=since,
        )
        .annotate(tag_pk=Cast("object_id", BigIntegerField()))
        .values("tag_pk")
    )
    created = ImportChange.objects.filter(
        kind=ImportChange.Kind.TAG_CREATED,
        run__started_at__gte=since,
        run__undone_by__isnull=True,
    ).values("object_id")
    merged_into = TagMerge.objects.filter(merged_at__gte=since).values("target_id")
    return tags.filter(Q(pk__in=edited) | Q(pk__in=created) | Q(pk__in=merged_into))


# --- The panels ------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """A count that stops at COUNT_CAP: "1,000+" beyond."""

    value: int
    capped: bool

    def __str__(self):
        return f"{self.value:,}+" if self.capped else f"{self.value:,}"


def capped_count(queryset, cap=COUNT_CAP):
    found = queryset.order_by()[: cap + 1].count()
    return Count(min(found, cap), found > cap)


@dataclass(frozen=True)
class Panel:
    title: str
    count: Count
    rows: list
    url: str  # the changelist, filtered to what the panel counts
    empty: str
    change_url_name: str = "admin:articles_item_change"  # each row's change form


@dataclass(frozen=True)
class RunRow:
    run: ImportRun
    outcome: Outcome


@dataclass
class Desk:
    runs: list = field(default_factory=list)
    panels: list = field(default_factory=list)


def _items_url(query):
    return f"{reverse('admin:articles_item_changelist')}?{query}"


def desk_for(user, now=None):
    """What the admin's index shows ``user``: only the panels of what they may view."""
    now = now or timezone.now()
    desk = Desk()
    if user.has_perm("articles.view_importrun"):
        runs = ImportRun.objects.select_related("user", "undone_by")[:RUNS_SHOWN]
        desk.runs = [RunRow(run, run_outcome(run)) for run in runs]
    if user.has_perm("articles.view_item"):
        conflicts = open_conflicts()
        soon = scheduled_soon(now=now)
        waiting = drafts()
        desk.panels += [
            Panel(
                "Open conflicts",
                capped_count(conflicts),
                list(conflicts.order_by("-edited_at", "-id")[:SHOWN]),
                _items_url("conflict=open"),
                "No conflicts: no import found an item you changed changed on the wire too.",
            ),
            Panel(
                "Coming out in the next 48 hours",
                capped_count(soon),
                list(soon.order_by("published_at", "id")[:SHOWN]),
                _items_url("visible=soon"),
                "Nothing scheduled for the next 48 hours.",
            ),
            Panel(
                "Drafts waiting",
                capped_count(waiting),
                list(waiting.order_by("-id")[:SHOWN]),
                _items_url("status__exact=draft"),
                "No drafts.",
            ),
        ]
    if user.has_perm("articles.view_tag"):
        changed = recently_changed_tags(now=now)
        desk.panels.append(
            Panel(
                f"Tags changed in the last {RECENT_TAG_DAYS} days",
                capped_count(changed),
                list(changed.order_by("name")[:SHOWN]),
                f"{reverse('admin:articles_tag_changelist')}?changed=recent",
                f"No tag was made, edited or merged in the last {RECENT_TAG_DAYS} days.",
                "admin:articles_tag_change",
            )
        )
    return desk
