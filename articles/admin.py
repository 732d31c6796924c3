"""The editors' admin: items, tags, imports and their undo.

ModelAdmins stay thin: every change goes through a service (editing, tags, importing, undo).
List pages run a fixed number of queries (prefetches, annotations in one query) and never
count a huge table exactly (EstimatedCountPaginator).
"""

import hashlib
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from . import editing, undo
from .admin_forms import (
    ChooseTagForm,
    DigestUploadForm,
    ItemForm,
    MergeForm,
    ScheduleForm,
    TagAliasForm,
    TagForm,
)
from .importing import DigestSource, import_digests
from .models import (
    Digest,
    DigestEntry,
    ImportChange,
    ImportRun,
    Item,
    PendingUpload,
    Tag,
    TagAlias,
    TaggedItem,
    TagMerge,
)
from .paginators import EstimatedCountPaginator
from .tagging import tag_key
from .tags import find_tag, get_or_create_tag, merge_tags, plan_merge, rename_tag, tags_for_names

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "Curate items and tags, import digests"

PENDING_UPLOAD_LIFETIME = timedelta(days=1)
RUN_ITEMS_SHOWN = 200


def plural(count, singular, plural_form=None):
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Logs and audits: viewed, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Item list filters ---------------------------------------------------------------------


class InputFilter(admin.SimpleListFilter):
    """A filter typed into a box: listing every tag or run would not scale."""

    template = "admin/articles/input_filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.hidden_params = [
            (key, value)
            for key, values in request.GET.lists()
            if key not in (self.parameter_name, "p")
            for value in values
        ]

    def has_output(self):
        return True

    def lookups(self, request, model_admin):
        return []


class TagFilter(InputFilter):
    title = "tag"
    parameter_name = "tag"

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        tag = Tag.objects.filter(slug=self.value()).first() or find_tag(self.value())
        if tag is None:
            return queryset.none()
        return queryset.filter(tagged_items__tag=tag)


class ImportRunFilter(admin.SimpleListFilter):
    title = "import run"
    parameter_name = "run"

    def lookups(self, request, model_admin):
        recent = list(ImportRun.objects.exclude(origin=ImportRun.Origin.UNDO)[:10])
        if (
            self.value()
            and self.value().isdigit()
            and all(str(r.pk) != self.value() for r in recent)
        ):
            recent += list(ImportRun.objects.filter(pk=self.value()))
        return [(str(run.pk), str(run)) for run in recent]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        touched = ImportChange.objects.filter(run_id=self.value(), item__isnull=False)
        return queryset.filter(pk__in=touched.values("item_id"))


class EditedFilter(admin.SimpleListFilter):
    title = "edited by an editor"
    parameter_name = "edited"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No (as imported)")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(edited_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(edited_at__isnull=True)
        return queryset


class VisibilityFilter(admin.SimpleListFilter):
    title = "visible to readers"
    parameter_name = "visible"

    def lookups(self, request, model_admin):
        return [("now", "Now"), ("scheduled", "Scheduled"), ("no", "Not now")]

    def queryset(self, request, queryset):
        now = timezone.now()
        live = Item.objects.published(at=now).values("pk")
        if self.value() == "now":
            return queryset.filter(pk__in=live)
        if self.value() == "scheduled":
            return queryset.filter(status=Item.Status.PUBLISHED, published_at__gt=now)
        if self.value() == "no":
            return queryset.exclude(pk__in=live)
        return queryset


# --- Items ---------------------------------------------------------------------------------


