"""The items' admin: list, edit, history and its comparisons, deleted items, bulk actions.

Every change goes through a service (editing, tag_services); the list runs a fixed number of
queries (prefetches) and never counts a huge table exactly (EstimatedCountPaginator).
"""

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from .. import editing, reader_cache
from ..history import remember_for_deletion, revision_changes
from ..models import DigestEntry, Item
from ..models.search import SearchVectorColumn, websearch_query
from ..tag_services import find_tag, get_or_create_tag, tags_for_names
from .base import action_page, has_app_permission, plural, render_page
from .conflicts import ConflictAdminMixin, wire_copy_of
from .duplicates import DuplicateAdminMixin, DuplicateFilter
from .filters import ConflictFilter, EditedFilter, ImportRunFilter, TagFilter, VisibilityFilter
from .forms import ChooseTagForm, ItemForm, ScheduleForm
from .paginators import EstimatedCountPaginator
from .suggestions import SuggestionsAdminMixin

# Where an item came from and who touched it: shown read-only, never edited.
PROVENANCE_FIELDS = [
    "provenance",
    "old_addresses",
    "import_runs",
    "imported_at",
    "edited_by",
    "edited_at",
    "created_at",
    "updated_at",
]


@admin.register(Item)
class ItemAdmin(SuggestionsAdminMixin, DuplicateAdminMixin, ConflictAdminMixin, SimpleHistoryAdmin):
    form = ItemForm
    list_display = [
        "title",
        "tag_list",
        "status",
        "published_at",
        "unpublish_at",
        "last_edited",
        "sources",
        "conflict",
    ]
    list_filter = [
        "status",
        VisibilityFilter,
        TagFilter,
        ImportRunFilter,
        EditedFilter,
        ConflictFilter,
        DuplicateFilter,
    ]
    search_fields = ["title", "teaser"]
    search_help_text = "Words of the title or the text."
    date_hierarchy = "published_at"
    list_per_page = 50
    list_max_show_all = 500
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    actions = [
        "publish",
        "unpublish",
        "schedule",
        "add_tag",
        "remove_tag",
        "apply_suggested_tags",
        "merge_selected",
        "keep_mine",
        "take_wire",
    ]
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
        ("Duplicates", {"fields": ["possible_duplicates", "merges"]}),
        (
            "Provenance",
            {
                "fields": PROVENANCE_FIELDS,
                "classes": ["collapse"],
            },
        ),
    ]
    readonly_fields = [
        *PROVENANCE_FIELDS,
        "wire_conflict",
        "suggested_tags",
        "possible_duplicates",
        "listed_duplicates",
        "merges",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("edited_by", "wire_copy")
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

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        suggested = self.suggestion_fields(request, obj)
        if suggested:
            main, *rest = fieldsets
            fields = list(main[1]["fields"])
            after_tags = fields.index("tag_names") + 1
            fields[after_tags:after_tags] = suggested
            fieldsets = [(main[0], {**main[1], "fields": fields}), *rest]
        copy = wire_copy_of(obj) if obj is not None else None
        if copy is None or not copy.is_open:
            return fieldsets
        conflict = ("Conflict with the wire", {"fields": ["wire_conflict"]})
        return [conflict, *fieldsets]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields += ["status", "published_at", "unpublish_at"]
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        # Only when adding: a retitled item keeps its URL unless the editor changes the slug.
        # (Not the class attribute: simple-history's revert view reads that one.)
        return {} if obj is not None else {"slug": ["title"]}

    def get_search_results(self, request, queryset, search_term):
        if not search_term or connection.vendor != "postgresql":
            return super().get_search_results(request, queryset, search_term)
        # The generated tsvector column of migration 0002 (GIN index): a million rows stay
        # fast where ILIKE '%…%' on the text would scan them all.
        query = websearch_query(search_term)
        return queryset.alias(search=SearchVectorColumn()).filter(search=query), False

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

    @admin.display(description="old addresses")
    def old_addresses(self, item):
        # Only the change form shows it: one query there, none in the list.
        slugs = item.old_slugs.values_list("slug", flat=True) if item.pk else []
        paths = [(reverse("articles:item", kwargs={"slug": slug}),) for slug in slugs]
        if not paths:
            return "—"
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{} (redirects here)</li>", paths)
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

    @transaction.atomic  # simple-history's revert view calls this outside a transaction
    def save_model(self, request, obj, form, change):
        # Resolved by tag_key (aliases too): taggit's own name lookups would make duplicates.
        tags = tags_for_names(form.cleaned_data.get("tag_names", []))
        # The tags too, here rather than in save_related: simple-history's revert view skips
        # that one. An unchanged save writes nothing (editing.save_item says what it keeps).
        obj._history_user = request.user
        if change and not self.has_publish_permission(request):
            # A revert's item carries its revision's publishing, which this editor's form does
            # not show: it stays as stored, or reverting would publish or unpublish.
            editing.keep_publishing(obj)
        editing.save_item(obj, tags, user=request.user)

    @transaction.atomic
    def delete_model(self, request, obj):
        # The deletion's revision keeps the tags and places, so restoring it gives them back.
        remember_for_deletion([obj])
        reader_cache.items_deleted([obj])
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        items = list(queryset)
        remember_for_deletion(items)
        reader_cache.items_deleted(items)
        for item in items:
            item._history_user = request.user
            item.delete()

    # Actions ----------------------------------------------------------------------------

    def has_publish_permission(self, request):
        return has_app_permission(request, "publish_item")

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
        return action_page(
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
        return action_page(self, request, queryset, title="Add a tag", form=form, action="add_tag")

    @admin.action(description="Remove a tag from selected items…", permissions=["change"])
    def remove_tag(self, request, queryset):
        form = ChooseTagForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            tag = find_tag(form.cleaned_data["tag"], slugs=False)
            if tag is None:
                form.add_error(
                    "tag", f"expected an existing tag, found {form.cleaned_data['tag']!r}"
                )
            else:
                changed = editing.remove_tag(queryset, tag, user=request.user)
                self._report(request, changed, f"untagged “{tag.name}”")
                return None
        return action_page(
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
            *self.conflict_urls(),
            *self.suggestion_urls(),
            *self.duplicate_urls(),
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
        return render_page(
            self,
            request,
            "admin/articles/item/compare.html",
            title=f"Changes to “{newer.title}”",
            crumbs=[(reverse("admin:articles_item_history", args=[object_id]), "History")],
            crumb="Compare",
            object_id=object_id,
            older=older,
            newer=newer,
            changes=revision_changes(older, newer),
        )

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
        return render_page(
            self,
            request,
            "admin/articles/item/deleted.html",
            title="Deleted items",
            deletions=deletions,
        )
