"""The tag health page: the report of articles/tag_health, each group with its buttons.

The buttons post to the tag list's merge action, the merge every editor knows: its
confirmation ("What will happen"), then the merge service with its redirects, aliases,
history and record, undoable from "Tag merges". They bring the editor back here afterwards.
Who may merge tags may see the page.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from .. import tag_health
from .base import render_page


@dataclass(frozen=True)
class Fix:
    """One button: merge ``tags`` into ``target`` (one of them), after the confirmation."""

    label: str
    tags: list
    target: tag_health.TagUse


@dataclass(frozen=True)
class Row:
    use: tag_health.TagUse
    fixes: list[Fix]


def rows_of(group):
    """Each tag of a group with its buttons: "merge all into" it, and for a tag other than
    the one to keep, "make it an alias" of that one (merging only it). In a group of two,
    "merge all into" the one to keep is that very alias: its row offers nothing."""
    keep = group.keep
    rows = []
    for use in group.tags:
        fixes = []
        if use != keep or len(group.tags) > 2:
            fixes.append(Fix(f"Merge all into “{use.name}”…", group.tags, use))
        if use != keep:
            fixes.append(Fix(f"Make “{use.name}” an alias of “{keep.name}”…", [keep, use], keep))
        rows.append(Row(use, fixes))
    return rows


def health_view(modeladmin, request):
    if not modeladmin.has_change_permission(request):
        raise PermissionDenied
    report = tag_health.health_report()
    return render_page(
        modeladmin,
        request,
        "admin/articles/tag/health.html",
        title="Tag health",
        report=report,
        groups=[(group, rows_of(group)) for group in report.groups],
        merge_url=reverse("admin:articles_tag_changelist"),
        return_to=reverse("admin:articles_tag_health"),
        may_delete=modeladmin.has_delete_permission(request),
        tag_list=reverse("admin:articles_tag_changelist"),
    )
