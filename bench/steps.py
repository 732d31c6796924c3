"""One backend's benchmark, step by step: import, floor, forced re-import, pages, admin.

Each step fills the ``BenchResult``; the checks between the steps make sure that every timed
command did the work its time is reported for (a failed or partial import has no valid time).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from functools import partial
from pathlib import Path

from . import floor
from .backends import Database
from .generate import Dataset
from .measure import CommandFailed, Measurement, run_measured
from .pages import find_plan
from .report import progress
from .results import FIRST, FORCED, PLAIN, RAW, BenchResult, ChangelistRun, LoadRun, PageRun
from .serving import fetch, gunicorn, load, wrk_path

# What production runs with: DEBUG off (DEBUG on keeps every query in memory).
CHILD_SETTINGS = {"SECRET_KEY": "bench", "DEBUG": ""}
# The pages: production's settings (DEBUG off) with the bench URLconf, over plain HTTP, with
# the readers' page cache off (the targets are the pages' own). The exact counts stay cached,
# as in production (local memory per worker: no Redis in the bench).
SERVING_SETTINGS = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "STATIC_MANIFEST": "0",
    "READER_PAGE_CACHE": "0",
    "LOG_LEVEL": "WARNING",
}


class CheckFailed(RuntimeError):
    """A command ran but the database does not hold what the files say: the timing is void."""


class Runner:
    def __init__(
        self, database: Database, dataset: Dataset, args: argparse.Namespace, logs: Path, root: Path
    ) -> None:
        self.database, self.dataset, self.args, self.logs, self.root = (
            database, dataset, args, logs, root,
        )  # fmt: skip
        self.backend = database.backend
        self.env = child_env(database.env)
        self.manage = [sys.executable, str(root / "manage.py")]
        self.folders = [os.path.relpath(path, root) for path in dataset.tag_folders()]

    def run(
        self, result: BenchResult, fresh_database: Callable[[str], AbstractContextManager]
    ) -> None:
        """fresh_database(role): a new empty database of this backend, dropped on exit."""
        items = self.dataset.params.items
        self._migrate(self.env, "import")
        before = self.database.tables()
        importing = [*self.manage, "import_digests", *self.folders, "-v0"]
        first = self._timed("first import", importing, {**self.env, "DUPLICATE_DETECTION": "1"})
        self._check_counts(self.database, "the first import")
        result.loads.append(LoadRun(FIRST, first.seconds, items, first.peak_mb))
        filled = [name for name, rows in self.database.tables().items() if rows > before[name] == 0]
        plain = self._plain_import(importing, partial(fresh_database, "plain"))
        result.loads.append(LoadRun(PLAIN, plain.seconds, items, plain.peak_mb))
        raw, split = self._floor(filled, partial(fresh_database, "floor"))
        result.loads.insert(0, LoadRun(RAW, raw.seconds, items, raw.peak_mb))
        result.notes.append(
            f"raw bulk load: parse {split['parse_s']:.1f} s + load {split['load_s']:.1f} s of "
            f"the rows the first import wrote into {', '.join(filled)}"
        )
        forced = self._timed("forced re-import", [*importing, "--force"], self.env)
        self._check_counts(self.database, "the forced re-import")
        result.loads.append(LoadRun(FORCED, forced.seconds, items, forced.peak_mb))
        result.analyzed = self.database.analyzed(filled)
        if not self.args.no_pages:
            self._pages(result)

    def _migrate(self, env: Mapping[str, str], name: str) -> None:
        progress(f"{self.backend}: migrate {name} database")
        migrate = [*self.manage, "migrate", "--noinput", "-v0"]
        run_measured(
            migrate, env=env, cwd=self.root, log=self.logs / f"{self.backend}-{name}-migrate.log"
        )

    def _timed(self, step: str, argv: list[str], env: Mapping[str, str]) -> Measurement:
        progress(f"{self.backend}: {step}…")
        log = self.logs / f"{self.backend}-{step.replace(' ', '-')}.log"
        measured = run_measured(argv, env=env, cwd=self.root, log=log)
        progress(
            f"{self.backend}: {step}: {measured.seconds:.1f} s, peak {measured.peak_mb:.0f} MB"
        )
        return measured

    def _plain_import(self, importing: list[str], plain_database) -> Measurement:
        """The first import again, into an empty database, without duplicate detection:
        detection's cost is the first import's time over this one's."""
        with plain_database() as target:
            env = {**child_env(target.env), "DUPLICATE_DETECTION": "0"}
            self._migrate(env, "plain")
            measured = self._timed("import without duplicate detection", importing, env)
            self._check_counts(target, "the import without duplicate detection")
        return measured

    def _floor(self, tables: list[str], floor_database) -> tuple[Measurement, dict]:
        dump = self.logs / f"{self.backend}-dump"
        progress(f"{self.backend}: dumping {', '.join(tables)} (untimed)")
        rows = floor.dump(self.database.connect(), self.backend, tables, dump)
        try:
            with floor_database() as target:
                env = child_env(target.env)
                self._migrate(env, "floor")
                argv = [sys.executable, "-m", "bench.floor", str(dump), *self.folders]
                measured = self._timed("raw bulk load", argv, env)
                found = target.tables()
                wrong = {
                    name: (want, found[name]) for name, want in rows.items() if found[name] != want
                }
                if wrong:
                    raise CheckFailed(f"{self.backend}: raw load: (expected, found) rows {wrong}")
        finally:
            shutil.rmtree(dump, ignore_errors=True)
        log = self.logs / f"{self.backend}-raw-bulk-load.log"
        split = json.loads(log.read_text().strip().splitlines()[-1])
        if split["items_parsed"] != self.dataset.params.entries:
            raise CheckFailed(f"raw load parsed {split['items_parsed']:,} entries, expected more")
        return measured, split

    def _pages(self, result: BenchResult) -> None:
        wrk_path()  # fail before starting a server
        env = {**self.env, **SERVING_SETTINGS}
        env.pop("REDIS_URL", None)
        largest, smallest = self.dataset.largest_tag[0], self.dataset.smallest_tag[0]
        plan = find_plan(self.database.connect(), self.backend, largest, smallest)
        log = self.logs / f"{self.backend}-gunicorn.log"
        with gunicorn(env, workers=self.args.workers, log=log) as base:
            size = fetch(base + plan.pages(0)[2].path)
            self._load(base, plan.pages(size), result)
        # The page cache on: a cached tag page against the constant page of the same server.
        cached_env = {**env, "READER_PAGE_CACHE": "1"}
        with gunicorn(cached_env, workers=self.args.workers, log=log) as base:
            self._load(base, plan.cached_pages(size), result)
        progress(f"{self.backend}: admin changelists")
        for run in self._inside(env, "changelists", plan.largest_slug):
            result.changelists.append(ChangelistRun(**run))
        if self.args.profile:
            folder = self.root / "bench" / "data" / f"profile-{self.backend}-{result.items}"
            progress(f"{self.backend}: profiling into {folder}")
            pages = [f"{page.key}={page.path}" for page in plan.pages(size)]
            profiled = self._inside(env, "profile", str(folder), *pages)
            (folder / "queries.json").write_text(json.dumps(profiled, indent=1) + "\n")
            slowest = sorted(profiled, key=lambda key: -profiled[key].get("sql_ms", 0))[:3]
            result.notes.append(
                f"profiles: {os.path.relpath(folder, self.root)}/ (<page>.pyinstrument.txt, "
                f"<page>.explain.txt; most SQL time: {', '.join(slowest)})"
            )

    def _load(self, base: str, pages, result: BenchResult) -> None:
        for page in pages:
            progress(f"{self.backend}: loading {page.label}: {page.path}")
            figures = load(
                base + page.path,
                seconds=self.args.seconds,
                warmup=self.args.warmup,
                connections=self.args.connections,
            )
            result.pages.append(PageRun(page.key, page.label, page.path, **vars(figures)))

    def _inside(self, env: Mapping[str, str], *argv: str):
        command = [sys.executable, "-m", "bench.inside", *argv]
        log = self.logs / f"{self.backend}-{argv[0]}.log"
        with log.open("wb") as errors:
            done = subprocess.run(
                command,
                cwd=self.root,
                env=dict(env),
                stdout=subprocess.PIPE,
                stderr=errors,
                check=False,
            )
        if done.returncode != 0:
            raise CommandFailed(f"{' '.join(command[:4])} exited with {done.returncode}; see {log}")
        return json.loads(done.stdout.decode().strip().splitlines()[-1])

    def _check_counts(self, database: Database, after: str) -> None:
        params = self.dataset.params
        expected = {"items": params.items, "tag links": params.entries}
        found = database.counts()
        wrong = [
            f"{want:,} {label}, found {found[label]:,}"
            for label, want in expected.items()
            if found[label] != want
        ]
        if wrong:
            raise CheckFailed(f"{database.backend}: after {after}, expected " + "; ".join(wrong))


def child_env(database_env: Mapping[str, str | None]) -> dict[str, str]:
    env = {**os.environ, **CHILD_SETTINGS}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    for name, value in database_env.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env
