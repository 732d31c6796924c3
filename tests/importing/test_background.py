"""Imports in the background (articles/importing/tasks.py): the task, file by file; cancel;
resume after a killed worker; the database backend with its worker; the command's
--background and its progress bar."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.importing import (
    DigestSource,
    cancel_run,
    is_stalled,
    queue_sources,
    resume_run,
)
from articles.importing import tasks as background
from articles.models import Digest, ImportRun, Item, PendingUpload
from tests.factories import SEED_PAGE_1, SEED_PAGE_2, SEEDS, digest_text
from tests.pages import run_command, run_the_worker_once

pytestmark = pytest.mark.django_db

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def three_files():
    return [
        DigestSource(
            f"00{n}_{tag}.txt", data=digest_text(tag, (f"{tag} story", ["T.\u00a0…"])).encode()
        )
        for n, tag in enumerate(["Asia", "Europe", "Africa"])
    ]


@pytest.fixture
def queued_only(settings):
    """The database backend with no worker: runs stay queued until a test runs the task."""
    settings.TASKS = DATABASE_BACKEND


def run_task(run):
    """Run the queued task in this process, as the worker would."""
    run.refresh_from_db()
    background.import_run.call(run.pk, run.attempt)
    run.refresh_from_db()
    return run


def test_a_queued_run_imports_its_files_and_finishes():
    run = queue_sources(three_files(), status="draft", force=False)

    assert (run.state, run.files, run.files_done, run.files_imported) == ("finished", 3, 3, 3)
    assert (run.created, run.origin, run.status) == (3, "command", "draft")
    assert run.finished_at is not None
    assert Item.objects.filter(status="draft").count() == 3
    assert not PendingUpload.objects.exists()


def test_counts_grow_file_by_file(queued_only):
    run = queue_sources(three_files(), status="published", force=False)
    seen = []
    real_import = background.import_file

    def watching(*args, **kwargs):
        # What another connection would read now: the files committed before this one.
        seen.append(ImportRun.objects.get(pk=run.pk).files_done)
        return real_import(*args, **kwargs)

    with mock.patch.object(background, "import_file", watching):
        run_task(run)

    assert seen == [0, 1, 2]
    assert run.files_done == 3 and run.state == "finished"


def test_cancel_stops_after_the_current_file_which_is_kept_whole(queued_only):
    run = queue_sources(three_files(), status="published", force=False)
    real_import = background.import_file

    def cancelled_during_the_first_file(*args, **kwargs):
        report = real_import(*args, **kwargs)
        if not ImportRun.objects.filter(pk=run.pk, state="cancelled").exists():
            cancel_run(run)  # an editor presses Cancel while the first file imports
        return report

    with mock.patch.object(background, "import_file", cancelled_during_the_first_file):
        run_task(run)

    assert (run.state, run.files, run.files_done, run.created) == ("cancelled", 3, 1, 1)
    assert list(Item.objects.values_list("title", flat=True)) == ["Asia story"]
    assert Digest.objects.get().entries.count() == 1
    assert not PendingUpload.objects.exists()  # the files not begun are dropped


def test_only_a_queued_or_running_run_can_be_cancelled():
    run = queue_sources(three_files(), status="published", force=False)

    with pytest.raises(Exception, match="expected a queued or running background import to cancel"):
        cancel_run(run)


class Killed(BaseException):
    """The worker process dying mid-file (SIGKILL, the machine going down)."""


def kill_on_file(number):
    real_import = background.import_file
    calls = []

    def importing(*args, **kwargs):
        calls.append(args)
        report = real_import(*args, **kwargs)
        if len(calls) == number:
            raise Killed  # after the file's writes, before its transaction commits
        return report

    return mock.patch.object(background, "import_file", importing)


def test_a_killed_worker_leaves_whole_files_and_the_run_resumes_from_the_rest(
    queued_only, settings
):
    run = queue_sources(three_files(), status="published", force=False)
    with kill_on_file(2), pytest.raises(Killed):
        run_task(run)
    run.refresh_from_db()

    # The first file whole, nothing of the second: its transaction never committed.
    assert (run.state, run.files_done, run.created) == ("running", 1, 1)
    assert list(Item.objects.values_list("title", flat=True)) == ["Asia story"]
    assert list(run.pending_files.values_list("name", flat=True)) == [
        "001_Europe.txt",
        "002_Africa.txt",
    ]
    assert not is_stalled(run)
    later = timezone.now() + timedelta(seconds=settings.IMPORT_STALLED_SECONDS + 1)
    assert is_stalled(run, now=later)

    killed_attempt = run.attempt
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    run = resume_run(run)

    assert (run.state, run.files, run.files_done, run.files_imported) == ("finished", 3, 3, 3)
    assert (run.created, run.updated, run.errors) == (3, 0, [])
    assert sorted(Item.objects.values_list("title", flat=True)) == [
        "Africa story",
        "Asia story",
        "Europe story",
    ]
    assert Digest.objects.filter(run=run).count() == 3
    # The killed task's attempt, were it to come back, does nothing.
    background.import_run.call(run.pk, killed_attempt)
    run.refresh_from_db()
    assert (run.files_done, run.created) == (3, 3)


def test_resuming_a_live_run_stops_the_older_task_before_its_next_file(queued_only):
    run = queue_sources(three_files(), status="published", force=False)
    older_attempt = run.attempt
    real_import = background.import_file

    def resumed_during_the_first_file(*args, **kwargs):
        report = real_import(*args, **kwargs)
        if ImportRun.objects.get(pk=run.pk).attempt == older_attempt:
            resume_run(run)  # a new task is queued (the database backend: not run yet)
        return report

    with mock.patch.object(background, "import_file", resumed_during_the_first_file):
        run_task(run)

    run.refresh_from_db()
    assert (run.state, run.attempt, run.files_done) == ("queued", older_attempt + 1, 1)
    assert run.pending_files.count() == 2

    run = run_task(run)  # the new attempt's task

    assert (run.state, run.files_done, run.created) == ("finished", 3, 3)


def test_a_finished_run_cannot_be_resumed():
    run = queue_sources(three_files(), status="published", force=False)

    with pytest.raises(Exception, match="expected an unfinished background import to resume"):
        resume_run(run)


def test_an_unreadable_file_queues_nothing(tmp_path):
    missing = DigestSource("gone.txt", path=tmp_path / "gone.txt")

    with pytest.raises(background.StagingError, match="gone.txt: expected a readable file"):
        queue_sources([*three_files(), missing], status="published", force=False)
    assert not ImportRun.objects.exists() and not PendingUpload.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_database_backend_queues_the_run_and_its_worker_runs_it(settings):
    settings.TASKS = DATABASE_BACKEND
    out, _ = run_command("import_digests", "--background", str(SEEDS))

    run = ImportRun.objects.get()
    assert f"Queued {run} with 2 files" in out
    assert (run.state, run.files, run.files_done) == ("queued", 2, 0)
    assert run.pending_files.count() == 2
    task = DBTaskResult.objects.get()
    assert (task.task_path, task.status) == ("articles.importing.tasks.import_run", "READY")

    run_the_worker_once()

    run.refresh_from_db()
    assert (run.state, run.files_done, run.files_imported, run.created) == ("finished", 2, 2, 20)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert not PendingUpload.objects.exists()
    assert Item.objects.published().count() == 20


def test_the_command_in_the_background_with_the_immediate_backend_prints_the_summary():
    out, _ = run_command("import_digests", "--background", "--status", "draft", str(SEEDS))

    run = ImportRun.objects.get()
    assert out.startswith(f"{run}: 2 files (2 imported")
    assert Item.objects.filter(status="draft").count() == 20


@pytest.mark.parametrize("flag", [["--dry-run"], ["--report", "out.json"]])
def test_background_refuses_the_foregrounds_options(flag):
    with pytest.raises(CommandError, match=f"--background: expected neither .* found {flag[0]}"):
        run_command("import_digests", "--background", *flag, str(SEEDS))
    assert not ImportRun.objects.exists()


def test_the_progress_bar_counts_files_done():
    bars = []

    class RecordingBar:
        """tqdm's part the command uses; notes, at each step, how many files were written."""

        def __init__(self, **options):
            self.total, self.n, self.steps = options["total"], 0, []
            bars.append(self)

        def update(self, count):
            self.n += count
            self.steps.append((self.n, Digest.objects.count()))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    path = "articles.management.commands.import_digests.tqdm"
    with mock.patch(path, RecordingBar):
        run_command("import_digests", str(SEED_PAGE_1), str(SEED_PAGE_2))

    (bar,) = bars
    assert bar.total == 2
    # Each step comes once its file is in the database, never before.
    assert bar.steps == [(1, 2), (2, 2)]