def _action_page(modeladmin, request, queryset, *, title, form, action, template=None, **extra):
    """The intermediate page of a bulk action (the selection travels in hidden inputs)."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "queryset": queryset,
        "form": form,
        "media": modeladmin.media + form.media,
        "action": action,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        **extra,
    }
    return TemplateResponse(request, template or "admin/articles/action_form.html", context)


# Where an item came from and who touched it: shown read-only, never edited.
PROVENANCE_FIELDS = [
    "provenance",
    "import_runs",
    "imported_at",
    "edited_by",
    "edited_at",
    "created_at",
    "updated_at",
]


@admin.register(Item)
class ItemAdmin(SimpleHistoryAdmin):
    form = ItemForm
    list_display = [
        "title",
        "tag_list",
        "status",
        "published_at",
        "unpublish_at",
        "last_edited",
        "sources",
    ]
    list_filter = ["status", VisibilityFilter, TagFilter, ImportRunFilter, EditedFilter]
    search_fields = ["title", "teaser"]
    search_help_text = "Words of the title or the text."
    date_hierarchy = "published_at"
    list_per_page = 50
    list_max_show_all = 500
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    actions = ["publish", "unpublish", "schedule", "add_tag", "remove_tag"]
    history_list_display = ["status", "tag_names"]
    object_history_template = "admin/articles/item/object_history.html"
    fieldsets = [
        (None, {"fields": ["title", "slug", "tag_names", "teaser"]}),
        (
            "Publishing",
            {
                "fields": ["status", "published_at", "unpublish_at"],
                "description": "Readers see a published item from “Publish at” until "
                "“Unpublish at” (if set); nothing needs to run at those times.",
            },
        ),
        (
            "Provenance",
            {
                "fields": PROVENANCE_FIELDS,
                "classes": ["collapse"],
            },
        ),
    ]
    readonly_fields = PROVENANCE_FIELDS

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("edited_by")
            .prefetch_related(
                "tags",
                Prefetch(
                    "digest_entries",
                    queryset=DigestEntry.objects.select_related("digest").order_by(
                        "digest__page", "digest_id"
                    ),
                ),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("slug")  # item URLs never change once made
        if not request.user.has_perm("articles.publish_item"):
            fields += ["status", "published_at", "unpublish_at"]
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        # Only when adding: the slug is read-only afterwards. (Not the class attribute:
        # simple-history's revert view reads that one and the form has no slug there.)
        return {} if obj is not None else {"slug": ["title"]}

    def get_search_results(self, request, queryset, search_term):
        if not search_term or connection.vendor != "postgresql":
            return super().get_search_results(request, queryset, search_term)
        # The generated tsvector column of migration 0002 (GIN index): a million rows stay
        # fast where ILIKE '%…%' on the text would scan them all.
        vector = RawSQL("articles_item.search_vector", [], output_field=SearchVectorField())
        query = SearchQuery(search_term, config="english", search_type="websearch")
        return queryset.alias(search=vector).filter(search=query), False

    @admin.display(description="tags")
    def tag_list(self, item):
        return ", ".join(tag.name for tag in item.tags.all())

    @admin.display(description="last edited", ordering="edited_at")
    def last_edited(self, item):
        if item.edited_at is None:
            return "—"
        who = item.edited_by.get_username() if item.edited_by else "someone"
        return f"{who}, {timezone.localtime(item.edited_at):%Y-%m-%d %H:%M}"

    @admin.display(description="source digests")
    def sources(self, item):
        return ", ".join(
            f"{entry.digest.tag_name} p{entry.digest.page} #{entry.position}"
            for entry in item.digest_entries.all()
        )

    @admin.display(description="digests (position)")
    def provenance(self, item):
        entries = list(item.digest_entries.all())
        if not entries:
            return "Made by hand."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} — {}, page {}, position {}</li>",
                ((e.digest.name, e.digest.tag_name, e.digest.page, e.position) for e in entries),
            ),
        )

    @admin.display(description="import runs")
    def import_runs(self, item):
        changes = item.import_changes.select_related("run").order_by("run_id")
        rows = [
            (
                reverse("admin:articles_importrun_change", args=[c.run_id]),
                c.run,
                c.get_kind_display(),
            )
            for c in changes
        ]
        if not rows:
            return "—"
        return format_html(
            "<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a>: {}</li>', rows)
        )

    def save_model(self, request, obj, form, change):
        # Resolved by tag_key (aliases too): taggit's own name lookups would make duplicates.
        tags = tags_for_names(form.cleaned_data.get("tag_names", []))
        obj._history_tag_names = sorted(tag.name for tag in tags)
        # Imports keep what an editor saved: recording who and when is what tells them.
        obj.mark_edited(request.user)
        super().save_model(request, obj, form, change)
        # Here rather than in save_related: simple-history's revert view skips that one.
        editing.set_tags(obj, tags)

    def delete_model(self, request, obj):
        self._snapshot_tags_before_delete([obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        items = list(queryset.prefetch_related("tags"))
        self._snapshot_tags_before_delete(items)
        for item in items:
            item._history_user = request.user
            item.delete()

    def _snapshot_tags_before_delete(self, items):
        # The deletion's revision keeps the tags, so restoring it gives them back.
        for item in items:
            item._history_tag_names = sorted(tag.name for tag in item.tags.all())

    # Actions ----------------------------------------------------------------------------

    def has_publish_permission(self, request):
        return request.user.has_perm("articles.publish_item")

    def _report(self, request, changed, done):
        # One LogEntry an item (one INSERT for all), as the admin logs a single change.
        message = f"{done[0].upper()}{done[1:]} (bulk action)."
        LogEntry.objects.log_actions(request.user.pk, changed, CHANGE, change_message=message)
        self.message_user(request, f"{plural(len(changed), 'item')} {done}.", messages.SUCCESS)

    @admin.action(description="Publish selected items now", permissions=["publish"])
    def publish(self, request, queryset):
        changed = editing.publish_items(queryset, user=request.user)
        self._report(request, changed, "published")

    @admin.action(description="Unpublish selected items (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        changed = editing.unpublish_items(queryset, user=request.user)
        self._report(request, changed, "unpublished")

    @admin.action(description="Schedule selected items…", permissions=["publish"])
    def schedule(self, request, queryset):
        form = ScheduleForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            changed = editing.schedule_items(
                queryset,
                publish_at=form.cleaned_data["published_at"],
                unpublish_at=form.cleaned_data["unpublish_at"],
                user=request.user,
            )
            self._report(request, changed, "scheduled")
            return None
        return _action_page(
            self, request, queryset, title="Schedule items", form=form, action="schedule"
        )

    @admin.action(description="Add a tag to selected items…", permissions=["change"])
    def add_tag(self, request, queryset):
        form = ChooseTagForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            tag, _ = get_or_create_tag(form.cleaned_data["tag"])
            changed = editing.add_tag(queryset, tag, user=request.user)
            self._report(request, changed, f"tagged “{tag.name}”")
            return None
        return _action_page(self, request, queryset, title="Add a tag", form=form, action="add_tag")

    @admin.action(description="Remove a tag from selected items…", permissions=["change"])
    def remove_tag(self, request, queryset):
        form = ChooseTagForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            tag = find_tag(form.cleaned_data["tag"])
            if tag is None:
                form.add_error(
                    "tag", f"expected an existing tag, found {form.cleaned_data['tag']!r}"
                )
            else:
                changed = editing.remove_tag(queryset, tag, user=request.user)
                self._report(request, changed, f"untagged “{tag.name}”")
                return None
        return _action_page(
            self, request, queryset, title="Remove a tag", form=form, action="remove_tag"
        )

    # Deleted items ----------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name="articles_item_deleted",
            ),
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="articles_item_compare",
            ),
            *super().get_urls(),
        ]

    def compare_view(self, request, object_id):
        """What changed between any two revisions of an item (?from=…&to=… history ids)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        revisions = Item.history.filter(id=object_id).select_related("history_user")
        first = get_object_or_404(revisions, history_id=request.GET.get("from") or 0)
        second = get_object_or_404(revisions, history_id=request.GET.get("to") or 0)
        older, newer = sorted([first, second], key=lambda r: (r.history_date, r.history_id))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Changes to “{newer.title}”",
            "opts": self.model._meta,
            "object_id": object_id,
            "older": older,
            "newer": newer,
            "changes": revision_changes(older, newer),
        }
        return TemplateResponse(request, "admin/articles/item/compare.html", context)

    def deleted_view(self, request):
        """Deleted items, newest first, each with a link to restore it from its history."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        History = Item.history.model
        deletions = (
            History.objects.filter(history_type="-")
            .exclude(id__in=Item.objects.values("pk"))
            .select_related("history_user")
            .order_by("-history_date")[:200]
        )
        context = {
            **self.admin_site.each_context(request),
            "title": "Deleted items",
            "opts": self.model._meta,
            "deletions": deletions,
        }
        return TemplateResponse(request, "admin/articles/item/deleted.html", context)


# --- Tags ----------------------------------------------------------------------------------


class TagAliasInline(admin.TabularInline):
    model = TagAlias
    form = TagAliasForm
    fields = ["name"]
    extra = 1
    verbose_name = "alias (another spelling)"
    verbose_name_plural = "aliases (other spellings: digests and editors using them mean this tag)"


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    form = TagForm
    list_display = ["name", "item_count", "alias_list", "short_description"]
    search_fields = ["name", "aliases__name"]
    list_per_page = 100
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    inlines = [TagAliasInline]
    readonly_fields = ["slug", "old_slugs"]
    fields = ["name", "slug", "description", "old_slugs"]
    actions = ["merge"]

    def get_queryset(self, request):
        # A correlated count: computed only for the rows of the page unless sorted by it.
        count = (
            TaggedItem.objects.filter(tag=OuterRef("pk"))
            .order_by()
            .values("tag")
            .annotate(count=Count("*"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(item_count=Coalesce(Subquery(count), Value(0)))
            .prefetch_related("aliases")
        )

    @admin.display(description="items", ordering="item_count")
    def item_count(self, tag):
        url = reverse("admin:articles_item_changelist") + f"?tag={tag.slug}"
        return format_html('<a href="{}">{}</a>', url, tag.item_count)

    @admin.display(description="aliases")
    def alias_list(self, tag):
        return ", ".join(alias.name for alias in tag.aliases.all())

    @admin.display(description="description")
    def short_description(self, tag):
        return Truncator(tag.description).chars(80)

    @admin.display(description="old URLs (answer with a redirect)")
    def old_slugs(self, tag):
        return ", ".join(f"/tags/{old.slug}/" for old in tag.old_slugs.all()) or "—"

    def save_model(self, request, obj, form, change):
        if change and "name" in form.changed_data:
            # Renaming keeps the old URL (301) and the old name as an alias.
            rename_tag(Tag.objects.get(pk=obj.pk), obj.name)
            obj.slug = Tag.objects.values_list("slug", flat=True).get(pk=obj.pk)
        super().save_model(request, obj, form, change)

    @admin.action(description="Merge selected tags…", permissions=["change"])
    def merge(self, request, queryset):
        tags = queryset.order_by("name")
        if len(tags) < 2:
            self.message_user(request, "Select two tags or more to merge.", messages.WARNING)
            return None
        form = MergeForm(request.POST if "apply" in request.POST else None, tags=tags)
        plan = None
        if form.is_valid():
            target = form.cleaned_data["target"]
            if "confirm" in request.POST:
                merge = merge_tags(sources=list(tags), target=target, actor=request.user)
                self.message_user(
                    request,
                    f"Merged {plural(len(merge.sources), 'tag')} into “{target.name}”: "
                    f"{plural(merge.items_moved, 'item')} moved, "
                    f"{plural(merge.items_already_tagged, 'item')} had it already.",
                    messages.SUCCESS,
                )
                return None
            plan = plan_merge(list(tags), target)
        counts = dict(
            TaggedItem.objects.filter(tag__in=tags)
            .values("tag")
            .annotate(count=Count("*"))
            .values_list("tag", "count")
        )
        return _action_page(
            self,
            request,
            queryset,
            title="Merge tags",
            form=form,
            action="merge",
            template="admin/articles/tag/merge.html",
            plan=plan,
            tag_counts=[(tag, counts.get(tag.pk, 0)) for tag in tags],
        )

    def get_urls(self):
        return [
            path(
                "names/",
                self.admin_site.admin_view(self.names_view),
                name="articles_tag_names",
            ),
            *super().get_urls(),
        ]

    def names_view(self, request):
        """Tag names for the autocomplete of tag fields (select2's JSON format)."""
        user = request.user
        if not (user.has_perm("articles.view_tag") or user.has_perm("articles.change_item")):
            raise PermissionDenied
        key = tag_key(request.GET.get("term", ""))
        tags = Tag.objects.order_by("name")
        if key:
            alias_of = TagAlias.objects.filter(name_key__contains=key).values("tag_id")
            tags = tags.filter(Q(name_key__contains=key) | Q(pk__in=alias_of))
        names = list(tags.values_list("name", flat=True)[:20])
        return JsonResponse(
            {
                "results": [{"id": name, "text": name} for name in names],
                "pagination": {"more": False},
            }
        )


@admin.register(TagMerge)
class TagMergeAdmin(ReadOnlyAdmin):
    """The audit of merges."""

    list_display = ["__str__", "items_moved", "items_already_tagged", "actor", "merged_at"]
    list_select_related = ["actor"]


# --- Imports -------------------------------------------------------------------------------


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
        return _lines(run.warnings)

    @admin.display(description="errors")
    def error_list(self, run):
        return _lines(run.errors)

    @admin.display(description="files")
    def digest_list(self, run):
        return _lines(f"{d.name} ({d.tag_name}, page {d.page})" for d in run.digests.all())

    @admin.display(description="items touched")
    def items_touched(self, run):
        changes = run.changes.filter(
            kind__in=[
                ImportChange.Kind.ITEM_CREATED,
                ImportChange.Kind.ITEM_UPDATED,
                ImportChange.Kind.ITEM_CONFLICT,
                ImportChange.Kind.TAG_LINKED,
                ImportChange.Kind.ITEM_REMOVED,
                ImportChange.Kind.ITEM_RESTORED,
                ImportChange.Kind.ITEM_KEPT,
            ]
        ).select_related("item")
        total = changes.count()
        rows = []
        for change in changes[:RUN_ITEMS_SHOWN]:
            label = change.item.title if change.item is not None else change.title
            if change.item is not None:
                url = reverse("admin:articles_item_change", args=[change.item_id])
                cell = format_html('<a href="{}">{}</a>', url, label)
            else:
                cell = format_html("{} (gone)", label)
            note = (change.before or {}).get("reason", "") if change.kind == "item_kept" else ""
            rows.append((change.get_kind_display(), cell, note))
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
        extra = {"can_import": request.user.has_perm("articles.import_digests")}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"can_undo": request.user.has_perm("articles.undo_importrun")}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    # Upload, preview, confirm -------------------------------------------------------------

    def import_view(self, request):
        """Upload digests; the preview is a dry run of the very import the confirm will do.

        The uploaded bytes wait in PendingUpload rows (the database, so any app server can
        take the confirm); the confirm posts the sha256 of each previewed file and is refused
        when the stored files differ from what was previewed.
        """
        if not request.user.has_perm("articles.import_digests"):
            raise PermissionDenied
        form = DigestUploadForm(request.POST or None, request.FILES or None)
        context = {
            **self.admin_site.each_context(request),
            "title": "Import digests",
            "opts": self.model._meta,
            "form": form,
        }
        if request.method == "POST" and form.is_valid():
            PendingUpload.objects.filter(
                uploaded_at__lt=timezone.now() - PENDING_UPLOAD_LIFETIME
            ).delete()
            batch = uuid.uuid4()
            limit = settings.DIGEST_MAX_BYTES
            pending = []
            for upload in form.cleaned_data["files"]:
                data = upload.read(limit + 1)
                pending.append(
                    PendingUpload(
                        batch=batch,
                        user=request.user,
                        name=upload.name,
                        sha256=hashlib.sha256(data).hexdigest(),
                        data=data,
                    )
                )
            PendingUpload.objects.bulk_create(pending)
            reports = []
            summary = import_digests(
                [DigestSource(p.name, data=bytes(p.data)) for p in pending],
                status=form.cleaned_data["status"],
                force=form.cleaned_data["force"],
                dry_run=True,
                user=request.user,
                origin=ImportRun.Origin.ADMIN,
                on_file=reports.append,
            )
            context.update(
                title="Import digests: preview",
                preview=True,
                batch=batch,
                uploads=pending,
                reports=[_report_context(report) for report in reports],
                totals=summary.as_dict(),
                status=form.cleaned_data["status"],
                force=form.cleaned_data["force"],
            )
        return TemplateResponse(request, "admin/articles/importrun/import.html", context)

    def confirm_view(self, request):
        if not request.user.has_perm("articles.import_digests"):
            raise PermissionDenied
        if request.method != "POST":
            return redirect("admin:articles_importrun_import")
        try:
            batch = uuid.UUID(request.POST.get("batch", ""))
        except ValueError:
            batch = None
        pending = list(PendingUpload.objects.filter(batch=batch, user=request.user))
        previewed = sorted(request.POST.getlist("sha256"))
        stored = sorted(p.sha256 for p in pending)
        intact = all(hashlib.sha256(bytes(p.data)).hexdigest() == p.sha256 for p in pending)
        if not pending or previewed != stored or not intact:
            self.message_user(
                request,
                "expected the files that were previewed, found them gone or changed: "
                "upload them again.",
                messages.ERROR,
            )
            return redirect("admin:articles_importrun_import")
        summary = import_digests(
            [DigestSource(p.name, data=bytes(p.data)) for p in pending],
            status=request.POST.get("status", Item.Status.PUBLISHED),
            force=request.POST.get("force") == "1",
            user=request.user,
            origin=ImportRun.Origin.ADMIN,
        )
        PendingUpload.objects.filter(batch=pending[0].batch).delete()
        items = summary.as_dict()["items"]
        self.message_user(
            request,
            f"Imported {plural(len(pending), 'file')}: {items['created']} created, "
            f"{items['updated']} updated, {items['unchanged']} unchanged, "
            f"{plural(items['conflict'], 'conflict')} (editor's version kept), "
            f"{plural(len(summary.errors), 'error')}.",
            messages.SUCCESS if summary.ok else messages.WARNING,
        )
        return redirect("admin:articles_importrun_change", summary.run_id)

    # Undo ----------------------------------------------------------------------------------

    def undo_view(self, request, run_id):
        if not request.user.has_perm("articles.undo_importrun"):
            raise PermissionDenied
        run = get_object_or_404(ImportRun, pk=run_id)
        try:
            undo.check_undoable(run)
        except ValidationError as exc:
            self.message_user(request, exc.messages[0], messages.ERROR)
            return redirect("admin:articles_importrun_change", run.pk)
        if request.method == "POST":
            try:
                undone = undo.undo_run(run, user=request.user)
            except ValidationError as exc:
                self.message_user(request, exc.messages[0], messages.ERROR)
                return redirect("admin:articles_importrun_change", run.pk)
            self.message_user(
                request,
                f"Undid {run}: {plural(undone.removed, 'item')} removed, "
                f"{plural(undone.restored, 'item')} restored, "
                f"{plural(undone.kept, 'item')} kept (changed since).",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse("admin:articles_importrun_change", args=[undone.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Undo {run}",
            "opts": self.model._meta,
            "run": run,
            "plan": undo.plan_undo(run),
        }
        return TemplateResponse(request, "admin/articles/importrun/undo.html", context)


def revision_changes(older, newer):
    """(field, before, after) for each field that differs between two revisions."""
    delta = newer.diff_against(older, excluded_fields=["updated_at"])
    changes = [(change.field, change.old, change.new) for change in delta.changes]
    if None not in (older.tag_names, newer.tag_names) and older.tag_names != newer.tag_names:
        changes.append(("tags", ", ".join(older.tag_names), ", ".join(newer.tag_names)))
    return changes


def _lines(values):
    values = list(values)
    if not values:
        return "—"
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((v,) for v in values)))


def _report_context(report):
    counts = report.counts()
    return {
        "report": report,
        "created": counts["created"],
        "updated": counts["updated"],
        "unchanged": counts["unchanged"],
        "conflicts": [o for o in report.items if o.outcome == "conflict"],
    }
