"""Duplicate stories in the items' admin: the "possible duplicates" filter, the "merge
into…" page and the undo of a merge; the candidates on the item's form and "Not a
duplicate" are duplicate_candidates'. The rules are the services' (articles.duplicates,
articles.item_merges); this only asks and shows."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from .. import item_merges
from ..models import DuplicateCandidate, Item, ItemMerge
from .base import changeable_object, render_page
from .duplicate_candidates import CandidatesAdminMixin


class DuplicateFilter(admin.SimpleListFilter):
    """Items flagged as nearly the same as another, not dismissed."""

    title = "duplicates"
    parameter_name = "duplicates"

    def lookups(self, request, model_admin):
        return [("possible", "Possible duplicates")]

    def queryset(self, request, queryset):
        if self.value() == "possible":
            return queryset.possible_duplicates()
        return queryset


class MergeForm(forms.Form):
    """The item to keep, by id: the one shown is merged into it."""

    into = forms.IntegerField(label="Keep item (id)", min_value=1)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item

    def clean_into(self):
        pk = self.cleaned_data["into"]
        if pk == self.item.pk:
            raise ValidationError("expected another item to keep, found this one")
        kept = Item.objects.filter(pk=pk).first()
        if kept is None:
            raise ValidationError(f"expected an existing item, found no item #{pk}")
        return kept


class DuplicateAdminMixin(CandidatesAdminMixin):
    """For ItemAdmin: its change form shows ``possible_duplicates`` and ``merges``."""

    def duplicate_urls(self):
        return [
            path(
                "<path:object_id>/merge/",
                self.admin_site.admin_view(self.merge_view),
                name="articles_item_merge",
            ),
            path(
                "merges/<int:merge_id>/undo/",
                self.admin_site.admin_view(self.undo_merge_view),
                name="articles_item_undo_merge",
            ),
            *self.candidate_urls(),
        ]

    @admin.display(description="merged into this item")
    def merges(self, item):
        if item.pk is None:
            return "—"
        rows = ItemMerge.objects.filter(kept=item, undone_at__isnull=True)
        if not rows:
            return "—"
        return format_html(
            '<ul id="merged-items">{}</ul>',
            format_html_join(
                "",
                '<li>“{}”, {} — <a href="{}">undo…</a></li>',
                (
                    (
                        row.removed_title,
                        f"{timezone.localtime(row.merged_at):%Y-%m-%d %H:%M}",
                        reverse("admin:articles_item_undo_merge", args=[row.pk]),
                    )
                    for row in rows
                ),
            ),
        )

    @admin.action(description="Merge the two selected items…", permissions=["change", "delete"])
    def merge_selected(self, request, queryset):
        """To the merge page of the newer of two items, the older chosen to be kept: the
        wire's first copy is the story's (its URL, its place); the page confirms."""
        selected = list(queryset.order_by("pk").values_list("pk", flat=True)[:3])
        if len(selected) != 2:
            self.message_user(
                request,
                f"Nothing merged: expected two items selected, found {len(selected)}"
                f"{' or more' if len(selected) == 3 else ''}.",
                messages.ERROR,
            )
            return None
        older, newer = selected
        url = reverse("admin:articles_item_merge", args=[newer])
        return HttpResponseRedirect(f"{url}?into={older}")

    def merge_view(self, request, object_id):
        """Merge this item into another (?into=id): the other is kept."""
        item = changeable_object(self, request, object_id)
        if not self.has_delete_permission(request, item):
            raise PermissionDenied
        data = (
            request.POST
            if request.method == "POST"
            else (request.GET if "into" in request.GET else None)
        )
        form = MergeForm(data, item=item)
        if request.method == "POST" and form.is_valid():
            kept = form.cleaned_data["into"]
            try:
                merge = item_merges.merge_items(kept, item, user=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.log_change(
                    request, kept, f"Merged “{merge.removed_title}” (#{merge.removed_id}) into it."
                )
                undo_url = reverse("admin:articles_item_undo_merge", args=[merge.pk])
                self.message_user(
                    request,
                    format_html(
                        '“{}” merged into “{}”. <a href="{}">Undo</a>',
                        merge.removed_title,
                        kept,
                        undo_url,
                    ),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:articles_item_change", args=[kept.pk]))
        kept = form.cleaned_data.get("into") if form.is_bound and form.is_valid() else None
        change_url = reverse("admin:articles_item_change", args=[item.pk])
        return render_page(
            self,
            request,
            "admin/articles/item/merge.html",
            title=f"Merge “{item}” into another item",
            crumbs=[(change_url, str(item))],
            crumb="Merge into…",
            item=item,
            kept=kept,
            form=form,
            candidates=[
                (row.other if row.item_id == item.pk else row.item, row.score)
                for row in DuplicateCandidate.objects.open()
                .involving(item)
                .select_related("item", "other")
            ],
        )

    def undo_merge_view(self, request, merge_id):
        merge = get_object_or_404(ItemMerge.objects.select_related("kept"), pk=merge_id)
        if not (
            self.has_change_permission(request, merge.kept) and self.has_delete_permission(request)
        ):
            raise PermissionDenied
        errors = []
        if request.method == "POST":
            try:
                restored = item_merges.undo_merge(merge, user=request.user)
            except ValidationError as error:
                errors = error.messages
            else:
                self.log_change(request, merge.kept, f"Merge of “{restored}” undone.")
                self.message_user(request, f"Merge undone: “{restored}” is back.", messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:articles_item_change", args=[restored.pk])
                )
        kept_url = reverse("admin:articles_item_change", args=[merge.kept_id])
        return render_page(
            self,
            request,
            "admin/articles/item/undo_merge.html",
            title=f"Undo the merge of “{merge.removed_title}”",
            crumbs=[(kept_url, str(merge.kept))],
            crumb="Undo merge",
            merge=merge,
            errors=errors,
        )
