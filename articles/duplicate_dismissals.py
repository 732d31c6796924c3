"""An editor's "not a duplicate" on a pair that detection flagged, and its undo.

The pair's DuplicateCandidate is kept, dismissed, rather than deleted: detection inserts its
pairs ignoring those already there, and computing an item's flags again deletes its open
pairs only (duplicates.detect), so a dismissed pair is never flagged again. Reopening it is
the undo. Both items' histories record either, as they record a merge (item_merges).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .history import reason_naming, record_revisions
from .models import DuplicateCandidate

Status = DuplicateCandidate.Status
# What a decision finds when the pair is as it would leave it (one editor was quicker, or a
# page was out of date).
ALREADY = {
    Status.DISMISSED: "expected a possible duplicate, found the pair marked not a duplicate "
    "already",
    Status.OPEN: "expected a pair marked not a duplicate, found it a possible duplicate already",
}


def dismiss(candidate, *, user=None, now=None):
    """Mark the pair not a duplicate; returns it. ValidationError when it is gone or was
    dismissed already."""
    return _decide(candidate, Status.DISMISSED, user=user, now=now)


def reopen(candidate, *, user=None, now=None):
    """Undo a dismissal: the pair is a possible duplicate again; returns it. ValidationError
    when it is gone or is open already."""
    return _decide(candidate, Status.OPEN, user=user, now=now)


def describe(status, other):
    """The reason a decision to status gives in one item's history, naming the other."""
    if status == Status.DISMISSED:
        return reason_naming("Not a duplicate of “", other.title, f"” (#{other.pk})")
    return reason_naming("Possible duplicate of “", other.title, f"” (#{other.pk}) again")


@transaction.atomic
def _decide(candidate, status, *, user, now):
    now = now or timezone.now()
    # One conditional UPDATE: of two editors deciding at once, or of a decision and an
    # import replacing the item's flags, only one finds the pair as it expects.
    changed = (
        DuplicateCandidate.objects.filter(pk=candidate.pk)
        .exclude(status=status)
        .update(status=status)
    )
    if not changed:
        if DuplicateCandidate.objects.filter(pk=candidate.pk).exists():
            raise ValidationError(ALREADY[status])
        raise ValidationError(
            "expected the pair still flagged, found it gone: one of the items was changed, "
            "merged or deleted since"
        )
    candidate.status = status
    item, other = candidate.item, candidate.other
    record_revisions([item], history_type="~", when=now, user=user, reason=describe(status, other))
    record_revisions([other], history_type="~", when=now, user=user, reason=describe(status, item))
    return candidate
