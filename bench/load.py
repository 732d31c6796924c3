"""`make bench-load`: the reader site under load while an import of 100,000 items runs.

    python -m bench.load [--items 100000] [--seconds 60] [--connections 64] [--workers N]

One backend: PostgreSQL when DATABASE_URL is set (a ``bench_wt_load_*`` database beside it,
as ``make bench`` makes), else SQLite. The steps:

1. A site to read: a fresh database, migrated, with a small archive imported (5,000 items,
   100 tags: ``--warm-items``), whose pages are the ones loaded.
2. gunicorn (``newsroom.wsgi`` with production's settings, sync workers, the page cache on,
   Redis when REDIS_URL is set, else each worker's memory) on 127.0.0.1.
3. At once: ``manage.py import_digests`` of the generated 100,000 items (``make bench``'s data
   set: 1,000 tags, some of them the loaded archive's), and wrk with ``--connections``
   connections for ``--seconds``, each request the next of the pages in turn: tag pages
   (page 1 and a middle page of the largest tag, a small tag), items, searches (a common and a
   rare word), the feeds, home and the tag index. wrk's timeout is 10 s: a slower answer is
   an error.
4. The import must exit 0 with every file imported; the load must have zero socket errors
   and zero answers other than 200. Printed: requests, req/s, p50, p90, p99, errors, and the
   import's time; written to ``bench/data/load-<backend>-<items>.json``.

Exit 1 when the import failed, a page answered other than 200, or a socket failed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from .backends import postgres_database, sqlite_database
from .generate import Params, ensure_dataset
from .pages import COMMON_WORD
from .serving import ServingError, gunicorn, parse_wrk, wrk_path
from .steps import SERVING_SETTINGS, child_env
from .text import RARE_WORD

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"

ACCESS_FORMAT = "%(U)s|%(q)s|%(s)s|%(D)s"

# Each request the next path, in turn; every answer that is not a 200 counted, per thread,
# and summed when wrk is done.
WRK_SCRIPT = """
local paths = {%(paths)s}
local threads = {}
local index = 0
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function request()
  index = index %% #paths + 1
  return wrk.format("GET", paths[index])
