"""Tag pages as digest text: the inverse of the import, for round trips and hand-offs.

export_tag_page renders one page of one tag (the export_digest command); tag_page_digest is
the same for a tag already found, and what /tags/<slug>/digest.txt serves, so that the public
digest and the command's are one rendering. export_all_tags writes every tag's pages as
digest files, one folder a tag, named as the wire names them (page_file_name), so that
importing the folders into an empty database and exporting again gives the same files.
"""

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

from .digest import Digest, DigestError, DigestItem, render
from .importing.reports import plural
from .models import Item, Tag
from .reader import queries
from .reader.paging import IndexPaginator
from .tag_services import find_tag

# A page number meaning the tag's last page, as Django's ListView reads ?page=last.
LAST_PAGE = "last"


class ExportProblem(StrEnum):
    """Why nothing was exported: the public digest answers each one differently."""

    USAGE = "usage"  # an option or a folder the caller gave
    NO_TAG = "no tag"
    NO_ITEMS = "no items"  # the tag has none readers can see (or none at all, with drafts)
    NO_PAGE = "no page"  # a page number out of range, or not a number
    UNREADABLE = "unreadable"  # the text would not read back as itself (two titles alike)


class ExportError(Exception):
    def __init__(self, message, problem=ExportProblem.USAGE):
        super().__init__(message)
        self.problem = problem


@dataclass(frozen=True)
class ExportedPage:
    """One page of a tag as a digest: its text, its number, and how many pages the tag has."""

    text: str
    number: int
    pages: int

    @property
    def data(self):
        return self.text.encode("utf-8")

    @property
    def file_name(self):
        return page_file_name(self.number, self.pages, self.data)


def page_file_name(number, pages, data):
    """The wire's name for page ``number`` (from 1) of ``pages``: 000_<hash>.txt for page 1,
    001_… for page 2, <hash> the first 16 hex digits of the file's sha256, and at least 3
    digits (more when needed) so that names sort in page order."""
    width = max(3, len(str(pages - 1)))
    return f"{number - 1:0{width}}_{hashlib.sha256(data).hexdigest()[:16]}.txt"


def export_tag_page(name_or_slug, *, page=1, per_page=10, include_drafts=False):
    """Render page `page` of the tag's items, in the tag page's order, as a digest."""
    if per_page < 1:
        raise ExportError(f"--per-page: expected a positive number, found {per_page}")
    tag = find_tag(name_or_slug)
    if tag is None:
        raise ExportError(
            f"{name_or_slug}: expected the name or slug of a tag, found no such tag",
            ExportProblem.NO_TAG,
        )
    return tag_page_digest(tag, page=page, per_page=per_page, include_drafts=include_drafts).text


def tag_page_digest(tag, *, page=1, per_page=10, include_drafts=False):
    """Page ``page`` (a number, its text, or LAST_PAGE) of ``tag``'s items as an ExportedPage.

    What readers see is read as the tag page reads it (its exact cached count, the page
    picked from the tag's published links), so that a deep page costs what page 1 does and
    the public digest shows what the HTML page shows. Raises ExportError with its problem.
    """
    if include_drafts:
        paginator = Paginator(_page_items(tag, include_drafts), per_page)
    else:
        paginator = IndexPaginator(queries.tag_page(tag), per_page)
        paginator.count = queries.tag_item_count(tag)
    if paginator.count == 0:
        raise ExportError(
            f"{tag.name}: expected items readers can see, found none", ExportProblem.NO_ITEMS
        )
    try:
        current = paginator.page(paginator.num_pages if page == LAST_PAGE else page)
    except (EmptyPage, PageNotAnInteger) as exc:
        pages = f"a page from 1 to {paginator.num_pages} of {tag.name!r}"
        raise ExportError(f"--page: expected {pages}, found {page}", ExportProblem.NO_PAGE) from exc
    text = _render_page(tag, current, current.number)
    return ExportedPage(text=text, number=current.number, pages=paginator.num_pages)


@dataclass
class ExportedTag:
    name: str
    slug: str
    items: int
    files: list[str]


@dataclass
class FolderExport:
    """What export_all_tags wrote: each tag's folder and files, and what --force removed."""

    folder: Path
    tags: list[ExportedTag] = field(default_factory=list)
    removed: int = 0

    def sentence(self):
        files = sum(len(tag.files) for tag in self.tags)
        items = sum(tag.items for tag in self.tags)
        text = (
            f"{plural(len(self.tags), 'tag')} in {plural(files, 'file')} "
            f"({plural(items, 'item')} on their pages) to {self.folder}"
        )
        if self.removed:
            text += f" ({plural(self.removed, 'earlier file')} removed)"
        return text


def export_all_tags(folder, *, per_page=10, include_drafts=False, force=False):
    """Write every tag's pages as digest files: FOLDER/<tag slug>/000_<hash>.txt for page 1,
    001_… for page 2, <hash> the first 16 hex digits of the file's sha256, as the wire names
    them. Tags without items to export get no folder.

    A folder that is not empty is refused unless ``force``: then the *.txt files in its
    subfolders (an earlier export) are removed first and anything else is left alone. Every
    page is rendered before anything is written, so a page that would not read back as
    itself (ExportError) leaves the folder as it was.
    """
    if per_page < 1:
        raise ExportError(f"--per-page: expected a positive number, found {per_page}")
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder}: expected a folder, found a file")
    present = sorted(folder.iterdir()) if folder.exists() else []
    if present and not force:
        found = plural(len(present), "entry", "entries")
        raise ExportError(
            f"{folder}: expected an empty or new folder, found {found} in it "
            "(--force replaces an earlier export)"
        )
    pages = {}  # relative path: bytes
    result = FolderExport(folder=folder)
    for tag in Tag.objects.order_by("slug"):
        items = list(_page_items(tag, include_drafts))
        if not items:
            continue
        chunks = [items[start : start + per_page] for start in range(0, len(items), per_page)]
        exported = ExportedTag(name=tag.name, slug=tag.slug, items=len(items), files=[])
        for number, chunk in enumerate(chunks, start=1):
            data = _render_page(tag, chunk, number).encode("utf-8")
            name = page_file_name(number, len(chunks), data)
            pages[Path(tag.slug) / name] = data
            exported.files.append(name)
        result.tags.append(exported)
    try:
        result.removed = _remove_earlier_export(folder)
        for relative, data in pages.items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    except OSError as exc:
        raise ExportError(
            f"{exc.filename}: expected a writable folder, found {exc.strerror}"
        ) from exc
    return result


def _page_items(tag, include_drafts):
    """The tag's items in its page's order: what readers see, or all with drafts."""
    items = Item.objects.all() if include_drafts else Item.objects.published()
    return items.for_tag(tag).only("title", "teaser")


def _render_page(tag, items, page):
    digest = Digest(
        tag=tag.name,
        items=tuple(DigestItem(item.title, tuple(item.paragraphs)) for item in items),
    )
    try:
        return render(digest)
    except DigestError as exc:
        # An editor's text that would not read back as itself (say, two items retitled alike).
        raise ExportError(
            f"{tag.name}, page {page}: {exc.message}", ExportProblem.UNREADABLE
        ) from exc


def _remove_earlier_export(folder):
    removed = 0
    if not folder.exists():
        return removed
    for path in sorted(folder.glob("*/*.txt")):
        if path.is_file():
            path.unlink()
            removed += 1
    return removed
