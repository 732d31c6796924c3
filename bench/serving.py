"""Serve the site with gunicorn and load it with wrk, from processes of their own.

gunicorn runs ``newsroom.wsgi`` as production does (sync workers, DEBUG off), with the
benchmark's settings module (``bench.settings``: production's settings, the bench URLconf).
wrk (Debian's package; ``make bench`` installs it) keeps ``connections`` requests in flight
for a warm-up, whose figures are dropped, then for the measured ``seconds``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
MIN_REQUESTS = 30
MAX_SECONDS = 60


class ServingError(RuntimeError):
    """gunicorn would not start, a page did not answer 200, or wrk is missing or failed."""


@dataclass(frozen=True)
class Load:
    """What wrk measured on one URL, and the size of the page."""

    size: int
    seconds: float  # measured, after the warm-up
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx/3xx answers, timeouts and socket errors


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise ServingError(
            "wrk is missing: `make bench` installs it as root; otherwise run "
            "sudo apt-get update && sudo apt-get install -y wrk"
        )
    return found


@contextmanager
def gunicorn(env: Mapping[str, str], *, workers: int, log: Path) -> Iterator[str]:
    """A gunicorn on a free local port; yields its base URL and stops it afterwards."""
    port = _free_port()
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "newsroom.wsgi",
        f"--workers={workers}",
        "--worker-class=sync",
        f"--bind=127.0.0.1:{port}",
        "--timeout=120",
    ]
    with log.open("ab") as output:
        # A session of its own: stopping it stops its workers too, even one stuck in a long
        # request, whose database session would otherwise keep the database from being dropped.
        server = subprocess.Popen(
            argv, cwd=ROOT, env=dict(env), stdout=output, stderr=output, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base + "/_bench/constant/100/", server, log)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def fetch(url: str) -> int:
    """GET ``url`` once; returns the body's size, or raises unless the answer is 200."""
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status, body = exc.code, b""
    if status != 200:
        raise ServingError(f"{url}: expected 200, found {status}")
    return len(body)


def load(url: str, *, seconds: float, warmup: float, connections: int) -> Load:
    """One GET (checked, and a first warm-up), wrk's warm-up, then the measured load.

    A slow page gets a longer run, up to ``MAX_SECONDS``, so that its percentiles rest on
    ``MIN_REQUESTS`` requests or so; one whose single request outlasts the warm-up is warm
    after that request.
    """
    wrk = wrk_path()
    started = time.perf_counter()
    size = fetch(url)
    single = time.perf_counter() - started
    common = [wrk, "--threads=1", f"--connections={connections}", "--timeout=60s"]
    if warmup > 0 and single < warmup / 4:
        _run([*common, f"--duration={max(1, round(warmup))}s", url])
    duration = max(1, round(min(MAX_SECONDS, max(seconds, MIN_REQUESTS * single / connections))))
    output = _run([*common, f"--duration={duration}s", "--latency", url])
    return parse_wrk(output, size=size, seconds=duration)


def parse_wrk(output: str, *, size: int = 0, seconds: float = 0) -> Load:
    """Figures out of wrk's report (``--latency``: the percentiles 50 to 99)."""

    def latency(percent: str) -> float:
        match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
        if match is None:
            raise ServingError(f"wrk: expected a {percent}% latency, found:\n{output}")
        return float(match[1]) * _UNITS[match[2]]

    total = re.search(r"^\s*(\d+) requests in", output, re.MULTILINE)
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if total is None or rate is None:
        raise ServingError(f"wrk: expected the request count and rate, found:\n{output}")
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    failed = int(errors[1]) if errors else 0
    if sockets:
        # Sync workers close each connection after the answer; wrk counts that as a read error.
        failed += int(sockets[1]) + int(sockets[3]) + int(sockets[4])
    return Load(
        size=size,
        seconds=seconds,
        requests=int(total[1]),
        requests_per_second=float(rate[1]),
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        errors=failed,
    )


def _run(argv: list[str]) -> str:
    completed = subprocess.run(argv, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise ServingError(
            f"{' '.join(argv)} exited with {completed.returncode}:\n{completed.stderr}"
        )
    return completed.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_ready(url: str, server: subprocess.Popen, log: Path, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ServingError(f"gunicorn exited with {server.returncode}; see {log}")
        try:
            fetch(url)
            return
        except (OSError, ServingError):
            time.sleep(0.2)
    raise ServingError(f"gunicorn did not answer {url} within {limit:.0f} s; see {log}")
