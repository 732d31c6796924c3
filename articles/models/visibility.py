"""The reading rule: what readers may see, in one place.

An item is visible while it is published and the clock is inside [published_at,
unpublish_at). Items and their tag links (which carry a copy of the item's three columns, see
``TaggedItem``) are filtered by the same rule, built here from the same field names.
"""

from django.db.models import Q
from django.utils import timezone

PUBLISHED = "published"


def published_rule(at=None):
    """The rule as a Q over ``status``, ``published_at`` and ``unpublish_at``.

    Both times are compared with the clock at query time, so scheduling needs no job.
    """
    at = at or timezone.now()
    return Q(status=PUBLISHED, published_at__lte=at) & (
        Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=at)
    )
