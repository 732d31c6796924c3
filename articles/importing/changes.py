"""The change records of a run (ImportChange rows) and the one definition of what they keep
in ``before``: what the run's detail page lists and what an undo reads back."""

from dataclasses import asdict, dataclass
from datetime import datetime

from django.db.models import F
from django.db.models.functions import JSONObject

from ..models import ImportChange

# What an import writes on an item it updates, and an undo restores.
IMPORTED_FIELDS = ("title", "teaser", "import_hash", "imported_at")
# The same, for bulk_update: the revision's time moves too.
WRITTEN_FIELDS = [*IMPORTED_FIELDS, "updated_at"]


def _time(value):
    return datetime.fromisoformat(value) if value else None


@dataclass
class ItemBefore:
    """An item's imported fields before the run changed them, and the hash the run wrote
    (an undo leaves the item alone when its hash is no longer that one)."""

    title: str
    teaser: str
    import_hash: str
    imported_at: datetime | None
    after_hash: str = ""

    @classmethod
    def of(cls, item):
        return cls(**{name: getattr(item, name) for name in IMPORTED_FIELDS})

    @classmethod
    def from_json(cls, data):
        return cls(**{**data, "imported_at": _time(data["imported_at"])})

    def to_json(self):
        moment = self.imported_at.isoformat() if self.imported_at else None
        return {**asdict(self), "imported_at": moment}

    def restore(self, item):
        for name in IMPORTED_FIELDS:
            setattr(item, name, getattr(self, name))


def written_hash(change):
    """The hash a created or updated item had when its run was done with it."""
    return change.before["after_hash"]


def created_before_sql():
    """``before`` of a created item, computed by the database from the new row."""
    return JSONObject(after_hash=F("import_hash"))


@dataclass
class DigestBefore:
    """A Digest row as it was before a run re-read the same bytes under a new name or tag."""

    name: str
    tag_id: int
    tag_name: str
    page: int
    run_id: int | None
    imported_at: datetime
    entries: list  # [(position, item id)], top first

    @classmethod
    def of(cls, digest, entries):
        return cls(
            name=digest.name,
            tag_id=digest.tag_id,
            tag_name=digest.tag_name,
            page=digest.page,
            run_id=digest.run_id,
            imported_at=digest.imported_at,
            entries=list(entries),
        )

    @classmethod
    def from_json(cls, data):
        entries = [tuple(entry) for entry in data["entries"]]
        return cls(**{**data, "imported_at": _time(data["imported_at"]), "entries": entries})

    def to_json(self):
        return {**asdict(self), "imported_at": self.imported_at.isoformat()}


def kept_reason(change):
    """Why an undo kept an item (ITEM_KEPT rows), else ""."""
    if change.kind != ImportChange.Kind.ITEM_KEPT:
        return ""
    return (change.before or {}).get("reason", "")


def kept_before(reason):
    return {"reason": str(reason)}


class RunChanges:
    """Collects what a batch of files does, written in one INSERT at the end of the batch's
    transaction (so a failed file records nothing). Without a run (a dry run) it keeps
    nothing."""

    def __init__(self, run):
        self.run = run
        self.rows = []

    def add(self, kind, *, item=None, object_id=None, before=None):
        """The change row to be written (None without a run), for callers to amend."""
        if self.run is None:
            return None
        row = ImportChange(
            run=self.run,
            kind=kind,
            item=item,
            object_id=object_id,
            title=item.title if item is not None else "",
            before=before,
        )
        self.rows.append(row)
        return row

    def save(self):
        if self.rows:
            ImportChange.objects.bulk_create(self.rows)