end
function response(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("not_ok") end
  io.write(string.format("Not 200: %%d\\n", total))
  io.write(string.format("p90: %%.3f ms\\n", latency:percentile(90) / 1000))
end
"""


def main(argv=None) -> int:
    args = _parse_args(argv)
    backend = "postgres" if os.environ.get("DATABASE_URL") else "sqlite"
    imported = ensure_dataset(Params(args.items, 10, 1000, 0.1, 1), DATA)
    archive = ensure_dataset(Params(args.warm_items, 10, 100, 0.1, 2), DATA)
    logs = DATA / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    database_of = (
        sqlite_database()
        if backend == "sqlite"
        else postgres_database(os.environ["DATABASE_URL"], f"load_{args.items}")
    )
    with database_of as database:
        env = child_env(database.env)
        manage = [sys.executable, str(ROOT / "manage.py")]
        _run([*manage, "migrate", "--noinput", "-v0"], env, logs / "load-migrate.log")
        folders = [str(path) for path in archive.tag_folders()]
        _run([*manage, "import_digests", *folders], env, logs / "load-archive.log")
        paths = _paths(database, archive)

        access_log = logs / "load-access.log"
        access_log.unlink(missing_ok=True)
        serving = {**env, **SERVING_SETTINGS, "READER_PAGE_CACHE": "1"}
        # Each answer's path, status and time (µs): the figures a page (by_page).
        serving["GUNICORN_CMD_ARGS"] = (
            f"--access-logfile={access_log} --access-logformat='{ACCESS_FORMAT}'"
        )
        if os.environ.get("REDIS_URL"):
            _flush_redis(os.environ["REDIS_URL"])
        script = DATA / "load.lua"
        script.write_text(wrk_script(paths))
        with gunicorn(serving, workers=args.workers, log=logs / "load-gunicorn.log") as base:
            import_log = logs / "load-import.log"
            started = time.perf_counter()
            # --no-import: the same load on the archive alone, the baseline.
            what = [*map(str, imported.tag_folders())] if args.imports else ["--help"]
            with import_log.open("wb") as output:
                importer = subprocess.Popen(
                    [*manage, "import_digests", *what],
                    cwd=ROOT,
                    env=env,
                    stdout=output,
                    stderr=output,
                )
            wrk = subprocess.run(
                [
                    wrk_path(),
                    f"--threads={args.threads}",
                    f"--connections={args.connections}",
                    f"--duration={args.seconds}s",
                    "--timeout=10s",
                    "--latency",
                    f"--script={script}",
                    base,
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            loaded = time.perf_counter() - started
            machine_load = os.getloadavg()[0]
            import_code = importer.wait()
            import_seconds = time.perf_counter() - started
        counts = database.counts()
    output = wrk.stdout
    if wrk.returncode != 0:
        sys.stderr.write(wrk.stderr)
        return 1
    figures, not_ok, p90 = read_wrk(output, seconds=args.seconds)
    summary = import_log.read_text(errors="replace").strip().splitlines()[-1:]
    result = {
        "backend": backend,
        "items_imported": args.items if args.imports else 0,
        "archive_items": args.warm_items,
        "workers": args.workers,
        "connections": args.connections,
        "seconds": args.seconds,
        "cache": "redis" if os.environ.get("REDIS_URL") else "per-worker memory",
        "pages": len(paths),
        "requests": figures.requests,
        "requests_per_second": figures.requests_per_second,
        "p50_ms": figures.p50_ms,
        "p90_ms": p90,
        "p99_ms": figures.p99_ms,
        "socket_errors": figures.errors,
        "not_200": not_ok,
        "import_exit": import_code,
        "import_seconds": round(import_seconds, 1),
        "import_overlapped_the_load": import_seconds >= loaded,
        "import_summary": summary[0] if summary else "",
        "pages_served": by_page(access_log.read_text(errors="replace")),
        "items_after": counts["items"],
        # Other work on the machine shows here: the load average at the end of the load.
        "load_average_1min": round(machine_load, 2),
    }
    written = DATA / f"load-{backend}-{result['items_imported']}.json"
    written.write_text(json.dumps(result, indent=2))
    sys.stdout.write(_table(result) + "\n")
    ok = import_code == 0 and not_ok == 0 and figures.errors == 0
    return 0 if ok else 1


def wrk_script(paths):
    """The Lua script that sends the paths in turn and counts the answers other than 200."""
    return WRK_SCRIPT % {"paths": ", ".join(json.dumps(path) for path in paths)}


def read_wrk(output, *, seconds=0):
    """wrk's figures (serving.parse_wrk), the answers other than 200, and the p90 in ms."""
    not_ok = re.search(r"^Not 200: (\d+)", output, re.MULTILINE)
    p90 = re.search(r"^p90: ([\d.]+) ms", output, re.MULTILINE)
    if not_ok is None or p90 is None:
        raise ServingError(f"wrk: expected the load script's lines, found:\n{output}")
    return parse_wrk(output, seconds=seconds), int(not_ok[1]), float(p90[1])


def by_page(access_log):
    """{path: {"requests", "p50_ms", "p99_ms", "not_200"}} from gunicorn's access log."""
    times, not_ok = {}, {}
    for line in access_log.splitlines():
        path, query, status, micros = line.rsplit("|", 3)
        if path.startswith("/_bench/"):  # gunicorn's readiness probe, before the load
            continue
        path = f"{path}?{query}" if query else path
        times.setdefault(path, []).append(int(micros) / 1000)
        not_ok[path] = not_ok.get(path, 0) + (status != "200")
    pages = {}
    for path, found in times.items():
        found.sort()
        pages[path] = {
            "requests": len(found),
            "p50_ms": round(found[len(found) // 2], 1),
            "p99_ms": round(found[min(len(found) - 1, len(found) * 99 // 100)], 1),
            "not_200": not_ok[path],
        }
    return pages


def _paths(database, archive):
    """The loaded pages, read from the archive's database: its largest tag (page 1 and a
    middle page), a small tag, its feed, ten items, two searches, the listings."""
    largest, size = archive.largest_tag
    smallest, _ = archive.smallest_tag
    with closing(database.connect()) as connection:
        cursor = connection.cursor()
        slugs = {}
        for name in (largest, smallest):
            cursor.execute(
                "SELECT slug FROM articles_tag WHERE name = " + _placeholder(database), (name,)
            )
            slugs[name] = cursor.fetchone()[0]
        cursor.execute("SELECT slug FROM articles_item ORDER BY id LIMIT 10")
        items = [row[0] for row in cursor.fetchall()]
    middle = max(1, size // 10 // 2)
    return [
        f"/tags/{slugs[largest]}/",
        f"/tags/{slugs[largest]}/?page={middle}",
        f"/tags/{slugs[smallest]}/",
        f"/tags/{slugs[largest]}/feed/",
        *(f"/items/{slug}/" for slug in items),
        f"/search/?q={COMMON_WORD}",
        f"/search/?q={RARE_WORD}",
        "/feed/",
        "/atom/",
        "/",
        "/tags/",
    ]


def _placeholder(database):
    return "?" if database.backend == "sqlite" else "%s"


def _flush_redis(url):
    """The load's own Redis database starts empty (pick one no one else uses)."""
    import redis

    redis.Redis.from_url(url).flushdb()


def _run(argv, env, log):
    with log.open("wb") as output:
        completed = subprocess.run(argv, cwd=ROOT, env=env, stdout=output, stderr=output)
    if completed.returncode != 0:
        tail = log.read_text(errors="replace").splitlines()[-20:]
        raise SystemExit(
            f"{' '.join(argv[:3])} … exited {completed.returncode}:\n" + "\n".join(tail)
        )


def _table(result):
    rows = [
        ("backend", result["backend"]),
        ("cache", result["cache"]),
        ("load", f"{result['connections']} connections, {result['seconds']} s, "
                 f"{result['workers']} gunicorn workers, {result['pages']} pages in turn"),
        ("requests", f"{result['requests']:,} ({result['requests_per_second']:,.0f} req/s)"),
        ("latency p50 / p90 / p99", f"{result['p50_ms']:.1f} / {result['p90_ms']:.1f} / "
                                    f"{result['p99_ms']:.1f} ms"),
        ("answers other than 200", str(result["not_200"])),
        ("socket errors (connect, write, timeout)", str(result["socket_errors"])),
        ("import meanwhile", f"{result['items_imported']:,} items, exit {result['import_exit']}, "
                             f"{result['import_seconds']} s"),
        ("import summary", result["import_summary"]),
        ("machine's load average (1 min) at the end", str(result["load_average_1min"])),
    ]  # fmt: skip
    lines = ["| measure | figure |", "| --- | --- |"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    lines += ["", "| page (gunicorn's own time) | answers | p50 | p99 | not 200 |"]
    lines += ["| --- | ---: | ---: | ---: | ---: |"]
    for path, page in result["pages_served"].items():
        lines.append(
            f"| `{path}` | {page['requests']:,} | {page['p50_ms']:.1f} ms | "
            f"{page['p99_ms']:.1f} ms | {page['not_200']} |"
        )
    return "\n".join(lines)


def _parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--items", type=int, default=100_000, help="items imported (100000)")
    parser.add_argument("--warm-items", type=int, default=5_000, help="archive loaded (5000)")
    parser.add_argument("--seconds", type=int, default=60, help="load duration (60)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (64)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument(
        "--no-import", dest="imports", action="store_false", help="the load alone (baseline)"
    )
    default_workers = 2 * (os.cpu_count() or 1) + 1
    parser.add_argument("--workers", type=int, default=default_workers, help="gunicorn workers")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
