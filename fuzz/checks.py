"""What must hold for any bytes given as a digest file, checked the same way by the suite's
properties (tests/importing/test_fuzz_import.py) and by `make fuzz` (import_target.py).

- ``check_parse``: the parser returns a digest or raises DigestError ("expected …", a line
  number or none), never anything else; what it returns renders and reads back as itself.
- ``check_import``: the importer, inside a transaction that is rolled back afterwards, reports
  the file imported, unchanged, skipped (its bytes known), or failed with a located message;
  a failed file wrote no row.
"""

from django.db import transaction

from articles.digest import DigestError, parse, render
from articles.importing import DigestSource, FileStatus, import_digests
from articles.models import (
    Digest,
    DigestEntry,
    ImportChange,
    Item,
    Tag,
    TagAlias,
    TaggedItem,
)

FILE_NAME = "000_fuzz.txt"
# Every table a file's import writes to (an ImportRun logs each run, failed or not).
WRITTEN = (Item, Item.history.model, Tag, TagAlias, TaggedItem, Digest, DigestEntry, ImportChange)


def check_parse(data):
    """The digest parse(data) gives, or None when it raised DigestError."""
    try:
        digest = parse(data)
    except DigestError as error:
        assert error.message.startswith("expected "), error.message
        assert error.line is None or error.line >= 1, error.line
        return None
    assert parse(render(digest)) == digest
    return digest


def table_counts():
    return {model._meta.label: model.objects.count() for model in WRITTEN}


def check_import(data):
    """Import data as one file and roll it back; returns the file's report."""
    parsed = check_parse(data)
    reports = []
    with transaction.atomic():
        before = table_counts()
        import_digests([DigestSource(FILE_NAME, data=data)], on_file=reports.append)
        after = table_counts()
        transaction.set_rollback(True)
    [report] = reports
    if report.status == FileStatus.FAILED:
        assert report.error.startswith(f"{FILE_NAME}"), report.error
        assert "expected" in report.error, report.error
        assert after == before, f"a failed file wrote rows: {before} -> {after}"
    elif report.status == FileStatus.SKIPPED:  # these very bytes were imported before
        assert Digest.objects.filter(sha256=report.sha256).exists(), report.note
    else:
        assert parsed is not None, f"{report.status} a file the parser refuses"
        assert report.status in (FileStatus.IMPORTED, FileStatus.UNCHANGED), report.status
    return report
