"""python -m bench: the whole benchmark, one table per backend (see bench/__init__.py).

Each measured step runs as a process of its own (manage.py, the floor loader, gunicorn, wrk),
so that the figures include nothing of this script's memory or of its interpreter.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from .backends import BackendError, Database, postgres_database, sqlite_database
from .generate import Dataset, GenerationError, Params, ensure_dataset
from .measure import CommandFailed
from .report import progress, write
from .results import BenchResult, evaluate, markdown, read_json, write_json
from .serving import ServingError
from .steps import CheckFailed, Runner

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
BACKENDS = ("sqlite", "postgres")
OTHER_SIZE = {100_000: 1_000_000, 1_000_000: 100_000}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    params = Params(args.items, args.per_file, args.tags, args.shared, args.seed)
    backends = args.backends or _default_backends()
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` must still drop the databases
    try:
        if "postgres" in backends and not os.environ.get("DATABASE_URL"):
            raise BackendError("postgres: expected DATABASE_URL to name the server, found it unset")
        progress(f"data set: {params.items:,} items over {params.tags:,} tags")
        dataset = ensure_dataset(params, DATA)
        logs = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%d-%H%M%S-"), dir=_logs()))
        for backend in backends:
            with _database(backend, params.items, "import") as database:
                runner = Runner(database, dataset, args, logs, ROOT)
                result = BenchResult(
                    backend, database.version, params.items, _context(args, dataset)
                )
                try:
                    runner.run(result, partial(_database, backend, params.items))
                except Exception as exc:  # noqa: BLE001 - reported with what was measured
                    result.notes.append(f"stopped early: {exc}")
                    stopped = exc
                else:
                    stopped = None
            output = DATA / f"results-{backend}-{params.items}.json"
            other = OTHER_SIZE.get(params.items)
            result.rows = evaluate(
                result, other and read_json(DATA / f"results-{backend}-{other}.json")
            )
            write_json(result, output)
            write()
            write(markdown(result))
            write(f"\nJSON: {os.path.relpath(output, Path.cwd())}")
            if stopped is not None:
                raise stopped
    except (
        BackendError,
        CheckFailed,
        CommandFailed,
        GenerationError,
        LookupError,
        OSError,
        ServingError,
    ) as exc:
        progress(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        progress("interrupted; the benchmark databases were removed")
        return 130
    shutil.rmtree(logs, ignore_errors=True)  # kept after a failure, where errors point into it
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Import and reader pages, each figure beside its floor, per backend.",
    )
    parser.add_argument("--items", type=int, default=100_000, help="distinct items (100000)")
    parser.add_argument("--per-file", type=int, default=10, help="items a digest file (10)")
    parser.add_argument("--tags", type=int, default=1000, help="tags, one folder each (1000)")
    parser.add_argument("--shared", type=float, default=0.1, help="share in two tags (0.1)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the data (1)")
    parser.add_argument(
        "--backends",
        type=_backend_list,
        help="comma-separated: sqlite, postgres (default: sqlite, and postgres when "
        "DATABASE_URL is set; postgres uses bench_wt_* databases on that server)",
    )
    parser.add_argument("--seconds", type=float, default=8, help="measured load a page (8)")
    parser.add_argument("--warmup", type=float, default=2, help="warm-up a page, dropped (2)")
    parser.add_argument("--connections", type=int, default=2, help="wrk connections (2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    parser.add_argument("--no-pages", action="store_true", help="loading only")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="pyinstrument of one request a page and EXPLAIN of its slowest query, next to "
        "the JSON (bench/data/profile-<backend>-<items>/)",
    )
    return parser.parse_args(argv)


def _backend_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names or any(name not in BACKENDS for name in names):
        raise argparse.ArgumentTypeError(f"expected some of {', '.join(BACKENDS)}, found {text!r}")
    return list(dict.fromkeys(names))


def _default_backends() -> list[str]:
    return ["sqlite", "postgres"] if os.environ.get("DATABASE_URL") else ["sqlite"]


def _logs() -> Path:
    folder = DATA / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def _database(backend: str, items: int, role: str) -> Iterator[Database]:
    if backend == "sqlite":
        with sqlite_database() as database:
            yield database
    else:
        with postgres_database(os.environ["DATABASE_URL"], f"{role}_{items}") as database:
            yield database


def _context(args: argparse.Namespace, dataset: Dataset) -> dict[str, str]:
    params = dataset.params
    largest, smallest = dataset.largest_tag, dataset.smallest_tag
    large = sorted(dataset.tag_sizes.values(), reverse=True)[: params.large_tags]
    git = subprocess.run(
        ["git", "--no-optional-locks", "rev-parse", "--short", "HEAD"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return {
        "date": datetime.datetime.now().astimezone().isoformat(sep=" ", timespec="seconds"),
        "machine": f"{_cpu()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f} at start",
        "software": f"Python {platform.python_version()}, commit {git.stdout.strip() or '?'}",
        "command": "python -m bench " + " ".join(sys.argv[1:]),
        "data": (
            f"{params.items:,} items, {params.entries:,} entries ({params.shared_items:,} items "
            f"in two tags), {dataset.files:,} files, {params.tags:,} tags; the {params.large_tags} "
            f"large tags hold {', '.join(f'{size:,}' for size in large)} entries "
            f"({params.large_share:.1%} of the items each); largest {largest[0]!r} "
            f"({largest[1]:,}), smallest {smallest[0]!r} ({smallest[1]:,})"
        ),
        "serving": (
            f"gunicorn newsroom.wsgi, {args.workers} sync workers, DEBUG off, READER_PAGE_CACHE=0 "
            f"(then 1 for the cached tag page; counts cached exactly), bench.settings "
            f"(bench URLconf); wrk {args.connections} "
            f"connections, {args.warmup:g} s warm-up then {args.seconds:g} s a page"
        ),
    }


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.machine()


if __name__ == "__main__":
    sys.exit(main())
