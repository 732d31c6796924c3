"""The app's models, one module per subject; import them from here, as Django and the
migrations do (``articles.models.Item``)."""

from .imports import Digest, DigestEntry, ImportChange, ImportRun, PendingUpload
from .items import ELLIPSIS, PARAGRAPH_SEPARATOR, Item, ItemQuerySet
from .tag_history import TagDeletion, TagRename, TagUndo
from .tags import Tag, TagAlias, TaggedItem, TagMerge, TagOldSlug

__all__ = [
    "ELLIPSIS",
    "PARAGRAPH_SEPARATOR",
    "Digest",
    "DigestEntry",
    "ImportChange",
    "ImportRun",
    "Item",
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
]
