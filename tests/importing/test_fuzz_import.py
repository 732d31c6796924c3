"""The importer under fuzzing: any bytes as a digest file, against a database that already
holds the seeds, give an imported file or a located, explained refusal; never an exception;
and a refused file writes nothing at all.

The cases are real digests mangled as tests/importing/test_digest.py's properties mangle
them (lines inserted, replaced, dropped; any line ends), and any bytes at all. How many: the
profile tests/conftest.py loads, a quarter of the parser's (each case is an import).
`make fuzz` runs the same checks under atheris for as long as asked (fuzz/import_target.py).
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.importing import FileStatus, batches
from articles.models import Tag
from fuzz.checks import check_import, table_counts
from tests.factories import SEED_PAGE_1
from tests.importing.test_digest import mangled_renderings

IMPORT_SETTINGS = settings(
    max_examples=max(50, settings().max_examples // 4),
    deadline=None,
    database=None,
    # One database for every case (the seeds in it); each case's import rolls back.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_files = st.one_of(
    mangled_renderings().map(lambda text: text.encode("utf-8")),
    st.binary(max_size=2000),
    # A real digest with bytes flipped, inserted or cut off.
    st.tuples(st.integers(0, 5000), st.binary(max_size=8)).map(
        lambda cut: SEED_PAGE_1.read_bytes()[: cut[0]] + cut[1]
    ),
)


@pytest.mark.usefixtures("seeded")
@IMPORT_SETTINGS
@given(_files)
def test_property_any_file_imports_or_is_refused_whole(data):
    check_import(data)


@pytest.mark.usefixtures("seeded")
def test_a_refused_file_writes_nothing():
    before = table_counts()
    report = check_import("Contents tagged with X\n\n  \u2022 Title only".encode())

    assert report.status == FileStatus.FAILED
    assert table_counts() == before


@pytest.mark.usefixtures("seeded")
def test_a_file_imported_before_is_skipped():
    """make fuzz's first finding: its corpus starts from the seeds, which are imported."""
    assert check_import(SEED_PAGE_1.read_bytes()).status == FileStatus.SKIPPED


@pytest.mark.django_db
def test_the_checks_catch_a_failed_file_that_wrote_rows(monkeypatch):
    def failed_after_writing(report, message):
        Tag.objects.create(name="Half written")
        report.status, report.error = FileStatus.FAILED, message
        return report

    monkeypatch.setattr(batches, "_failed", failed_after_writing)
    with pytest.raises(AssertionError, match="a failed file wrote rows"):
        check_import(b"not a digest")
