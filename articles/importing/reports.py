"""What an import did, file by file and in all: the contract between the import service and
its callers (the command, the admin, the JSON report)."""

from dataclasses import dataclass, field, make_dataclass
from enum import StrEnum
from typing import ClassVar

from .diffs import ItemDiff


class Outcome(StrEnum):
    """What a digest's entry did to its item."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"  # the editor's version stays; the wire's differs


class FileStatus(StrEnum):
    """What became of a file."""

    IMPORTED = "imported"  # something was written
    UNCHANGED = "unchanged"  # read, and the database already held all of it
    SKIPPED = "skipped"  # the same bytes were imported before
    FAILED = "failed"  # refused whole: nothing of it was written


class _Tally:
    """Counts by the members of a StrEnum: one int attribute each, named by its value."""

    kinds: ClassVar[type[StrEnum]]

    @property
    def total(self):
        return sum(self.as_dict().values())

    def add(self, kind, count=1):
        name = self.kinds(kind).value
        setattr(self, name, getattr(self, name) + count)

    def update(self, other):
        for kind in self.kinds:
            self.add(kind, getattr(other, kind.value))

    def as_dict(self):
        return {kind.value: getattr(self, kind.value) for kind in self.kinds}


def _tally_of(kinds):
    """A dataclass counting each of kinds: its fields are the enum's, never a second list."""
    fields = [(kind.value, int, 0) for kind in kinds]
    name = f"{kinds.__name__}Counts"
    return make_dataclass(name, fields, bases=(_Tally,), namespace={"kinds": kinds})


# summary.items.conflict, summary.files.failed, …
OutcomeCounts = _tally_of(Outcome)
FileCounts = _tally_of(FileStatus)


@dataclass
class ItemOutcome:
    line: int
    title: str
    outcome: Outcome
    item_id: int | None = None
    slug: str = ""
    # Updated or in conflict: from the item as it was to the wire's copy.
    diff: ItemDiff | None = None

    def as_dict(self):
        return {
            "line": self.line,
            "title": self.title,
            "outcome": self.outcome.value,
            "item_id": self.item_id,
            "slug": self.slug,
            "diff": self.diff.as_dict() if self.diff else None,
        }


@dataclass
class FileReport:
    name: str
    status: FileStatus | None = None
    sha256: str = ""
    tag: str = ""
    page: int | None = None
    note: str = ""
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    items: list[ItemOutcome] = field(default_factory=list)

    def counts(self):
        counts = OutcomeCounts()
        for outcome in self.items:
            counts.add(outcome.outcome)
        return counts

    @property
    def conflicts(self):
        return [outcome for outcome in self.items if outcome.outcome == Outcome.CONFLICT]

    @property
    def differing(self):
        """The items the wire's copy changes (updated) or would (in conflict), with a diff."""
        return [outcome for outcome in self.items if outcome.diff is not None]

    def as_dict(self):
        return {
            "file": self.name,
            "status": self.status.value if self.status else "",
            "sha256": self.sha256,
            "tag": self.tag,
            "page": self.page,
            "note": self.note,
            "error": self.error,
            "warnings": self.warnings,
            "counts": self.counts().as_dict(),
            "items": [outcome.as_dict() for outcome in self.items],
        }


@dataclass
class ImportSummary:
    """Running totals of a run; per-file detail is handed to on_file, not kept."""

    dry_run: bool = False
    run_id: int | None = None
    files: FileCounts = field(default_factory=FileCounts)
    items: OutcomeCounts = field(default_factory=OutcomeCounts)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, report):
        self.files.add(report.status)
        self.items.update(report.counts())
        self.warnings.extend(report.warnings)
        if report.error:
            self.errors.append(report.error)

    @property
    def ok(self):
        return not self.errors

    def as_dict(self):
        return {
            "run": self.run_id,
            "dry_run": self.dry_run,
            "files": {"total": self.files.total, **self.files.as_dict()},
            "items": self.items.as_dict(),
            "warnings": self.warnings,
            "errors": self.errors,
        }

    def sentence(self):
        """The run in one sentence, as the command prints it and the admin shows it."""
        files, items = self.files, self.items
        prefix = "Dry run, nothing written: " if self.dry_run else ""
        return (
            f"{prefix}{plural(files.total, 'file')} ({files.imported} imported, "
            f"{files.unchanged} unchanged, {files.skipped} skipped as already imported, "
            f"{files.failed} failed); items: {items.created} created, {items.updated} updated, "
            f"{items.unchanged} unchanged, {plural(items.conflict, 'conflict')} "
            f"(editor's version kept); {plural(len(self.warnings), 'warning')}, "
            f"{plural(len(self.errors), 'error')}."
        )


def plural(count, singular, plural_form=None):
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"
