"""An item's possible duplicates on its change form, each with "merge this into it…" and a
"Not a duplicate" button, and the pairs marked so, each with its undo. The decisions are
articles.duplicate_dismissals'; this only asks and shows.

The buttons post forms of their own (templates/admin/articles/item/change_form.html),
outside the item's form: a form cannot hold another, and Enter in a field must still save
the item. The success message's "Undo" is a button of the same page's reopen form.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from .. import duplicate_dismissals
from ..models import DuplicateCandidate
from .base import changeable_object, on_change_form

DISMISS_FORM_ID = "dismiss-duplicate"
REOPEN_FORM_ID = "reopen-duplicate"
# The field with the buttons, and the same list without them (see get_fieldsets).
FIELD, LISTED = "possible_duplicates", "listed_duplicates"
Status = DuplicateCandidate.Status
DECISIONS = {
    Status.DISMISSED: duplicate_dismissals.dismiss,
    Status.OPEN: duplicate_dismissals.reopen,
}


class CandidateForm(forms.Form):
    """A pair of this item, by its id (the button's value)."""

    candidate = forms.IntegerField(
        min_value=1,
        error_messages={
            "required": "expected a pair's id, found none",
            "invalid": "expected a pair's id (a number), found something else",
            "min_value": "expected a pair's id (a number from 1), found a smaller number",
        },
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item

    def clean_candidate(self):
        pk = self.cleaned_data["candidate"]
        pair = DuplicateCandidate.objects.select_related("item", "other").filter(pk=pk).first()
        if pair is None:
            raise ValidationError(
                f"expected a pair flagged by detection, found no pair #{pk} (one of its "
                "items may have changed since)"
            )
        if self.item.pk not in (pair.item_id, pair.other_id):
            raise ValidationError(f"expected a pair with “{self.item}”, found pair #{pk} of others")
        return pair


def _other(pair, item):
    return pair.other if pair.item_id == item.pk else pair.item


def _button(form_id, pair, text, label):
    return format_html(
        ' <button type="submit" class="button" form="{}" name="candidate" value="{}" '
        'aria-label="{}">{}</button>',
        form_id,
        pair.pk,
        label,
        text,
    )


def _open_row(item, pair, buttons):
    other = _other(pair, item)
    merge_url = reverse("admin:articles_item_merge", args=[item.pk]) + f"?into={other.pk}"
    button = _button(DISMISS_FORM_ID, pair, "Not a duplicate", f"Not a duplicate of “{other}”")
    return (
        pair.pk,
        reverse("admin:articles_item_change", args=[other.pk]),
        other.title,
        f"{pair.score:.0%}",
        merge_url,
        button if buttons else "",
    )


def _dismissed_row(item, pair, buttons):
    other = _other(pair, item)
    text = "A possible duplicate after all"
    button = _button(REOPEN_FORM_ID, pair, text, f"“{other}”: {text.lower()}")
    return (
        pair.pk,
        reverse("admin:articles_item_change", args=[other.pk]),
        other.title,
        f"{pair.score:.0%}",
        button if buttons else "",
    )


def candidates_html(item, *, buttons):
    """The item's open pairs, then those marked not duplicates: one query."""
    if item.pk is None:
        return "—"
    pairs = list(DuplicateCandidate.objects.involving(item).select_related("item", "other"))
    open_rows = [_open_row(item, p, buttons) for p in pairs if p.status == Status.OPEN]
    dismissed = [_dismissed_row(item, p, buttons) for p in pairs if p.status == Status.DISMISSED]
    listed = "None open." if dismissed else "—"
    if open_rows:
        listed = format_html(
            '<ul id="possible-duplicates">{}</ul>',
            format_html_join(
                "",
                '<li id="duplicate-{}"><a href="{}">{}</a> ({} alike) — '
                '<a href="{}">merge this into it…</a>{}</li>',
                open_rows,
            ),
        )
    if not dismissed:
        return listed
    return format_html(
        '{}<p>Marked not duplicates:</p><ul id="dismissed-duplicates">{}</ul>',
        listed,
        format_html_join(
            "", '<li id="duplicate-{}"><a href="{}">{}</a> ({} alike){}</li>', dismissed
        ),
    )


class CandidatesAdminMixin:
    """For ItemAdmin (through DuplicateAdminMixin): the candidates' field and the views of
    its buttons."""

    def candidate_urls(self):
        return [
            path(
                "<path:object_id>/duplicates/dismiss/",
                self.admin_site.admin_view(self.dismiss_duplicate_view),
                name="articles_item_duplicate_dismiss",
            ),
            path(
                "<path:object_id>/duplicates/reopen/",
                self.admin_site.admin_view(self.reopen_duplicate_view),
                name="articles_item_duplicate_reopen",
            ),
        ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self._may_decide(request, obj):
            return fieldsets
        # Where the buttons' forms are missing (simple-history's revert form) or their posts
        # would be refused (view only): the same list, without them.
        return [
            (name, {**options, "fields": [LISTED if f == FIELD else f for f in options["fields"]]})
            for name, options in fieldsets
        ]

    def _may_decide(self, request, item):
        return (
            item is not None
            and on_change_form(request, "articles_item_change")
            and self.has_change_permission(request, item)
        )

    @admin.display(description="possible duplicates")
    def possible_duplicates(self, item):
        return candidates_html(item, buttons=True)

    @admin.display(description="possible duplicates")
    def listed_duplicates(self, item):
        return candidates_html(item, buttons=False)

    def dismiss_duplicate_view(self, request, object_id):
        """ "Not a duplicate": the pair leaves the possible duplicates, for good."""
        return self._decision_view(request, object_id, Status.DISMISSED)

    def reopen_duplicate_view(self, request, object_id):
        """The undo of "Not a duplicate": a possible duplicate again."""
        return self._decision_view(request, object_id, Status.OPEN)

    def _decision_view(self, request, object_id, status):
        item = changeable_object(self, request, object_id)
        change_url = reverse("admin:articles_item_change", args=[item.pk])
        if request.method != "POST":
            return redirect(change_url)
        form = CandidateForm(request.POST, item=item)
        if form.is_valid():
            pair = form.cleaned_data["candidate"]
            try:
                DECISIONS[status](pair, user=request.user)
            except ValidationError as error:
                form.add_error(None, error)
        if not form.is_valid():
            problems = [message for errors in form.errors.values() for message in errors]
            self.message_user(request, f"Nothing changed: {'; '.join(problems)}.", messages.ERROR)
            return redirect(change_url)
        other = _other(pair, item)
        self.log_change(request, item, f"{duplicate_dismissals.describe(status, other)}.")
        self.log_change(request, other, f"{duplicate_dismissals.describe(status, item)}.")
        self.message_user(request, self._decided(status, item, other, pair), messages.SUCCESS)
        return redirect(change_url)

    def _decided(self, status, item, other, pair):
        if status == Status.OPEN:
            return f"“{other}” is a possible duplicate of “{item}” again."
        return format_html(
            "Marked “{}” not a duplicate of “{}”: detection will not flag the pair again.{}",
            other,
            item,
            _button(REOPEN_FORM_ID, pair, "Undo", f"Undo: “{other}” is a possible duplicate"),
        )
