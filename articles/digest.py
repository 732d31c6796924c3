"""Parse and render tag digests: the plain-text page format of docs/digest-format.md.

The module is pure standard library on purpose: the importer, the exporter and their tests all
share it, and keeping Django out of it lets the format be tested (and fuzzed) on its own.

Format decisions the spec records, so that every importer behaves the same way:

- Line ends are LF, CRLF or a lone CR (old Mac files, or a CR doubled by a careless CRLF
  conversion, which then reads as an extra blank line). No other character ends a line: U+2028,
  U+0085, form feeds and the like are content.
- Only ASCII spaces and tabs are trimmed from line ends. U+00A0 is content: the seeds have it at
  the start and at the end of paragraphs and must come back byte for byte.
- Titles, tag names and paragraphs are kept exactly as written after their fixed prefix, leading
  spaces included: the prefix alone says what a line is, so nothing is ambiguous.
- A paragraph is exactly one line. Two non-blank lines in a row are an error, never joined, so a
  hard-wrapped paragraph is reported instead of being silently changed.
- A tag name or title made only of whitespace (an NBSP, say) counts as empty; a paragraph made
  only of NBSPs is content, as a scraped page may have one.
- ``parse()`` accepts the same text as ``str`` or as ``bytes``: a ``str`` with a NUL or an
  unpaired surrogate is refused as the bytes would be, and one leading U+FEFF is dropped.
- Errors about the file as a whole (over the size limit) have no line number; all others have
  the 1-based line where the problem is, and end-of-file problems name the file's last line.
- ``render()`` refuses (with ``DigestError``) a digest that would not read back as itself, e.g. a
  title with a line break or two items with the same title, rather than write a file that
  re-imports as something else.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "ELLIPSIS",
    "HEADER_PREFIX",
    "MAX_DIGEST_BYTES",
    "PARAGRAPH_INDENT",
    "TITLE_PREFIX",
    "Digest",
    "DigestError",
    "DigestItem",
    "DigestWarning",
    "decode",
    "parse",
    "render",
]

MAX_DIGEST_BYTES = 2 * 1024 * 1024
HEADER_PREFIX = "Contents tagged with "
TITLE_PREFIX = "  \u2022 "
PARAGRAPH_INDENT = "    "
ELLIPSIS = "\u2026"

_BOM = "\ufeff"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_BULLET_PREFIX = TITLE_PREFIX.rstrip(" ")
_HEADER_KEYWORDS = HEADER_PREFIX.rstrip(" ")
_TRAILING_BLANKS = " \t"
_FOUND_TEXT_LIMIT = 60

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")
_NOT_TEXT = re.compile(r"[\x00\ud800-\udfff]")
_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp", "Zs"}


class DigestError(ValueError):
    """A digest that cannot be imported (or rendered) at all.

    One error rejects the whole file, so it carries where to look (``line``) and what went wrong
    (``message``, always "expected X, found Y") separately: the importer prefixes the file name
    with ``located()`` and tests can check the line without parsing the text.
    """

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(line, message)
        self.line = line
        self.message = message

    def __str__(self) -> str:
        return self.message if self.line is None else f"{self.line}: {self.message}"

    def located(self, source: str) -> str:
        """Format as compilers do (``FILE:LINE: message``) so editors can jump to it."""
        return f"{source}: {self.message}" if self.line is None else f"{source}:{self}"


@dataclass(frozen=True)
class DigestWarning:
    """Something odd the importer went past; it imports the file anyway, unlike DigestError."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.line}: {self.message}"

    def located(self, source: str) -> str:
        """Format like ``DigestError.located`` so both read alike in a command's output."""
        return f"{source}:{self}"


@dataclass(frozen=True)
class DigestItem:
    """One story's teaser. ``line`` is for messages only, so equality ignores it."""

    title: str
    paragraphs: tuple[str, ...]
    line: int = field(default=0, compare=False)

    @property
    def truncated(self) -> bool:
        """The wire cuts long teasers and marks the cut with a final ellipsis."""
        return bool(self.paragraphs) and self.paragraphs[-1].endswith(ELLIPSIS)


@dataclass(frozen=True)
class Digest:
    """One page of a tag listing. Warnings are about the source file, so equality ignores them."""

    tag: str
    items: tuple[DigestItem, ...]
    warnings: tuple[DigestWarning, ...] = field(default=(), compare=False)


