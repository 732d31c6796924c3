"""The app's models, one module per subject; import them from here, as Django and the
migrations do (``articles.models.Item``)."""

from .conflicts import WireCopy
from .duplicates import DuplicateCandidate, DuplicateKey, ItemMerge, MergedImportKey
from .imports import Digest, DigestEntry, ImportChange, ImportRun, PendingUpload
from .items import (
    ELLIPSIS,
    FALLBACK_SLUG,
    PARAGRAPH_SEPARATOR,
    Item,
    ItemOldSlug,
    ItemQuerySet,
    assign_slugs,
    item_slug_base,
)
from .tag_history import TagDeletion, TagRename, TagUndo
from .tags import Tag, TagAlias, TaggedItem, TagMerge, TagOldSlug

__all__ = [
    "ELLIPSIS",
    "FALLBACK_SLUG",
    "PARAGRAPH_SEPARATOR",
    "Digest",
    "DuplicateCandidate",
    "DuplicateKey",
    "DigestEntry",
    "ImportChange",
    "ImportRun",
    "MergedImportKey",
    "Item",
    "ItemMerge",
    "ItemOldSlug",
    "ItemQuerySet",
    "PendingUpload",
    "Tag",
    "TagAlias",
    "TagDeletion",
    "TagMerge",
    "TagOldSlug",
    "TagRename",
    "TagUndo",
    "TaggedItem",
    "WireCopy",
    "assign_slugs",
    "item_slug_base",
]
