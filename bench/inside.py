"""The benchmark's parts that run inside Django, each as a child process of the benchmark.

    python -m bench.inside changelists TAG_SLUG        JSON: the admin changelists' timings
    python -m bench.inside profile FOLDER KEY=PATH...  pyinstrument and EXPLAIN per page
    python -m bench.inside cpu PATH...                 JSON: CPU ms a request, per page

Both use Django's test client in process (no server), against the database the child's
environment names, with the benchmark's settings (bench.settings).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import warnings
from collections.abc import Sequence
from pathlib import Path

REPEAT = 3
CHANGELISTS = [
    ("items, first page", "/admin/articles/item/"),
    ("items, page 100", "/admin/articles/item/?p=100"),
    ("items, sorted by title", "/admin/articles/item/?o=1"),
    ("items, drafts", "/admin/articles/item/?status__exact=draft"),
    ("items, largest tag", "/admin/articles/item/?tag={tag}"),
    ("items, this year", "/admin/articles/item/?published_at__year={year}"),
    ("items, search", "/admin/articles/item/?q=bank"),
    ("tags, first page", "/admin/articles/tag/"),
    ("tags, sorted by items", "/admin/articles/tag/?o=-2"),
    ("tags, search", "/admin/articles/tag/?q=energy"),
    # The dashboard (the admin's index) and the lists its panels link to.
    ("dashboard", "/admin/"),
    ("items, open conflicts", "/admin/articles/item/?conflict=open"),
    ("items, next 48 hours", "/admin/articles/item/?visible=soon"),
    ("tags, changed lately", "/admin/articles/tag/?changed=recent"),
]


def main(argv: Sequence[str]) -> int:
    warnings.filterwarnings("ignore", "No directory at")  # no collectstatic for the bench
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    command, *rest = argv
    if command == "changelists":
        figures = changelists(rest[0])
    elif command == "cpu":
        figures = cpu(rest)
    else:
        figures = profile(Path(rest[0]), dict(pair.split("=", 1) for pair in rest[1:]))
    sys.stdout.write(json.dumps(figures) + "\n")
    return 0


def changelists(tag_slug: str) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    user_model = get_user_model()
    user = user_model.objects.filter(username="bench").first()
    user = user or user_model.objects.create_superuser("bench", password=None)
    client = Client()
    client.force_login(user)
    year = timezone.now().year
    figures = []
    for label, template in CHANGELISTS:
        path = template.format(tag=tag_slug, year=year)
        client.get(path)  # the first request of a page warms the caches of the process
        timings = []
        for _ in range(REPEAT):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{path}: expected 200, found {response.status_code}")
        median = statistics.median(timings)
        figures.append(
            {"label": label, "path": path, "median_ms": median, "queries": len(captured)}
        )
    return figures


def cpu(paths: Sequence[str], rounds: int = 5, requests: int = 100) -> dict[str, float]:
    """The process's CPU time a request of each page, the least of ``rounds`` rounds of
    ``requests``, the pages interleaved: on a machine shared with other work, wall-clock
    rates move with the load, the CPU a request much less (run it for two commits, and
    compare each page with the floors of the same run)."""
    from django.test import Client

    client = Client()
    for path in paths:
        for _ in range(10):  # warm: caches, connections, the first compilation
            if client.get(path).status_code != 200:
                raise SystemExit(f"{path}: expected 200")
    least = {path: float("inf") for path in paths}
    for _ in range(rounds):
        for path in paths:
            started = time.process_time()
            for _ in range(requests):
                client.get(path)
            spent = (time.process_time() - started) * 1000 / requests
            least[path] = min(least[path], spent)
    return least


def profile(folder: Path, pages: dict[str, str]) -> dict[str, dict]:
    """Per page: a pyinstrument profile of one request, and the plan of its slowest query."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    folder.mkdir(parents=True, exist_ok=True)
    client = Client()
    found = {}
    for key, path in pages.items():
        client.get(path)  # warm
        profiler = Profiler(interval=0.0005)
        with profiler:
            client.get(path)
        (folder / f"{key}.pyinstrument.txt").write_text(
            profiler.output_text(unicode=True, color=False, show_all=False)
        )
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        queries = sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)
        entry = {"queries": len(queries), "sql_ms": sum(float(q["time"]) for q in queries) * 1000}
        if queries:
            slowest = queries[0]["sql"]
            entry["slowest_ms"] = float(queries[0]["time"]) * 1000
            plan = explain(connection, slowest)
            (folder / f"{key}.explain.txt").write_text(f"{slowest}\n\n{plan}\n")
        found[key] = entry
    return found


def explain(connection, query: str) -> str:
    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS) "
        if connection.vendor == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(prefix + query)
            return "\n".join(" ".join(str(part) for part in row) for row in cursor.fetchall())
    except Exception as exc:  # noqa: BLE001 - a plan we cannot get is noted, not fatal
        return f"(no plan: {exc})"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
