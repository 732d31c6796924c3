"""A tag page as digest text: the inverse of the import, for round trips and hand-offs."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

from .digest import Digest, DigestError, DigestItem, render
from .models import Item
from .tag_services import find_tag


class ExportError(Exception):
    pass


def export_tag_page(name_or_slug, *, page=1, per_page=10, include_drafts=False):
    """Render page `page` of the tag's items, in the tag page's order, as a digest."""
    if per_page < 1:
        raise ExportError(f"--per-page: expected a positive number, found {per_page}")
    tag = find_tag(name_or_slug)
    if tag is None:
        raise ExportError(f"{name_or_slug}: expected the name or slug of a tag, found no such tag")
    items = Item.objects.all() if include_drafts else Item.objects.published()
    paginator = Paginator(items.for_tag(tag).only("title", "teaser"), per_page)
    if paginator.count == 0:
        raise ExportError(f"{tag.name}: expected items readers can see, found none")
    try:
        current = paginator.page(page)
    except (EmptyPage, PageNotAnInteger) as exc:
        raise ExportError(
            f"--page: expected a page from 1 to {paginator.num_pages} of {tag.name!r}, found {page}"
        ) from exc
    digest = Digest(
        tag=tag.name,
        items=tuple(DigestItem(item.title, tuple(item.paragraphs)) for item in current),
    )
    try:
        return render(digest)
    except DigestError as exc:
        # An editor's text that would not read back as itself (say, two items retitled alike).
        raise ExportError(f"{tag.name}, page {page}: {exc.message}") from exc
