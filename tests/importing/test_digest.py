"""Tests for the digest format: the seeds, what is accepted, what is refused, and properties.

No Django and no database here: the format module is pure Python so that it can be fuzzed fast.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.digest import (
    ELLIPSIS,
    HEADER_PREFIX,
    MAX_DIGEST_BYTES,
    PARAGRAPH_INDENT,
    TITLE_PREFIX,
    Digest,
    DigestError,
    DigestItem,
    DigestWarning,
    decode,
    parse,
    render,
)

# tests/importing/ -> the repository's seeds/ (tests.factories.SEEDS needs Django; not here).
SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"
SEED_PATHS = sorted(SEEDS_DIR.glob("*.txt"))
NBSP = "\u00a0"
BULLET = "\u2022"

# How many cases: the profile tests/conftest.py loads ("dev" a few hundred, "ci" thousands).
PROPERTY_SETTINGS = settings(deadline=None, database=None)

SMALL = (
    "Contents tagged with North Korea\n"
    "\n"
    "  \u2022 First story\n"
    "\n"
    "    One paragraph.\n"
    "\n"
    "    A cut one\u00a0\u2026\n"
    "\n"
    "  \u2022 Second story\n"
    "\n"
    "    Whole paragraph."
)
SMALL_DIGEST = Digest(
    "North Korea",
    (
        DigestItem("First story", ("One paragraph.", "A cut one\u00a0\u2026")),
        DigestItem("Second story", ("Whole paragraph.",)),
    ),
)


def seed_bytes(name_prefix: str) -> bytes:
    (path,) = (path for path in SEED_PATHS if path.name.startswith(name_prefix))
    return path.read_bytes()


def paragraph_on_line(digest: Digest, line: int) -> str:
    """Find the paragraph a canonical file has on ``line``: they sit every other line."""
    for item in digest.items:
        for index, paragraph in enumerate(item.paragraphs):
            if item.line + 2 * (index + 1) == line:
                return paragraph
    raise AssertionError(f"no paragraph on line {line}")


# --- The seeds ---------------------------------------------------------------------------------


def test_both_seeds_are_present():
    assert {"000", "001"} <= {path.name[:3] for path in SEED_PATHS}


@pytest.mark.parametrize("path", SEED_PATHS, ids=lambda path: path.name[:3])
def test_seed_round_trips_byte_for_byte(path):
    data = path.read_bytes()
    assert render(parse(data)).encode("utf-8") == data


@pytest.mark.parametrize("path", SEED_PATHS, ids=lambda path: path.name[:3])
def test_seed_facts(path):
    digest = parse(path.read_bytes())
    assert digest.tag == "North Korea"
    assert len(digest.items) == 10
    assert all(item.truncated for item in digest.items)
    assert all(item.paragraphs[-1].endswith(NBSP + ELLIPSIS) for item in digest.items)
    assert all(1 <= len(item.paragraphs) <= 4 for item in digest.items)
    assert digest.warnings == ()
    assert [item.line for item in digest.items][:2] == [
        3,
        3 + 2 + 2 * len(digest.items[0].paragraphs),
    ]


def test_seed_parses_the_same_from_str_and_bytes():
    data = seed_bytes("000")
    assert parse(data.decode("utf-8")) == parse(data)


def test_seed_001_keeps_nbsp_at_the_edges_of_paragraphs():
    digest = parse(seed_bytes("001"))
    assert paragraph_on_line(digest, 7).endswith('[inside]".' + NBSP)
    assert paragraph_on_line(digest, 37).startswith(NBSP + "\u201cWe will only")
    assert paragraph_on_line(digest, 43).endswith("North Korea. " + NBSP)
    assert paragraph_on_line(digest, 63).endswith("Pyongyang. " + NBSP)


def test_seed_001_keeps_accented_letters_and_typographic_quotes():
    digest = parse(seed_bytes("001"))
    text = "\n".join(p for item in digest.items for p in (item.title, *item.paragraphs))
    assert "S\u00fcddeutsche Zeitung" in text
    assert "\u2018lock secret things inside\u2019" in digest.items[0].title
    for quote in "\u2018\u2019\u201c\u201d":
        assert quote in text


def test_seed_000_first_item():
    first = parse(seed_bytes("000")).items[0]
    assert first.title == "Russian ambassador: North Korean workers could help to rebuild Donbas"
    assert first.paragraphs[-1].endswith("Korean construction workers will be\u00a0\u2026")
    assert first.line == 3


# --- Accepted variants -------------------------------------------------------------------------


def _each_line(suffix: str) -> Callable[[str], str]:
    return lambda text: "\n".join(line + suffix for line in text.split("\n"))


ACCEPTED_VARIANTS: dict[str, Callable[[str], str]] = {
    "canonical": lambda text: text,
    "crlf": lambda text: text.replace("\n", "\r\n"),
    "lone-cr": lambda text: text.replace("\n", "\r"),
    "trailing-newline": lambda text: text + "\n",
    "trailing-crlf": lambda text: text + "\r\n",
    "trailing-blank-lines": lambda text: text + "\n\n \t\n\n",
    "trailing-spaces": _each_line("   "),
    "trailing-tabs": _each_line("\t"),
    "trailing-mixed-blanks": _each_line(" \t \t"),
    "several-blank-lines": lambda text: text.replace("\n\n", "\n\n\n\n"),
    "blank-lines-with-spaces": lambda text: text.replace("\n\n", "\n \t \n"),
    "crlf-and-trailing-spaces": lambda text: _each_line("  ")(text).replace("\n", "\r\n"),
}


@pytest.mark.parametrize("variant", ACCEPTED_VARIANTS.values(), ids=ACCEPTED_VARIANTS.keys())
@pytest.mark.parametrize("source", ["small", "seed-000", "seed-001"])
def test_accepted_variant_parses_like_the_canonical_file(variant, source):
    canonical = SMALL if source == "small" else seed_bytes(source[-3:]).decode("utf-8")
    data = variant(canonical).encode("utf-8")
    digest = parse(data)
    assert digest == parse(canonical)
    assert digest.warnings == ()
    assert render(digest) == canonical


def test_utf8_bom_is_dropped():
    digest = parse(b"\xef\xbb\xbf" + SMALL.encode("utf-8"))
    assert digest == SMALL_DIGEST
    assert render(digest) == SMALL


def test_bom_in_a_str_is_dropped_too():
    assert parse("\ufeff" + SMALL) == SMALL_DIGEST


def test_only_one_bom_is_dropped():
    with pytest.raises(DigestError) as caught:
        parse(b"\xef\xbb\xbf\xef\xbb\xbf" + SMALL.encode("utf-8"))
    assert caught.value.line == 1
    assert "\\ufeffContents" in caught.value.message


def test_small_digest_parses_to_the_expected_value():
    digest = parse(SMALL)
    assert digest == SMALL_DIGEST
    assert [item.line for item in digest.items] == [3, 9]
    assert render(SMALL_DIGEST) == SMALL


def test_item_not_truncated():
    first, second = parse(SMALL).items
    assert first.truncated
    assert not second.truncated


def test_nbsp_and_leading_spaces_are_content():
    text = (
        f"{HEADER_PREFIX}\u00a0Tag\u00a0\n\n"
        f"{TITLE_PREFIX} indented title\u00a0\n\n"
        f"{PARAGRAPH_INDENT}\u00a0\n\n"
        f"{PARAGRAPH_INDENT}  \u00a0indented paragraph \u00a0 \t"
    )
    digest = parse(text)
    assert digest.tag == "\u00a0Tag\u00a0"
    assert digest.items == (
        DigestItem(" indented title\u00a0", ("\u00a0", "  \u00a0indented paragraph \u00a0")),
    )


def test_indented_bullet_is_a_paragraph():
    digest = parse(f"{HEADER_PREFIX}T\n\n{TITLE_PREFIX}A\n\n{PARAGRAPH_INDENT}{BULLET} point")
    assert digest.items[0].paragraphs == (f"{BULLET} point",)


def test_item_equality_ignores_the_line_number():
    assert DigestItem("A", ("p",), line=3) == DigestItem("A", ("p",), line=99)


def test_digest_equality_ignores_warnings():
    warning = DigestWarning(7, "duplicate")
    assert Digest("T", SMALL_DIGEST.items, (warning,)) == Digest("T", SMALL_DIGEST.items)


# --- Rejected files ----------------------------------------------------------------------------

ITEM = f"{TITLE_PREFIX}A story\n\n{PARAGRAPH_INDENT}Its text."
HEADER = f"{HEADER_PREFIX}North Korea\n\n"

REJECTED = [
    pytest.param(b"", 1, "an empty file", id="empty-file"),
    pytest.param(b"\xef\xbb\xbf", 1, "an empty file", id="bom-only"),
    pytest.param("\n\n" + ITEM, 1, "an empty line", id="blank-first-line"),
    pytest.param("Hello\n\n" + ITEM, 1, '"Hello"', id="not-a-header"),
    pytest.param("contents tagged with X\n\n" + ITEM, 1, '"contents tagged', id="header-case"),
    pytest.param(" " + HEADER + ITEM, 1, '" Contents tagged', id="indented-header"),
    pytest.param(ITEM, 1, f'"{TITLE_PREFIX}A story"', id="no-header"),
    pytest.param(f"{HEADER_PREFIX}\n\n{ITEM}", 1, "found nothing", id="empty-tag"),
    pytest.param(f"{HEADER_PREFIX} \t\n\n{ITEM}", 1, "found nothing", id="blank-tag"),
    pytest.param(f"{HEADER_PREFIX}\u00a0\n\n{ITEM}", 1, "whitespace", id="nbsp-tag"),
    pytest.param(f"{HEADER_PREFIX}North Korea", 1, "end of file", id="header-only"),
    pytest.param(HEADER + "\n", 3, "end of file", id="header-and-blank-lines-only"),
    pytest.param(HEADER + "Intro text\n\n" + ITEM, 3, '"Intro text"', id="text-before-item"),
    pytest.param(
        HEADER + PARAGRAPH_INDENT + "Intro\n\n" + ITEM,
        3,
        'a paragraph "Intro"',
        id="paragraph-before-item",
    ),
    pytest.param(
        HEADER + f"{TITLE_PREFIX}A story\n\nIts text.",
        5,
        '"Its text."',
        id="paragraph-without-indent",
    ),
    pytest.param(
        HEADER + f"{TITLE_PREFIX}A story\n\n  Its text.",
        5,
        '"  Its text."',
        id="paragraph-two-space-indent",
    ),
    pytest.param(
        HEADER + f"{TITLE_PREFIX}A story\n\n   Its text.",
        5,
        '"   Its text."',
        id="paragraph-three-space-indent",
    ),
    pytest.param(
        HEADER + f"{TITLE_PREFIX}A story\n\n\tIts text.",
        5,
        '"\\tIts text."',
        id="paragraph-tab-indent",
    ),
    pytest.param(
        HEADER + f"{TITLE_PREFIX}A story\n\n\u00a0   Its text.",
        5,
        '"\\xa0   Its text."',
        id="paragraph-nbsp-indent",
    ),
    pytest.param(HEADER + f"  {BULLET}\n\n    Text.", 3, "found nothing", id="empty-title"),
    pytest.param(HEADER + f"  {BULLET}  \t\n\n    Text.", 3, "found nothing", id="blank-title"),
    pytest.param(HEADER + f"  {BULLET} \u00a0\n\n    Text.", 3, "whitespace", id="nbsp-title"),
    pytest.param(HEADER + f"  {BULLET}Title\n\n    Text.", 3, f'"  {BULLET}Title"', id="no-space"),
    pytest.param(
        HEADER + f"  {BULLET}\tTitle\n\n    Text.",
        3,
        f'"  {BULLET}\\tTitle"',
        id="tab-after-bullet",
    ),
    pytest.param(
        HEADER + f"{BULLET} Title\n\n    Text.", 3, f'"{BULLET} Title"', id="unindented-bullet"
    ),
    pytest.param(
        HEADER + ITEM + f"\n\n {BULLET} Title\n\n    Text.",
        7,
        f'" {BULLET} Title"',
        id="bullet-one-space-indent",
    ),
    pytest.param(
        HEADER + f"{TITLE_PREFIX}Lonely\n\n" + ITEM,
        3,
        "next item on line 5",
        id="item-without-paragraph",
    ),
    pytest.param(
        HEADER + ITEM + f"\n\n{TITLE_PREFIX}Lonely\n", 7, "end of file", id="last-item-no-paragraph"
    ),
    pytest.param(HEADER.rstrip("\n") + "\n" + ITEM, 2, '"  ', id="no-blank-after-header"),
    pytest.param(
        HEADER + f"{TITLE_PREFIX}A story\n{PARAGRAPH_INDENT}Its text.",
        4,
        '"    Its text."',
        id="no-blank-after-title",
    ),
    pytest.param(HEADER + ITEM + "\n    continued.", 6, '"    continued."', id="wrapped-paragraph"),
    pytest.param(HEADER + ITEM + "\ncontinued.", 6, '"continued."', id="wrapped-unindented"),
    pytest.param(HEADER + ITEM + f"\n{TITLE_PREFIX}B", 6, f'"{TITLE_PREFIX}B"', id="no-blank-item"),
    pytest.param(HEADER + ITEM + "\r\n\r\n    a\rb", 8, '"b"', id="lone-cr-splits-a-paragraph"),
    pytest.param(
        (HEADER + ITEM).encode("utf-8") + b"\n\n    caf\xe9",
        7,
        "byte 0xe9 at offset 71",
        id="latin-1",
    ),
    pytest.param(
        (HEADER + ITEM).replace("\n", "\r\n").encode("utf-8") + b"\r\n\r\n    \xff",
        7,
        "byte 0xff at offset",
        id="invalid-utf8-crlf",
    ),
    pytest.param(b"\xef\xbb\xbfContents\n\x80", 2, "offset 12", id="offset-counts-the-bom"),
    pytest.param(b"Contents\xed\xa0\x80", 1, "byte 0xed", id="encoded-surrogate"),
    pytest.param(b"Contents\n\n\x00\x01\x02", 3, "NUL byte at offset 10", id="binary"),
    pytest.param((HEADER + ITEM).encode("utf-16"), 1, "UTF-16 byte-order mark", id="utf-16-file"),
    pytest.param(HEADER + ITEM + "\n\n    a\x00b", 7, "NUL character", id="nul-in-str"),
    pytest.param(HEADER + "\n\n  \u2022 \ud800", 5, "surrogate U+D800", id="surrogate-in-str"),
]


@pytest.mark.parametrize(("data", "line", "found"), REJECTED)
def test_rejected(data, line, found):
    with pytest.raises(DigestError) as caught:
        parse(data)
    error = caught.value
    assert error.line == line
    assert error.message.startswith("expected ")
    assert ", found " in error.message
    assert found in error.message
    assert str(error) == f"{line}: {error.message}"
    assert error.located("digest.txt") == f"digest.txt:{line}: {error.message}"


def test_header_error_message_in_full():
    with pytest.raises(DigestError) as caught:
        parse("Hello\n\n" + ITEM)
    assert str(caught.value) == '1: expected "Contents tagged with <tag name>", found "Hello"'


def test_item_without_paragraph_message_in_full():
    with pytest.raises(DigestError) as caught:
        parse(HEADER + f"{TITLE_PREFIX}Lonely")
    assert caught.value.located("x.txt") == (
        'x.txt:3: expected at least one paragraph for item "Lonely", found end of file'
    )


def test_long_found_text_is_cut_and_control_characters_are_shown():
    with pytest.raises(DigestError) as caught:
        parse("\x1b" + "x" * 100)
    message = caught.value.message
    assert message.endswith('found "\\x1b' + "x" * 59 + '"' + ELLIPSIS)


def test_oversized_file_is_rejected_without_a_line():
    with pytest.raises(DigestError) as caught:
        decode(b"x" * 11, max_bytes=10)
    error = caught.value
    assert error.line is None
    assert error.message == "expected at most 10 bytes, found 11"
    assert str(error) == error.message
    assert error.located("big.txt") == "big.txt: expected at most 10 bytes, found 11"


def test_parse_applies_the_default_size_limit():
    small = SMALL.encode("utf-8")
    data = small + b"\n" + b" " * (MAX_DIGEST_BYTES - len(small) - 1)
    assert len(data) == MAX_DIGEST_BYTES
    assert parse(data) == SMALL_DIGEST
    with pytest.raises(DigestError, match=f"found {MAX_DIGEST_BYTES + 1}$"):
        parse(data + b"\n")


def test_decode_returns_text_without_bom():
    assert decode(b"\xef\xbb\xbfabc") == "abc"


def test_digest_error_is_a_value_error():
    assert isinstance(DigestError(1, "expected x, found y"), ValueError)


# --- Duplicate titles --------------------------------------------------------------------------


def test_duplicate_title_is_skipped_with_a_warning():
    text = (
        HEADER
        + ITEM
        + "\n\n"
        + f"{TITLE_PREFIX}Other\n\n    B."
        + "\n\n"
        + ITEM.replace("Its text.", "Another text.")
    )
    digest = parse(text)
    assert digest.items == (
        DigestItem("A story", ("Its text.",)),
        DigestItem("Other", ("B.",)),
    )
    assert digest.warnings == (
        DigestWarning(11, 'duplicate title "A story" (first on line 3); kept the first'),
    )
    assert digest.warnings[0].located("d.txt") == (
        'd.txt:11: duplicate title "A story" (first on line 3); kept the first'
    )


def test_duplicate_title_is_still_checked():
    with pytest.raises(DigestError) as caught:
        parse(HEADER + ITEM + f"\n\n{TITLE_PREFIX}A story")
    assert caught.value.line == 7


# --- Rendering ---------------------------------------------------------------------------------


def test_render_canonical_form():
    assert render(SMALL_DIGEST) == SMALL
    assert not render(SMALL_DIGEST).endswith("\n")


UNRENDERABLE = [
    pytest.param(Digest("", SMALL_DIGEST.items), 1, id="empty-tag"),
    pytest.param(Digest("\u00a0", SMALL_DIGEST.items), 1, id="whitespace-tag"),
    pytest.param(Digest("A\nB", SMALL_DIGEST.items), 1, id="tag-with-line-break"),
    pytest.param(Digest("Tag ", SMALL_DIGEST.items), 1, id="tag-trailing-space"),
    pytest.param(Digest("Tag", ()), 1, id="no-items"),
    pytest.param(Digest("Tag", (DigestItem("", ("p",)),)), 3, id="empty-title"),
    pytest.param(Digest("Tag", (DigestItem("A\rB", ("p",)),)), 3, id="title-with-cr"),
    pytest.param(Digest("Tag", (DigestItem("A", ()),)), 3, id="no-paragraph"),
    pytest.param(Digest("Tag", (DigestItem("A", ("p", "")),)), 7, id="empty-paragraph"),
    pytest.param(Digest("Tag", (DigestItem("A", ("p\t",)),)), 5, id="paragraph-trailing-tab"),
    pytest.param(Digest("Tag", (DigestItem("A", ("a\nb",)),)), 5, id="paragraph-line-break"),
    pytest.param(Digest("Tag", (DigestItem("A", ("a\x00",)),)), 5, id="paragraph-nul"),
    pytest.param(
        Digest("Tag", (DigestItem("A", ("p",)), DigestItem("A", ("q",)))), 7, id="same-title"
    ),
]


@pytest.mark.parametrize(("digest", "line"), UNRENDERABLE)
def test_render_refuses_what_would_not_read_back(digest, line):
    with pytest.raises(DigestError) as caught:
        render(digest)
    assert caught.value.line == line
    assert caught.value.message.startswith("expected ")


# --- Properties --------------------------------------------------------------------------------

# Text as the wire has it, plus anything else that may sit on one line; NUL and surrogates are
# not text, CR and LF end lines.
_CHARACTERS = st.characters(exclude_categories=["Cs"], exclude_characters="\x00\r\n")
_WIRE_TEXT = st.sampled_from(
    [NBSP, " ", "\t", "\u2018", "\u2019", "\u201c", "\u201d", "\u00fc", ELLIPSIS, BULLET]
)
_LINE_TEXT = st.text(st.one_of(_WIRE_TEXT, _CHARACTERS), min_size=1, max_size=40)

# What one line can hold and read back: no ASCII blank at its end, and a tag or title must show.
paragraphs = _LINE_TEXT.map(lambda text: text.rstrip(" \t")).filter(bool)
names = paragraphs.filter(lambda text: not text.isspace())
items = st.builds(DigestItem, names, st.lists(paragraphs, min_size=1, max_size=4).map(tuple))
digests = st.builds(
    Digest,
    names,
    st.lists(items, min_size=1, max_size=5, unique_by=lambda item: item.title).map(tuple),
)


@PROPERTY_SETTINGS
@given(digests)
def test_property_render_then_parse_gives_back_the_digest(digest):
    text = render(digest)
    parsed = parse(text)
    assert parsed == digest
    assert parsed.warnings == ()
    assert render(parsed) == text
    assert parse(text.encode("utf-8")) == digest


def _only_digest_errors(data: str | bytes) -> Digest | None:
    try:
        return parse(data)
    except DigestError as error:
        assert error.message.startswith("expected ")
        assert error.line is None or error.line >= 1
        return None


@PROPERTY_SETTINGS
@given(st.text())
def test_property_parse_any_text_raises_only_digest_errors(text):
    _only_digest_errors(text)


@PROPERTY_SETTINGS
@given(st.binary())
def test_property_parse_any_bytes_raises_only_digest_errors(data):
    _only_digest_errors(data)


_BLANKS = st.text(st.sampled_from(" \t"), max_size=3)
# Mixing CR with LF could merge "\r" + "\n" into one line end, so a file uses CR alone or not.
_LINE_END_STYLES = st.sampled_from([("\n",), ("\r\n",), ("\r",), ("\n", "\r\n")])


@st.composite
def loose_renderings(draw):
    """Render a digest the way a careless tool might: every accepted variant at random."""
    digest = draw(digests)
    line_ends = draw(_LINE_END_STYLES)
    lines = render(digest).split("\n")
    lines += [""] * draw(st.integers(0, 2))
    out = "\ufeff" if draw(st.booleans()) else ""
    for number, line in enumerate(lines):
        if number:
            out += draw(st.sampled_from(line_ends))
        if not line:
            for _ in range(draw(st.integers(0, 2))):
                out += draw(_BLANKS) + draw(st.sampled_from(line_ends))
        out += line + draw(_BLANKS)
    return digest, out


@PROPERTY_SETTINGS
@given(loose_renderings())
def test_property_accepted_variants_parse_to_the_same_digest(case):
    digest, text = case
    assert parse(text) == digest
    assert parse(text.encode("utf-8")) == digest


# Lines that are almost right, spliced into real digests so that the parser gets deep into them.
_NEAR_LINES = st.one_of(
    st.sampled_from(
        ["", " \t", HEADER_PREFIX + "Tag", HEADER_PREFIX, f"  {BULLET}", f" {BULLET} x", "\ufeff"]
    ),
    _LINE_TEXT.map(lambda text: TITLE_PREFIX + text),
    _LINE_TEXT.map(lambda text: PARAGRAPH_INDENT + text),
    _LINE_TEXT,
)


@st.composite
def mangled_renderings(draw):
    """A rendered digest with a few lines inserted, replaced or dropped, and any line ends."""
    lines = render(draw(digests)).split("\n")
    for _ in range(draw(st.integers(0, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["insert", "replace", "delete"]))
        if action == "delete" and len(lines) > 1:
            del lines[index]
        else:
            lines[index : index + (action == "replace")] = [draw(_NEAR_LINES)]
    ends = st.sampled_from(["\n", "\r\n", "\r"])
    return lines[0] + "".join(draw(ends) + line for line in lines[1:])


@PROPERTY_SETTINGS
@given(mangled_renderings())
def test_property_what_parses_renders_and_parses_back(text):
    digest = _only_digest_errors(text)
    if digest is not None:
        assert parse(render(digest)) == digest
        assert parse(text.encode("utf-8")) == digest
