"""Imports at the same moment, as an operator runs them: real processes on one database.

Two or more ``import_digests`` (and an admin upload's preview and confirm) on overlapping
digests all succeed and leave what one import of all the files leaves; an editor's save that
an import meets keeps the editor's version and is the import's conflict; two writers creating
one tag make one tag. On PostgreSQL and SQLite alike (scratch databases: tests/processes.py).
"""

import json
import time

import pytest
from django.db import OperationalError

from articles import importing
from articles.digest import Digest, DigestItem, render
from articles.importing import apply
from articles.models import Item
from tests.factories import write_digest
from tests.processes import scratch_database

TAGS = 12
PAGES = 2
ITEMS_A_PAGE = 10


@pytest.fixture
def scratch(template, tmp_path):
    """Opens a fresh scratch database each time it is called."""
    return lambda: scratch_database(template, tmp_path)


def write_wire(root):
    """TAGS tags of PAGES pages, one folder a tag; one story in five is also in the next tag.

    Returns the folders, in order."""
    folders = []
    for tag in range(TAGS):
        folder = root / f"tag{tag:02d}"
        folder.mkdir(parents=True)
        for page in range(PAGES):
            titles = [f"Tag {tag} page {page} story {n}" for n in range(ITEMS_A_PAGE)]
            if tag:
                titles[3] = f"Tag {tag - 1} page {page} story 5"  # also in the tag before
            entries = tuple(DigestItem(t, (f"What {t} says.\u00a0\u2026",)) for t in titles)
            text = render(Digest(tag=f"Tag {tag}", items=entries))
            (folder / f"{page:03d}_{tag:02d}{page}.txt").write_text(text, encoding="utf-8")
        folders.append(folder)
    return folders


def exit_codes(processes, timeout=300):
    results = []
    for process in processes:
        out, err = process.communicate(timeout=timeout)
        results.append((process.returncode, err))
    return results


# What an admin upload does: stage and preview (a dry run), then confirm, in one process.
UPLOAD = """
import sys
from pathlib import Path
from django.contrib.auth import get_user_model
from articles.importing import confirm_uploads, preview_uploads, summary_of
from django.core.files.uploadedfile import SimpleUploadedFile

user = get_user_model().objects.create_user("uploader")
files = [SimpleUploadedFile(str(path), path.read_bytes()) for path in map(Path, sys.argv[1:])]
preview = preview_uploads(files, user=user, status="published", force=False)
run = confirm_uploads(
    preview.batch, user=user, previewed_sha256=[u.sha256 for u in preview.uploads],
    status="published", force=False,
)
run.refresh_from_db()  # the task has run: TASKS_BACKEND=immediate, this process the worker
print(summary_of(run).sentence())
sys.exit(0 if run.state == "finished" and not run.files_failed else 1)
"""


def test_overlapping_imports_all_succeed_and_leave_what_one_import_leaves(scratch, tmp_path):
    folders = write_wire(tmp_path / "wire")
    page_twos = sorted(str(path) for path in tmp_path.glob("wire/*/001_*.txt"))
    with scratch() as together:
        processes = [
            # Four imports started at once: all tags forwards, the later tags backwards, the
            # middle tags twice over, and an admin upload of the page 2s.
            together.popen("import_digests", *map(str, folders)),
            together.popen("import_digests", *map(str, reversed(folders[4:]))),
            together.popen("import_digests", *map(str, folders[2:10]), *map(str, folders[3:9])),
        ]
        upload = together.python(
            UPLOAD, *page_twos, env={"TASKS_BACKEND": "immediate"}, check=False
        )
        results = exit_codes(processes)
        concurrent_state = together.state()
    with scratch() as alone:
        alone.manage("import_digests", *map(str, folders))
        single_state = alone.state()

    assert [code for code, _ in results] == [0, 0, 0], [err[-2000:] for _, err in results]
    assert upload.returncode == 0, upload.stderr[-2000:]
    assert concurrent_state == single_state
    state = single_state
    assert len(state["tags"]) == TAGS
    assert len(state["items"]) == TAGS * PAGES * ITEMS_A_PAGE - (TAGS - 1) * PAGES
    assert len(state["digests"]) == TAGS * PAGES


