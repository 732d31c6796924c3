"""The imports' admin: the run log with what each run touched, digest files, the upload
with its preview and confirm, and undo. The work is the importing package's; these views
check permissions, validate the post and show the result."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from ..importing import (
    StaleUploadError,
    check_undoable,
    confirm_uploads,
    plan_undo,
    preview_uploads,
    undo_run,
)
from ..importing.changes import kept_reason
from ..models import Digest, ImportChange, ImportRun
from .base import ReadOnlyAdmin, has_app_permission, lines, plural, render_page
from .forms import ConfirmImportForm, DigestUploadForm

RUN_ITEMS_SHOWN = 200
# What a run did to items, as its detail page lists them.
ITEM_KINDS = [
    ImportChange.Kind.ITEM_CREATED,
    ImportChange.Kind.ITEM_UPDATED,
    ImportChange.Kind.ITEM_CONFLICT,
    ImportChange.Kind.TAG_LINKED,
    ImportChange.Kind.ITEM_REMOVED,
    ImportChange.Kind.ITEM_RESTORED,
    ImportChange.Kind.ITEM_KEPT,
]


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = ["name", "tag_name", "page", "imported_at", "run"]
    list_select_related = ["run"]
    search_fields = ["name", "tag_name"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "origin",
        "user",
        "files",
        "created",
        "updated",
        "unchanged",
        "conflicts",
        "error_count",
        "undo_state",
    ]
    list_filter = ["origin"]
    list_select_related = ["user", "undo_of", "undone_by"]
    fields = [
        "started_at",
        "finished_at",
        "user",
        "origin",
        "undo_of",
        "undo_state",
        "status",
        "forced",
        ("files", "files_imported", "files_unchanged", "files_skipped", "files_failed"),
        ("created", "updated", "unchanged", "conflicts"),
        ("removed", "restored", "kept"),
        "warning_list",
        "error_list",
        "digest_list",
        "items_touched",
    ]
    readonly_fields = ["undo_state", "warning_list", "error_list", "digest_list", "items_touched"]

    @admin.display(description="errors")
    def error_count(self, run):
        return len(run.errors)

    @admin.display(description="undone")
    def undo_state(self, run):
        undone_by = getattr(run, "undone_by", None)
        if undone_by is None:
            return "—"
        url = reverse("admin:articles_importrun_change", args=[undone_by.pk])
        return format_html('<a href="{}">by {}</a>', url, undone_by)

    @admin.display(description="warnings")
    def warning_list(self, run):
        return lines(run.warnings)

    @admin.display(description="errors")
    def error_list(self, run):
        return lines(run.errors)

    @admin.display(description="files")
    def digest_list(self, run):
        return lines(f"{d.name} ({d.tag_name}, page {d.page})" for d in run.digests.all())

    @admin.display(description="items touched")
    def items_touched(self, run):
        changes = run.changes.filter(kind__in=ITEM_KINDS).select_related("item")
        total = changes.count()
        rows = []
        for change in changes[:RUN_ITEMS_SHOWN]:
            label = change.item.title if change.item is not None else change.title
            if change.item is not None:
                url = reverse("admin:articles_item_change", args=[change.item_id])
                cell = format_html('<a href="{}">{}</a>', url, label)
            else:
                cell = format_html("{} (gone)", label)
            rows.append((change.get_kind_display(), cell, kept_reason(change)))
        if not rows:
            return "—"
        more = ""
        if total > RUN_ITEMS_SHOWN:
            url = reverse("admin:articles_item_changelist") + f"?run={run.pk}"
            more = format_html(
                '<p>and {} more: <a href="{}">see them in the item list</a></p>',
                total - RUN_ITEMS_SHOWN,
                url,
            )
        table = format_html(
            "<table><tbody>{}</tbody></table>{}",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
            more,
        )
        return table

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="articles_importrun_import"),
            path(
                "import/confirm/",
                view(self.confirm_view),
                name="articles_importrun_import_confirm",
            ),
            path("<int:run_id>/undo/", view(self.undo_view), name="articles_importrun_undo"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {"can_import": self.has_import_permission(request)}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"can_undo": self.has_undo_permission(request)}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def has_import_permission(self, request):
        return has_app_permission(request, "import_digests")

    def has_undo_permission(self, request):
        return has_app_permission(request, "undo_importrun")

    # Upload, preview, confirm -------------------------------------------------------------

    def import_view(self, request):
        """Upload digests; the preview is a dry run of the very import the confirm will do."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = DigestUploadForm(request.POST or None, request.FILES or None)
        if request.method != "POST" or not form.is_valid():
            return self._import_page(request, form=form)
        options = {"status": form.cleaned_data["status"], "force": form.cleaned_data["force"]}
        preview = preview_uploads(form.cleaned_data["files"], user=request.user, **options)
        confirm = ConfirmImportForm(
            initial={
                "batch": preview.batch,
                "sha256": [upload.sha256 for upload in preview.uploads],
                **options,
            }
        )
        return self._import_page(
            request,
            title="Import digests: preview",
            preview=preview,
            confirm_form=confirm,
            reports=[_report_row(report) for report in preview.reports],
        )

    def confirm_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return redirect("admin:articles_importrun_import")
        form = ConfirmImportForm(request.POST)
        if not form.is_valid():
            # Only a tampered or broken post gets here: the preview's form is all hidden.
            response = self._import_page(request, confirm_errors=form.errors)
            response.status_code = 400
            return response
        try:
            summary = confirm_uploads(
                form.cleaned_data["batch"],
                user=request.user,
                previewed_sha256=form.cleaned_data["sha256"],
                status=form.cleaned_data["status"],
                force=form.cleaned_data["force"],
            )
        except StaleUploadError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return redirect("admin:articles_importrun_import")
        level = messages.SUCCESS if summary.ok else messages.WARNING
        self.message_user(request, f"Imported {summary.sentence()}", level)
        return redirect("admin:articles_importrun_change", summary.run_id)

    def _import_page(self, request, *, form=None, title="Import digests", **context):
        return render_page(
            self,
            request,
            "admin/articles/importrun/import.html",
            title=title,
            crumb="Import digests",
            form=form or DigestUploadForm(),
            **context,
        )

    # Undo ----------------------------------------------------------------------------------

    def undo_view(self, request, run_id):
        if not self.has_undo_permission(request):
            raise PermissionDenied
        run = get_object_or_404(ImportRun, pk=run_id)
        try:
            check_undoable(run)
            if request.method == "POST":
                undone = undo_run(run, user=request.user)
        except ValidationError as exc:
            self.message_user(request, exc.messages[0], messages.ERROR)
            return redirect("admin:articles_importrun_change", run.pk)
        if request.method == "POST":
            self.message_user(
                request,
                f"Undid {run}: {plural(undone.removed, 'item')} removed, "
                f"{plural(undone.restored, 'item')} restored, "
                f"{plural(undone.kept, 'item')} kept (changed since).",
                messages.SUCCESS,
            )
            return redirect("admin:articles_importrun_change", undone.pk)
        return render_page(
            self,
            request,
            "admin/articles/importrun/undo.html",
            title=f"Undo {run}",
            crumbs=[(reverse("admin:articles_importrun_change", args=[run.pk]), str(run))],
            crumb="Undo",
            run=run,
            plan=plan_undo(run),
        )


def _report_row(report):
    counts = report.counts()
    return {
        "report": report,
        "created": counts.created,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "conflicts": report.conflicts,
        "differing": report.differing,
    }
