"""The tags' admin: names, aliases, descriptions, old URLs, merges and deletions (their
records and undo: admin/tag_records)."""

from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator

from .. import reader_cache, tag_deletion
from ..models import Item, Tag, TagAlias, TaggedItem
from ..tag_names import tag_key
from ..tag_services import merge_tags, plan_merge, rename_tag
from . import tag_health
from .base import action_page, plural, render_page
from .filters import RecentlyChangedTagFilter, TagUseFilter
from .forms import ConfirmForm, MergeForm, TagAliasForm, TagForm
from .paginators import EstimatedCountPaginator


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
    # The dashboard's "tags changed" and the tag health page's lists link here.
    list_filter = [RecentlyChangedTagFilter, TagUseFilter]
    list_per_page = 100
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    inlines = [TagAliasInline]
    readonly_fields = ["slug", "old_slugs"]
    fields = ["name", "slug", "description", "old_slugs"]
    actions = ["merge", "delete_tags", "remove_orphans"]

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
            rename_tag(Tag.objects.get(pk=obj.pk), obj.name, actor=request.user)
            obj.slug = Tag.objects.values_list("slug", flat=True).get(pk=obj.pk)
        if change and "description" in form.changed_data:
            reader_cache.tag_edited(obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.has_changed():
            reader_cache.aliases_edited()  # an alias renamed in place: suggestions match it

    # Deleting: our confirmation and service, not Django's, which stops at the digests
    # ("Cannot delete tag": they PROTECT it) and would record nothing to undo.

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        tag = self.get_object(request, unquote(object_id))
        if tag is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_delete_permission(request, tag):
            raise PermissionDenied
        form = ConfirmForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            records = tag_deletion.delete_tags([tag], actor=request.user)
            self._report_deletion(request, records)
            return redirect("admin:articles_tag_changelist")
        return render_page(
            self,
            request,
            "admin/articles/tag/delete.html",
            title=f"Delete the tag “{tag.name}”",
            crumbs=[(reverse("admin:articles_tag_change", args=[tag.pk]), tag.name)],
            crumb="Delete",
            plan=tag_deletion.plan_deletion([tag]),
            form=form,
        )

    @admin.action(description="Delete selected tags…", permissions=["delete"])
    def delete_tags(self, request, queryset):
        tags = list(queryset.order_by("name"))
        form = ConfirmForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            self._report_deletion(request, tag_deletion.delete_tags(tags, actor=request.user))
            return None
        return action_page(
            self,
            request,
            queryset,
            title="Delete tags",
            form=form,
            action="delete_tags",
            template="admin/articles/tag/delete_selected.html",
            plan=tag_deletion.plan_deletion(tags),
        )

    @admin.action(description="Remove orphaned tags (no items, no digests)", permissions=["delete"])
    def remove_orphans(self, request, queryset):
        selected = queryset.count()
        records = tag_deletion.delete_orphans(queryset, actor=request.user)
        names = ", ".join(f"“{record.name}”" for record in records)
        kept = selected - len(records)
        text = f"Removed {plural(len(records), 'orphaned tag')}"
        text += f": {names}." if records else "."
        if kept:
            text += f" {plural(kept, 'selected tag')} in use or named by digests kept."
        if records:
            text += " Each can be undone from “Tag deletions”."
        self.message_user(request, text, messages.SUCCESS if records else messages.WARNING)

    def _report_deletion(self, request, records):
        for record in records:
            self.message_user(
                request,
                format_html(
                    "Deleted the tag “{}”: {} lost it, {} left with no tag; its digests are "
                    'kept as history. <a href="{}">Undo</a>',
                    record.name,
                    plural(record.items_untagged, "item"),
                    plural(record.items_left_without_tags, "item"),
                    reverse("admin:articles_tagdeletion_undo", args=[record.pk]),
                ),
                messages.SUCCESS,
            )

    @admin.action(description="Merge selected tags…", permissions=["change"])
    def merge(self, request, queryset):
        tags = queryset.order_by("name")
        if len(tags) < 2:
            self.message_user(request, "Select two tags or more to merge.", messages.WARNING)
            return None
        form = MergeForm(request.POST if "apply" in request.POST else None, tags=tags)
        plan = None
        back = _return_to(request)
        if form.is_valid():
            target = form.cleaned_data["target"]
            if "confirm" in request.POST:
                merge = merge_tags(sources=list(tags), target=target, actor=request.user)
                self.message_user(
                    request,
                    format_html(
                        'Merged {} into “{}”: {} moved, {} had it already. <a href="{}">Undo</a>',
                        plural(len(merge.sources), "tag"),
                        target.name,
                        plural(merge.items_moved, "item"),
                        plural(merge.items_already_tagged, "item"),
                        reverse("admin:articles_tagmerge_undo", args=[merge.pk]),
                    ),
                    messages.SUCCESS,
                )
                return redirect(back) if back else None
            plan = plan_merge(list(tags), target)
        counts = dict(
            TaggedItem.objects.filter(tag__in=tags)
            .values("tag")
            .annotate(count=Count("*"))
            .values_list("tag", "count")
        )
        return action_page(
            self,
            request,
            queryset,
            title="Merge tags",
            form=form,
            action="merge",
            template="admin/articles/tag/merge.html",
            plan=plan,
            tag_counts=[(tag, counts.get(tag.pk, 0)) for tag in tags],
            return_to=back,
        )

    def get_urls(self):
        return [
            path(
                "names/",
                self.admin_site.admin_view(self.names_view),
                name="articles_tag_names",
            ),
            path(
                "health/",
                self.admin_site.admin_view(partial(tag_health.health_view, self)),
                name="articles_tag_health",
            ),
            *super().get_urls(),
        ]

    def has_names_permission(self, request):
        """Who reads tags, and who tags items (the item form's autocomplete)."""
        item_admin = self.admin_site.get_model_admin(Item)
        return self.has_view_permission(request) or item_admin.has_change_permission(request)

    def names_view(self, request):
        """Tag names for the autocomplete of tag fields (select2's JSON format)."""
        if not self.has_names_permission(request):
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


def _return_to(request):
    """The admin page a merge was started from (the tag health page), to go back to once
    done; None for the tag list, or for a URL of another site."""
    url = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and safe else None
