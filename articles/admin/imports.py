"""The imports' admin: the run log with what each run touched, digest files, the upload
with its preview and confirm, and undo. The work is the importing package's; these views
check permissions, validate the post and show the result."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from ..importing import (
    StaleUploadError,
    cancel_run,
    check_undoable,
    confirm_uploads,
    is_stalled,
    plan_undo,
    preview_uploads,
    progress_of,
    resume_run,
    summary_of,
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
        "state",
        "user",
        "files",
        "created",
        "updated",
        "unchanged",
        "conflicts",
        "error_count",
        "undo_state",
    ]
    list_filter = ["origin", "state"]
    list_select_related = ["user", "undo_of", "undone_by"]
    fields = [
        "progress",
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
    readonly_fields = [
        "progress",
        "undo_state",
        "warning_list",
        "error_list",
        "digest_list",
        "items_touched",
    ]

    class Media:
        # Polls the run's progress endpoint while the run is queued or running.
        js = ["articles/import_progress.js"]

    @admin.display(description="progress")
    def progress(self, run):
        """Files done of total and the counts so far; kept live by import_progress.js."""
        if not run.background:
            return "—"  # a run in the foreground has its summary below, once it is over
        now = progress_of(run)
        url = reverse("admin:articles_importrun_progress", args=[run.pk]) if now.active else ""
        return format_html(
            '<div id="import-progress" data-progress-url="{}">'
            '<progress max="{}" value="{}"></progress> '
            '<span data-progress="state_label">{}</span>: '
            '<span data-progress="files_done">{}</span> of '
            '<span data-progress="files_total">{}</span> files done; items: '
            '<span data-progress="created">{}</span> created, '
            '<span data-progress="updated">{}</span> updated, '
            '<span data-progress="conflicts">{}</span> conflicts; '
            '<span data-progress="errors">{}</span> errors.'
            '<span data-progress-when="done" hidden> <a href="">Reload for the full report.</a>'
            "</span></div>",
            url,
            now.files_total,
            now.files_done,
            now.state_label,
            now.files_done,
            now.files_total,
            now.created,
            now.updated,
            now.conflicts,
            now.errors,
        )

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
            path(
                "<int:run_id>/progress/",
                view(self.progress_view),
                name="articles_importrun_progress",
            ),
            path("<int:run_id>/cancel/", view(self.cancel_view), name="articles_importrun_cancel"),
            path("<int:run_id>/resume/", view(self.resume_view), name="articles_importrun_resume"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {"can_import": self.has_import_permission(request)}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, object_id)
        can_import = self.has_import_permission(request)
        extra = {
            "can_undo": self.has_undo_permission(request),
            "can_cancel": can_import and run is not None and run.can_cancel,
            "can_resume": can_import and run is not None and is_stalled(run),
        }
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
            reports=[_report_row(report, preview.suggestions) for report in preview.reports],
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
            run = confirm_uploads(
                form.cleaned_data["batch"],
                user=request.user,
                previewed_sha256=form.cleaned_data["sha256"],
                status=form.cleaned_data["status"],
                force=form.cleaned_data["force"],
            )
        except StaleUploadError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return redirect("admin:articles_importrun_import")
        if run.is_active:
            self.message_user(
                request,
                f"Queued {plural(run.files, 'file')}: the import runs in the background, "
                "its progress shows here.",
                messages.SUCCESS,
            )
        else:  # a backend that runs tasks at once (the immediate one) has done it already
            summary = summary_of(run)
            level = messages.SUCCESS if summary.ok else messages.WARNING
            self.message_user(request, f"Imported {summary.sentence()}", level)
        return redirect("admin:articles_importrun_change", run.pk)

    # Progress, cancel, resume -------------------------------------------------------------

    def progress_view(self, request, run_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = get_object_or_404(ImportRun, pk=run_id)
        # admin_view's never_cache: every poll reads the database, no cache keeps an old count.
        return JsonResponse(progress_of(run).as_dict())

    def cancel_view(self, request, run_id):
        return self._take_over(request, run_id, cancel_run, "Cancelled {run}: {done} files done.")

    def resume_view(self, request, run_id):
        return self._take_over(request, run_id, resume_run, "Resumed {run}: {left} files to go.")

    def _take_over(self, request, run_id, service, message):
        if not self.has_import_permission(request):
            raise PermissionDenied
        run = get_object_or_404(ImportRun, pk=run_id)
        if request.method == "POST":
            try:
                run = service(run)
            except ValidationError as exc:
                self.message_user(request, exc.messages[0], messages.ERROR)
            else:
                left = run.pending_files.count()
                self.message_user(request, message.format(run=run, done=run.files_done, left=left))
        return redirect("admin:articles_importrun_change", run.pk)

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


def _report_row(report, suggestions):
    counts = report.counts()
    return {
        "report": report,
        "created": counts.created,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "conflicts": report.conflicts,
        "differing": report.differing,
        "suggestions": suggestions.get(report.name, []),
    }