def test_an_editor_saving_an_item_an_import_updates_keeps_the_editors_version(scratch, tmp_path):
    first = tmp_path / "000_first.txt"
    second = tmp_path / "000_second.txt"
    first.write_text(render(Digest("Weather", (DigestItem("Rain", ("Wet.\u00a0\u2026",)),))))
    second.write_text(render(Digest("Weather", (DigestItem("Rain", ("Wetter.\u00a0\u2026",)),))))
    with scratch() as database:
        database.manage("import_digests", str(first))
        editor = database.raw()
        # The editor's save, not yet committed when the import reaches the item.
        editor.execute("BEGIN IMMEDIATE" if database.sqlite_path else "BEGIN")
        editor.execute(
            "UPDATE articles_item SET teaser = 'The editor''s teaser.', "
            "edited_at = CURRENT_TIMESTAMP WHERE title = 'Rain'"
        )
        report = tmp_path / "report.json"
        started = database.popen("import_digests", str(second), "--report", str(report))
        _wait_until_blocked(database, started)
        editor.execute("COMMIT")
        [(code, err)] = exit_codes([started])
        teaser = database.python(
            "from articles.models import Item; print(Item.objects.get(title='Rain').teaser)"
        ).stdout.strip()

    assert code == 0, err
    assert teaser == "The editor's teaser."
    [file] = json.loads(report.read_text())["files"]
    assert [item["outcome"] for item in file["items"]] == ["conflict"]


def _wait_until_blocked(database, process, limit=30.0):
    """Until the import waits for the editor's lock (PostgreSQL says so; on SQLite, whose
    writer queues at BEGIN, a pause long enough for the process to get there)."""
    if database.sqlite_path is not None:
        time.sleep(3)
        assert process.poll() is None, "the import should wait for the editor's write lock"
        return
    watcher = database.raw()
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        waiting = watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        ).fetchone()[0]
        if waiting:
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError("the import never waited for the editor's row lock")


# A writer that creates a tag and keeps its transaction open for a while.
CREATE_AND_HOLD = """
import time
from django.db import transaction
from articles.tag_services import get_or_create_tags
with transaction.atomic():
    get_or_create_tags(["Gamma rays"])
    print("created", flush=True)
    time.sleep(2)
"""

CREATE = """
from articles.tag_services import get_or_create_tag
tag, created = get_or_create_tag("gamma-rays")
print(created)
"""


def test_two_writers_creating_one_tag_at_once_make_one_tag(scratch):
    with scratch() as database:
        holder = database.popen_python(CREATE_AND_HOLD)
        assert holder.stdout.readline().strip() == "created"
        second = database.python(CREATE, check=False)
        holder.communicate(timeout=60)
        names = database.python(
            "from articles.models import Tag; print(list(Tag.objects.values_list('name', "
            "flat=True)))"
        ).stdout.strip()

    assert holder.returncode == 0
    assert second.returncode == 0, second.stderr[-2000:]
    assert second.stdout.strip() == "False"
    assert names == "['Gamma rays']"


@pytest.mark.django_db
def test_a_file_that_lost_a_race_is_tried_again_and_imported(tmp_path, monkeypatch):
    path = write_digest(tmp_path, "000_a.txt", "Alpha", "Alpha story")
    record_digests, refusals = apply.record_digests, []

    def deadlocked_once(files, **kwargs):
        if not refusals:
            refusals.append(1)
            raise OperationalError("database is locked")
        return record_digests(files, **kwargs)

    monkeypatch.setattr(apply, "record_digests", deadlocked_once)
    summary = importing.import_digests([importing.DigestSource(path.name, path=path)])

    assert summary.ok and summary.files.imported == 1
    assert list(Item.objects.values_list("title", flat=True)) == ["Alpha story"]
