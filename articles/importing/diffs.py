"""What an import would change on an item, as a diff of its title and teaser: printed by
``import_digests --dry-run -v 2``, carried by ``--report``'s JSON, shown by the admin's
preview. Pure: strings in, a diff out.

The teaser is compared a paragraph at a time (a paragraph is one line of the diff), as
editors read it; "now" is the item as the database has it (an editor's version, in a
conflict), "wire" the digest's copy.
"""

import difflib
from dataclasses import dataclass
from enum import StrEnum

from ..models import PARAGRAPH_SEPARATOR


class Op(StrEnum):
    """What a run of lines does, in difflib's words."""

    EQUAL = "equal"
    REPLACE = "replace"
    DELETE = "delete"
    INSERT = "insert"


@dataclass(frozen=True)
class Change:
    op: Op
    now: tuple[str, ...]
    wire: tuple[str, ...]

    def as_dict(self):
        return {"op": self.op.value, "now": list(self.now), "wire": list(self.wire)}


@dataclass(frozen=True)
class FieldDiff:
    """One field that differs: its text now and on the wire, and the runs of lines."""

    field: str
    now: str
    wire: str
    lines_now: tuple[str, ...]
    lines_wire: tuple[str, ...]

    @property
    def changes(self):
        matcher = difflib.SequenceMatcher(a=self.lines_now, b=self.lines_wire, autojunk=False)
        return [
            Change(Op(tag), self.lines_now[i1:i2], self.lines_wire[j1:j2])
            for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        ]

    def unified(self):
        """The unified diff's lines (---/+++ headers, @@ hunks, -/+/space lines)."""
        return list(
            difflib.unified_diff(
                self.lines_now,
                self.lines_wire,
                fromfile=f"{self.field} (now)",
                tofile=f"{self.field} (wire)",
                lineterm="",
            )
        )

    def as_dict(self):
        return {
            "now": self.now,
            "wire": self.wire,
            "changes": [change.as_dict() for change in self.changes],
        }


@dataclass(frozen=True)
class ItemDiff:
    fields: tuple[FieldDiff, ...]  # only those that differ, title first

    def unified(self):
        return [line for field in self.fields for line in field.unified()]

    def as_dict(self):
        return {field.field: field.as_dict() for field in self.fields}


def _field_diff(name, now, wire, lines):
    if now == wire:
        return None
    return FieldDiff(name, now, wire, tuple(lines(now)), tuple(lines(wire)))


def item_diff(now_title, now_teaser, wire_title, wire_teaser):
    """The diff from the item as it is to the wire's copy; None when they are the same."""
    fields = [
        _field_diff("title", now_title, wire_title, lambda title: [title]),
        _field_diff(
            "teaser", now_teaser, wire_teaser, lambda teaser: teaser.split(PARAGRAPH_SEPARATOR)
        ),
    ]
    fields = tuple(field for field in fields if field is not None)
    return ItemDiff(fields) if fields else None
