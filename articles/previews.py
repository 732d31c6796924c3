"""Preview links: a signed, expiring URL that shows an item not yet visible to readers.

The link names the item by its key, signed with the site's SECRET_KEY (Django's
TimestampSigner), so that it can be sent to a colleague without an account; it works for
PREVIEW_MAX_AGE_SECONDS after it was made. Anything else (a changed character, another
item's key, an expired link) finds nothing. The pages themselves are served by
``reader.preview``.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Item

# Distinct from any other use of SECRET_KEY: a preview token signs nothing else.
SALT = "articles.preview"


def _signer():
    return signing.TimestampSigner(salt=SALT)


def needs_preview(item):
    """Whether readers cannot see the item now (a draft, scheduled, or unpublished)."""
    return not Item.objects.published().filter(pk=item.pk).exists()


def preview_token(item):
    return _signer().sign(str(item.pk))


def preview_url(item):
    return reverse("preview:item", kwargs={"token": preview_token(item)})


def preview_tag_url(token, tag):
    return reverse("preview:tag", kwargs={"token": token, "slug": tag.slug})


def expires_at(token):
    """When a valid token stops working: PREVIEW_MAX_AGE_SECONDS after it was made."""
    made = signing.b62_decode(token.rsplit(":", 2)[1])
    return datetime.fromtimestamp(made, UTC) + timedelta(seconds=settings.PREVIEW_MAX_AGE_SECONDS)


def item_for_token(token):
    """The item a token was made for, or None: tampered, expired, or the item is gone."""
    try:
        value = _signer().unsign(token, max_age=settings.PREVIEW_MAX_AGE_SECONDS)
    except signing.BadSignature:  # SignatureExpired included
        return None
    if not value.isdigit():
        return None
    return Item.objects.with_tags().filter(pk=int(value)).first()
