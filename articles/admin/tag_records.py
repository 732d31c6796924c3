"""The records of merges, renames and deletions of tags, each with its undo page, and the
record of undos. Read-only: the records are what an undo reads (articles/tag_undo)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from .. import tag_undo
from ..models import TagDeletion, TagMerge, TagRename, TagUndo
from .base import ReadOnlyAdmin, has_app_permission, plural, render_page
from .forms import ConfirmForm


class UndoableRecordAdmin(ReadOnlyAdmin):
    """A record with an undo page: a summary of what the undo will do, then "Yes, undo"."""

    undo_permission = "change_tag"
    list_select_related = ["actor", "undo"]

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_undo"
        view = self.admin_site.admin_view(self.undo_view)
        return [path("<int:record_id>/undo/", view, name=name), *super().get_urls()]

    def _url(self, view, record):
        opts = self.opts
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[record.pk])

    def has_undo_permission(self, request):
        return has_app_permission(request, self.undo_permission)

    @admin.display(description="undo")
    def undo_state(self, record):
        undo = getattr(record, "undo", None)
        if undo is not None:
            url = reverse("admin:articles_tagundo_change", args=[undo.pk])
            when = f"{timezone.localtime(undo.undone_at):%Y-%m-%d %H:%M}"
            return format_html('<a href="{}">undone {}</a>', url, when)
        return format_html('<a href="{}">Undo…</a>', self._url("undo", record))

    def undo_view(self, request, record_id):
        if not self.has_undo_permission(request):
            raise PermissionDenied
        record = get_object_or_404(self.model, pk=record_id)
        back = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[record.pk]
        )
        form = ConfirmForm(request.POST if request.method == "POST" else None)
        try:
            summary, problems = self.undo_summary(record)
            if form.is_valid() and not problems:
                undo = self.undo(record, actor=request.user)
                text = f"Undone: {record}."
                if undo.note:
                    text += f" Kept: {undo.note}."
                self.message_user(request, text, messages.SUCCESS)
                return redirect(back)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return redirect(back)
        return render_page(
            self,
            request,
            "admin/articles/tag/undo.html",
            title=f"Undo: {record}",
            crumbs=[(back, str(record))],
            crumb="Undo",
            record=record,
            summary=summary,
            problems=problems,
            form=form,
        )


@admin.register(TagMerge)
class TagMergeAdmin(UndoableRecordAdmin):
    list_display = ["__str__", "items_moved", "items_already_tagged", "actor", "merged_at"]
    list_display += ["undo_state"]
    readonly_fields = ["undo_state"]

    def undo_summary(self, merge):
        plan = tag_undo.plan_merge_undo(merge)
        names = ", ".join(f"“{one.name}”" for one in plan.snapshots)
        urls = ", ".join(f"/tags/{one.slug}/" for one in plan.snapshots)
        lines = [
            f"{names} come back with their names, descriptions, aliases, old URLs and "
            f"digests; {urls} serve them again.",
            f"{plural(plan.items_back, 'item')} get them back, at their places on their pages.",
            f"{plural(len(plan.move_off_target), 'item')} lose “{plan.target.name}”, which "
            "they had only through the merge.",
        ]
        lines += [f"Kept: {plural(n, 'item')} {why}." for why, n in plan.kept.items() if n]
        return lines, plan.problems

    def undo(self, merge, *, actor):
        return tag_undo.undo_merge(merge, actor=actor)


@admin.register(TagRename)
class TagRenameAdmin(UndoableRecordAdmin):
    list_display = ["__str__", "old_slug", "new_slug", "actor", "renamed_at", "undo_state"]
    readonly_fields = ["undo_state"]

    def undo_summary(self, rename):
        tag_undo.check_rename_undoable(rename)
        lines = [f"“{rename.new_name}” is named “{rename.old_name}” again."]
        if rename.new_slug != rename.old_slug:
            lines.append(
                f"/tags/{rename.old_slug}/ serves it again; /tags/{rename.new_slug}/ keeps "
                "redirecting to it."
            )
        return lines, []

    def undo(self, rename, *, actor):
        return tag_undo.undo_rename(rename, actor=actor)


@admin.register(TagDeletion)
class TagDeletionAdmin(UndoableRecordAdmin):
    undo_permission = "delete_tag"
    list_display = ["__str__", "items_untagged", "items_left_without_tags", "actor"]
    list_display += ["deleted_at", "undo_state"]
    readonly_fields = ["undo_state"]

    def undo_summary(self, deletion):
        plan = tag_undo.plan_deletion_undo(deletion)
        one = plan.snapshot
        lines = [
            f"“{one.name}” comes back at /tags/{one.slug}/ with its description, aliases, old "
            f"URLs and {plural(len(one.digests), 'digest')}.",
            f"{plural(plan.items_back, 'item')} get it back, at their places on its page.",
        ]
        if plan.items_deleted:
            lines.append(f"Kept: {plural(plan.items_deleted, 'item')} deleted since.")
        return lines, plan.problems

    def undo(self, deletion, *, actor):
        return tag_undo.undo_deletion(deletion, actor=actor)


@admin.register(TagUndo)
class TagUndoAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "note", "actor", "undone_at"]
    list_select_related = ["actor", "merge", "rename", "deletion"]
    list_filter = ["kind"]
