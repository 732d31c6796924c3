"""Conflicts in the items' admin: the page of one item's conflict (the editor's version and
the wire's side by side, word by word), the list's column and the bulk actions. The rules
are the service's (articles.conflicts); this only asks and shows."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from .. import conflicts
from ..models import Item, WireCopy
from .base import action_page, plural, render_page
from .forms import ActionForm


def wire_copy_of(item):
    """The item's wire copy, or None (read with the item by select_related)."""
    try:
        return item.wire_copy
    except WireCopy.DoesNotExist:
        return None


class ResolveConflictForm(forms.Form):
    """Keep mine or take the wire's, for the wire copy the editor saw (its hash): a copy the
    wire replaced since is not resolved unseen."""

    resolution = forms.ChoiceField(
        choices=[
            (conflicts.Resolution.KEEP_MINE.value, "Keep mine"),
            (conflicts.Resolution.TAKE_WIRE.value, "Take the wire's"),
        ]
    )
    wire_hash = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, copy, **kwargs):
        super().__init__(*args, **kwargs)
        self.copy = copy
        self.fields["wire_hash"].initial = copy.wire_hash

    def clean(self):
        cleaned = super().clean()
        if not self.copy.is_open:
            raise ValidationError("expected an open conflict, found it resolved already")
        if cleaned.get("wire_hash") not in (None, self.copy.wire_hash):
            raise ValidationError(
                "expected the wire's version shown, found a newer one: compare it again"
            )
        return cleaned


RESOLVED = {
    conflicts.Resolution.KEEP_MINE: "kept the editor's version",
    conflicts.Resolution.TAKE_WIRE: "took the wire's version",
}


class ConflictAdminMixin:
    """For ItemAdmin: its queryset must select_related("wire_copy")."""

    def conflict_urls(self):
        return [
            path(
                "<path:object_id>/conflict/",
                self.admin_site.admin_view(self.conflict_view),
                name="articles_item_conflict",
            ),
        ]

    @admin.display(description="conflict")
    def conflict(self, item):
        copy = wire_copy_of(item)
        if copy is None or not copy.is_open:
            return "—"
        url = reverse("admin:articles_item_conflict", args=[item.pk])
        return format_html('<a href="{}">Wire differs: compare</a>', url)

    @admin.display(description="wire's version")
    def wire_conflict(self, item):
        return self.conflict(item)

    def conflict_view(self, request, object_id):
        """One item's conflict: both versions side by side, and the editor's choice."""
        item = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, item):
            raise PermissionDenied
        copy = wire_copy_of(item)
        if copy is None:
            raise Http404("expected an item with a wire copy, found none")
        form = ResolveConflictForm(request.POST if request.method == "POST" else None, copy=copy)
        if form.is_valid():
            resolution = conflicts.Resolution(form.cleaned_data["resolution"])
            conflicts.resolve(item, resolution, user=request.user)
            done = RESOLVED[resolution]
            self.log_change(request, item, f"Conflict with the wire: {done}.")
            self.message_user(request, f"“{item}”: {done}.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:articles_item_change", args=[item.pk]))
        change_url = reverse("admin:articles_item_change", args=[item.pk])
        diffs = conflicts.conflict_diffs(item, copy)
        return render_page(
            self,
            request,
            "admin/articles/item/conflict.html",
            title=f"Conflict: “{item}”",
            crumbs=[(change_url, str(item))],
            crumb="Conflict with the wire",
            item=item,
            copy=copy,
            diffs=diffs,
            same=not any(diff.differs for diff in diffs),
            form=form,
        )

    def _log_resolved(self, request, changed, done):
        message = f"Conflict with the wire: {done} (bulk action)."
        LogEntry.objects.log_actions(request.user.pk, changed, CHANGE, change_message=message)
        self.message_user(request, f"{plural(len(changed), 'item')}: {done}.", messages.SUCCESS)

    @admin.action(description="Conflicts: keep the editor's version", permissions=["change"])
    def keep_mine(self, request, queryset):
        changed = conflicts.keep_mine(queryset, user=request.user)
        self._log_resolved(request, changed, RESOLVED[conflicts.Resolution.KEEP_MINE])

    @admin.action(description="Conflicts: take the wire's version…", permissions=["change"])
    def take_wire(self, request, queryset):
        form = ActionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            changed = conflicts.take_wire(queryset, user=request.user)
            self._log_resolved(request, changed, RESOLVED[conflicts.Resolution.TAKE_WIRE])
            return None
        return action_page(
            self,
            request,
            Item.objects.with_open_conflict().filter(pk__in=queryset.values("pk")),
            title="Take the wire's version",
            form=form,
            action="take_wire",
        )