def decode(data: bytes, *, max_bytes: int = MAX_DIGEST_BYTES) -> str:
    """Turn a file's bytes into text, refusing what is not a digest before anything is parsed.

    The size is checked first so that a huge upload is refused without being scanned. Offsets in
    messages count from the first byte of the file, BOM included, as a hex editor shows them.
    """
    data = bytes(data)
    if len(data) > max_bytes:
        raise DigestError(None, f"expected at most {max_bytes} bytes, found {len(data)}")
    if data.startswith(_UTF16_BOMS):
        raise DigestError(1, "expected UTF-8, found a UTF-16 byte-order mark")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise DigestError(
            _byte_line(data, nul), f"expected text, found a binary file (NUL byte at offset {nul})"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start
        raise DigestError(
            _byte_line(data, offset),
            f"expected UTF-8, found byte 0x{data[offset]:02x} at offset {offset}",
        ) from None
    text = text.removeprefix(_BOM)
    if not text:
        raise DigestError(1, f"expected {_header_shape()}, found an empty file")
    return text


def parse(text: str | bytes) -> Digest:
    """Read a digest, refusing the whole file at its first problem.

    Nothing is imported from a file with an error, so there is no recovery: the first problem is
    the one reported. Duplicate titles are the one thing only warned about, as the spec asks.
    """
    if isinstance(text, bytes | bytearray | memoryview):
        return _parse_text(decode(text))
    if not isinstance(text, str):
        raise TypeError(f"parse() takes str or bytes, not {type(text).__name__}")
    return _parse_text(text.removeprefix(_BOM))


def render(digest: Digest) -> str:
    """Write the canonical form: LF line ends, one blank line between parts, no final newline.

    Raises DigestError (line numbers of the would-be output) for a digest that would not read
    back as itself, so an export can never produce a file that re-imports differently.
    """
    lines = [HEADER_PREFIX + digest.tag]
    _check_field(digest.tag, "tag name", 1, must_show=True)
    if not digest.items:
        raise DigestError(1, "expected at least one item, found none")
    first_lines: dict[str, int] = {}
    for item in digest.items:
        lines.append("")
        title_line = len(lines) + 1
        _check_field(item.title, "item title", title_line, must_show=True)
        if item.title in first_lines:
            raise DigestError(
                title_line,
                f"expected unique titles, found {_quote(item.title)} "
                f"again (first on line {first_lines[item.title]})",
            )
        first_lines[item.title] = title_line
        lines.append(TITLE_PREFIX + item.title)
        if not item.paragraphs:
            raise DigestError(
                title_line,
                f"expected at least one paragraph for item {_quote(item.title)}, found none",
            )
        for paragraph in item.paragraphs:
            lines.append("")
            _check_field(paragraph, "paragraph", len(lines) + 1, must_show=False)
            lines.append(PARAGRAPH_INDENT + paragraph)
    return "\n".join(lines)


class _ItemBuilder:
    """The item being read: its paragraphs arrive one line at a time after its title."""

    def __init__(self, title: str, line: int) -> None:
        self.title = title
        self.line = line
        self.paragraphs: list[str] = []

    def check_complete(self, found: str) -> None:
        """Called as soon as the item ends, so that this is the error reported, not a later one."""
        if not self.paragraphs:
            raise DigestError(
                self.line,
                f"expected at least one paragraph for item {_quote(self.title)}, found {found}",
            )

    def build(self) -> DigestItem:
        return DigestItem(self.title, tuple(self.paragraphs), self.line)


def _parse_text(text: str) -> Digest:
    if not text:
        raise DigestError(1, f"expected {_header_shape()}, found an empty file")
    _check_is_text(text)
    lines = [line.rstrip(_TRAILING_BLANKS) for line in _LINE_BREAK.split(text)]
    tag = _parse_header(lines[0])

    builders: list[_ItemBuilder] = []
    previous_blank = False
    for number, line in enumerate(lines[1:], start=2):
        if not line:
            previous_blank = True
            continue
        title = _parse_title(line, number)
        if title is None and not builders:
            raise DigestError(
                number,
                f'expected an item title ("{TITLE_PREFIX}{ELLIPSIS}"), '
                f"found {_describe_non_title(line)}",
            )
        if title is None and not line.startswith(PARAGRAPH_INDENT):
            raise DigestError(
                number,
                "expected a paragraph indented by four spaces or an item title, "
                f"found {_quote(line)}",
            )
        if not previous_blank:
            raise DigestError(number, f"expected a blank line, found {_quote(line)}")
        previous_blank = False
        if title is None:
            builders[-1].paragraphs.append(line[len(PARAGRAPH_INDENT) :])
        else:
            if builders:
                builders[-1].check_complete(f"the next item on line {number}")
            builders.append(_ItemBuilder(title, number))

    if not builders:
        last_line = len(lines) - 1 if len(lines) > 1 and lines[-1] == "" else len(lines)
        raise DigestError(last_line, "expected at least one item, found end of file")
    builders[-1].check_complete("end of file")
    items, warnings = _drop_duplicate_titles(builder.build() for builder in builders)
    return Digest(tag, items, warnings)


def _drop_duplicate_titles(
    items: Iterable[DigestItem],
) -> tuple[tuple[DigestItem, ...], tuple[DigestWarning, ...]]:
    """Keep the first item of each title: the same story listed twice on a page is one story."""
    kept: dict[str, DigestItem] = {}
    warnings: list[DigestWarning] = []
    for item in items:
        first = kept.setdefault(item.title, item)
        if first is not item:
            warnings.append(
                DigestWarning(
                    item.line,
                    f"duplicate title {_quote(item.title)} "
                    f"(first on line {first.line}); kept the first",
                )
            )
    return tuple(kept.values()), tuple(warnings)


def _parse_header(line: str) -> str:
    if line == _HEADER_KEYWORDS:
        raise DigestError(1, f'expected a tag name after "{HEADER_PREFIX}", found nothing')
    if not line.startswith(HEADER_PREFIX):
        raise DigestError(1, f"expected {_header_shape()}, found {_describe(line)}")
    tag = line[len(HEADER_PREFIX) :]
    if tag.isspace():
        raise DigestError(
            1, f'expected a tag name after "{HEADER_PREFIX}", found only whitespace {_quote(tag)}'
        )
    return tag


def _parse_title(line: str, number: int) -> str | None:
    """Return the title of a title line, None for any other line, or raise for a broken one."""
    if not line.startswith(_BULLET_PREFIX):
        return None
    if line == _BULLET_PREFIX:
        raise DigestError(number, "expected an item title after the bullet, found nothing")
    if not line.startswith(TITLE_PREFIX):
        raise DigestError(number, f"expected a space after the bullet, found {_quote(line)}")
    title = line[len(TITLE_PREFIX) :]
    if title.isspace():
        raise DigestError(
            number,
            f"expected an item title after the bullet, found only whitespace {_quote(title)}",
        )
    return title


def _check_is_text(text: str, first_line: int = 1) -> None:
    """Refuse in a str what decode() refuses in bytes, so both inputs parse alike."""
    bad = _NOT_TEXT.search(text)
    if bad is None:
        return
    line = first_line + len(_LINE_BREAK.findall(text, 0, bad.start()))
    char = bad.group()
    if char == "\x00":
        raise DigestError(line, f"expected text, found a NUL character at index {bad.start()}")
    raise DigestError(line, f"expected text, found an unpaired surrogate U+{ord(char):04X}")


def _check_field(value: str, what: str, line: int, *, must_show: bool) -> None:
    """Refuse a value that parse() would read back differently, or not at all."""
    if not value:
        raise DigestError(line, f"expected a non-empty {what}, found nothing")
    if must_show and value.isspace():
        raise DigestError(line, f"expected a {what}, found only whitespace {_quote(value)}")
    if _LINE_BREAK.search(value):
        raise DigestError(line, f"expected a {what} on one line, found {_quote(value)}")
    if value.endswith(tuple(_TRAILING_BLANKS)):
        raise DigestError(
            line, f"expected a {what} not ending in a space or tab, found {_quote(value)}"
        )
    _check_is_text(value, line)


def _header_shape() -> str:
    return f'"{HEADER_PREFIX}<tag name>"'


def _describe_non_title(line: str) -> str:
    if line.startswith(PARAGRAPH_INDENT):
        return f"a paragraph {_quote(line[len(PARAGRAPH_INDENT) :])}"
    return _quote(line)


def _describe(text: str) -> str:
    return _quote(text) if text else "an empty line"


def _quote(text: str) -> str:
    """Quote found text so invisible characters show and a long line stays readable."""
    shown = "".join(_escape(char) for char in text[:_FOUND_TEXT_LIMIT])
    more = ELLIPSIS if len(text) > _FOUND_TEXT_LIMIT else ""
    return f'"{shown}"{more}'


def _escape(char: str) -> str:
    if char == " " or unicodedata.category(char) not in _INVISIBLE_CATEGORIES:
        return char
    if char in _ESCAPES:
        return _ESCAPES[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _byte_line(data: bytes, offset: int) -> int:
    return len(_LINE_BREAK_BYTES.findall(data, 0, offset)) + 1
