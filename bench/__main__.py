"""python -m bench: time ``manage.py import_digests`` on synthetic digests (see bench/__init__.py).

Each measured import runs as its own ``manage.py`` process, exactly as staff run it, so the
figures include Django's start-up and nothing of this script's own memory.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from .backends import BackendError, Database, postgres_database, sqlite_database
from .generate import Dataset, GenerationError, Params, ensure_dataset
from .measure import CommandFailed, Measurement, run_measured
from .report import BackendResult, backend_table, header, progress, write

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
LOGS = DATA / "logs"
BACKENDS = ("sqlite", "postgres")

# What production runs with: DEBUG off (DEBUG on keeps every query in memory, which would
# inflate the peak), and a fixed key, as settings refuse to start without one.
CHILD_SETTINGS = {"SECRET_KEY": "bench", "DEBUG": ""}


class CheckFailed(RuntimeError):
    """The import ran but the database does not hold what the files say: the timing is void."""


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    params = Params(
        items=args.items,
        per_file=args.per_file,
        tags=args.tags,
        shared=args.shared,
        seed=args.seed,
    )
    backends = args.backends or _default_backends()
    # `kill` or a CI timeout must still drop the benchmark databases, as Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if "postgres" in backends and not os.environ.get("DATABASE_URL"):
            raise BackendError("postgres: expected DATABASE_URL to name the server, found it unset")
        progress(f"data set: {params.items:,} items over {params.tags:,} tags")
        dataset = ensure_dataset(params, DATA)
        write(header(dataset, _command(args), ROOT))
        # A folder of logs per run, so that two runs at once do not write into each other's.
        LOGS.mkdir(parents=True, exist_ok=True)
        logs = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%d-%H%M%S-"), dir=LOGS))
        for backend in backends:
            result = _bench_backend(backend, dataset, logs)
            write()
            write(backend_table(result, params.items))
    except (BackendError, CheckFailed, CommandFailed, GenerationError, OSError) as exc:
        progress(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        progress("interrupted; the benchmark databases were removed")
        return 130
    # Kept after a failure only, where the error message points into them.
    shutil.rmtree(logs, ignore_errors=True)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=(
            "Time manage.py import_digests on synthetic digests: a first import into an empty "
            "database, a forced re-import and a re-import that skips every file."
        ),
    )
    parser.add_argument("--items", type=int, default=100_000, help="distinct items (100000)")
    parser.add_argument("--per-file", type=int, default=10, help="items a digest file (10)")
    parser.add_argument("--tags", type=int, default=1000, help="tags, one folder each (1000)")
    parser.add_argument(
        "--shared",
        type=float,
        default=0.1,
        help="share of the items also listed under a second tag (0.1)",
    )
    parser.add_argument(
        "--backends",
        type=_backend_list,
        help="comma-separated: sqlite, postgres (default: sqlite, and postgres when "
        "DATABASE_URL is set; postgres uses a newsroom_bench database on that server)",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed of the data (1)")
    return parser.parse_args(argv)


def _backend_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in BACKENDS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"expected some of {', '.join(BACKENDS)}, found {text!r}")
    return list(dict.fromkeys(names))


def _default_backends() -> list[str]:
    return ["sqlite", "postgres"] if os.environ.get("DATABASE_URL") else ["sqlite"]


def _command(args: argparse.Namespace) -> str:
    """The command line that reproduces this run, defaults spelled out."""
    options = [
        f"--items {args.items}",
        f"--per-file {args.per_file}",
        f"--tags {args.tags}",
        f"--shared {args.shared}",
        f"--backends {','.join(args.backends or _default_backends())}",
        f"--seed {args.seed}",
    ]
    return "python -m bench " + " ".join(options)


@contextmanager
def _database(backend: str) -> Iterator[Database]:
    if backend == "sqlite":
        with sqlite_database() as database:
            yield database
    else:
        with postgres_database(os.environ["DATABASE_URL"]) as database:
            yield database


def _bench_backend(backend: str, dataset: Dataset, logs: Path) -> BackendResult:
    folders = [os.path.relpath(folder, ROOT) for folder in dataset.tag_folders()]
    if len(folders) != dataset.params.tags:
        raise CheckFailed(
            f"{dataset.root}: expected {dataset.params.tags} tag folders, found {len(folders)}; "
            "delete the folder to have it generated again"
        )
    manage = [sys.executable, str(ROOT / "manage.py")]
    # Folders, not files: the command sorts each folder's pages itself, as it does for staff.
    importing = [*manage, "import_digests", *folders, "-v0"]
    with _database(backend) as database:
        env = _child_env(database.env)

        def timed(step: str, argv: list[str]) -> Measurement:
            progress(f"{backend}: {step}…")
            log = logs / f"{backend}-{step.replace(' ', '-')}.log"
            measurement = run_measured(argv, env=env, cwd=ROOT, log=log)
            progress(
                f"{backend}: {step}: {measurement.seconds:.2f} s, peak {measurement.peak_mb:.0f} MB"
            )
            return measurement

        progress(f"{backend}: migrate ({database.version})")
        migrate = [*manage, "migrate", "--noinput", "-v0"]
        run_measured(migrate, env=env, cwd=ROOT, log=logs / f"{backend}-migrate.log")
        first = timed("first import", importing)
        _check_counts(database, dataset, "the first import")
        forced = timed("forced re-import", [*importing, "--force"])
        _check_counts(database, dataset, "the forced re-import")
        skip = timed("skip re-import", importing)
        _check_runs(database, dataset)
        return BackendResult(backend, database.version, first=first, forced=forced, skip=skip)


def _child_env(database_env: Mapping[str, str | None]) -> dict[str, str]:
    env = {**os.environ, **CHILD_SETTINGS}
    for name, value in database_env.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _check_counts(database: Database, dataset: Dataset, after: str) -> None:
    """Every file imported once: an import that drops or duplicates rows has no valid time."""
    params = dataset.params
    expected = {
        "items": params.items,
        "tag links": params.entries,
        "digests": dataset.files,
        "digest entries": params.entries,
    }
    found = database.counts()
    wrong = [
        f"{want:,} {label}, found {found[label]:,}"
        for label, want in expected.items()
        if found[label] != want
    ]
    if wrong:
        raise CheckFailed(f"{database.backend}: after {after}, expected " + "; ".join(wrong))


def _check_runs(database: Database, dataset: Dataset) -> None:
    """The import log must show that each run did the work its time is reported for."""
    files = dataset.files
    runs = database.import_runs()
    expected = [
        ("the first import", {"forced": 0, "files": files, "files_imported": files}),
        ("the forced re-import", {"forced": 1, "files": files, "files_skipped": 0}),
        ("the skip re-import", {"forced": 0, "files": files, "files_skipped": files}),
    ]
    if len(runs) != len(expected):
        raise CheckFailed(
            f"{database.backend}: expected {len(expected)} import runs, found {len(runs)}"
        )
    for (label, wanted), run in zip(expected, runs, strict=True):
        found = {key: run[key] for key in wanted}
        if found != wanted:
            raise CheckFailed(f"{database.backend}: {label}: expected {wanted}, found {found}")


if __name__ == "__main__":
    sys.exit(main())
