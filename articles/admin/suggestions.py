"""Tag suggestions in the items' admin: on the change form, accepted with one click, and the
changelist's bulk action. The matching is articles/suggestions.py's; the writes are
editing's (revisions, the readers' cache), as for every other tagging."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from .. import suggestions
from ..models import Tag
from .base import changeable_object, on_change_form

# The change form's own accept form (templates/admin/articles/item/change_form.html): its
# buttons sit beside the tags but belong to it (form=), not to the item's form, so that
# Enter in a field still saves the item rather than accepting a tag.
ACCEPT_FORM_ID = "accept-suggestion"
FIELD = "suggested_tags"


class AcceptSuggestionForm(forms.Form):
    tag = forms.ModelChoiceField(queryset=Tag.objects.all())


class SuggestionsAdminMixin:
    """For ItemAdmin: the "suggested tags" field, its accept view, the bulk action."""

    def suggestion_fields(self, request, obj):
        """The field on the change form of a saved item only (not on the add form, nor on
        simple-history's revert form, which has no accept form)."""
        on_form = on_change_form(request, "articles_item_change")
        return [FIELD] if obj is not None and on_form else []

    @admin.display(description="suggested tags")
    def suggested_tags(self, item):
        found = suggestions.suggest_for_items([item]).get(item.pk, [])
        if not found:
            return "None: no other tag's name or alias is in the title or the text."
        rows = (
            (
                ACCEPT_FORM_ID,
                suggestion.tag_id,
                suggestion.tag_name,
                f"why-{suggestion.tag_id}",
                suggestion.tag_name,
                f"why-{suggestion.tag_id}",
                suggestion.explain(),
            )
            for suggestion in found
        )
        return format_html(
            '<ul class="tag-suggestions">{}</ul>'
            '<p class="help" role="status" aria-live="polite" id="tag-suggestions-status"></p>',
            format_html_join(
                "",
                '<li><button type="submit" class="button suggested-tag" form="{}" name="tag" '
                'value="{}" data-tag-name="{}" aria-describedby="{}">Add “{}”</button> '
                '<span id="{}">{}</span></li>',
                rows,
            ),
        )

    def suggestion_urls(self):
        return [
            path(
                "<path:object_id>/suggestions/accept/",
                self.admin_site.admin_view(self.accept_suggestion_view),
                name="articles_item_suggestion_accept",
            ),
        ]

    def accept_suggestion_view(self, request, object_id):
        """Without JavaScript, a suggestion's button posts here: the tag is added and saved
        at once (a revision, like any tagging). With it (tag_suggestions.js) the tag goes into
        the form's tags instead, saved with the rest."""
        item = changeable_object(self, request, object_id)
        change_url = reverse("admin:articles_item_change", args=[item.pk])
        if request.method != "POST":
            return redirect(change_url)
        form = AcceptSuggestionForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest(
                f"expected the id of an existing tag, found {request.POST.get('tag', '')[:40]!r}",
                content_type="text/plain; charset=utf-8",
            )
        tag = form.cleaned_data["tag"]
        offered = {s.tag_id: s for s in suggestions.suggest_for_items([item])[item.pk]}
        suggestion = offered.get(tag.pk)
        if suggestion is None:
            self.message_user(
                request,
                f"“{tag.name}” is no longer suggested for this item (it has the tag, or the "
                "text or the tag changed): nothing was added.",
                messages.WARNING,
            )
            return redirect(change_url)
        suggestions.accept(item, suggestion, user=request.user)
        self.log_change(request, item, f"Suggested tag added: {tag.name}.")
        self.message_user(
            request, f"Tagged “{tag.name}” ({suggestion.explain()}).", messages.SUCCESS
        )
        return redirect(change_url)

    @admin.action(description="Apply suggested tags", permissions=["change"])
    def apply_suggested_tags(self, request, queryset):
        applied = suggestions.apply_suggestions(queryset, user=request.user)
        if not applied.items:
            self.message_user(request, "No suggested tags for the selected items.")
            return
        self._report(request, applied.items, f"given {applied.describe()}")
