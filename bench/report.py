"""What the benchmark prints: the machine, the data, and one table per backend.

Markdown, so that a run's output can go into the README as it is; figures without the machine
they were taken on are not worth pasting, hence the header.
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import django

from .generate import Dataset
from .measure import Measurement

# The targets the import must meet (the performance issue's acceptance criteria).
FIRST_IMPORT_MAX_SECONDS = 60
FORCED_MIN_SPEEDUP = 4
PEAK_MAX_MB = 300


@dataclass(frozen=True)
class BackendResult:
    backend: str
    version: str
    first: Measurement
    forced: Measurement
    skip: Measurement

    @property
    def speedup(self) -> float:
        return self.first.seconds / self.forced.seconds

    @property
    def peak_mb(self) -> float:
        return max(run.peak_mb for run in (self.first, self.forced, self.skip))


def write(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def progress(text: str) -> None:
    """Progress goes to stderr, so that stdout is the report alone."""
    sys.stderr.write(f"bench: {text}\n")
    sys.stderr.flush()


def header(dataset: Dataset, command: str, root: Path) -> str:
    params = dataset.params
    cpu, cores = _cpu()
    origin = "reused" if dataset.reused else f"generated in {dataset.seconds:.1f} s"
    lines = [
        f"## Import benchmark, {_now()}",
        "",
        f"- command: `{command}`",
        f"- host: {platform.node()} ({platform.platform(terse=True)}), {_memory()}",
        # Other processes on the machine skew the figures; the load says how busy it was.
        f"- CPU: {cpu}, {cores}, load average {os.getloadavg()[0]:.2f} at start",
        f"- Python {platform.python_version()}, Django {django.get_version()}" + _commit(root),
        f"- data: {params.items:,} distinct items, {params.entries:,} digest entries "
        f"({params.shared_items:,} items listed under two tags), {dataset.files:,} files of up "
        f"to {params.per_file} items, {params.tags:,} tags, {dataset.size / 1e6:.1f} MB, "
        f"seed {params.seed}",
        f"- data folder: `{_relative(dataset.root, root)}` ({origin})",
    ]
    return "\n".join(lines)


def backend_table(result: BackendResult, items: int) -> str:
    """One backend's runs. items/s counts distinct items; MB are 10^6 bytes of peak RSS."""
    rows = [
        ("first import", result.first, f"{items / result.first.seconds:,.0f}", ""),
        (
            "forced re-import (--force)",
            result.forced,
            f"{items / result.forced.seconds:,.0f}",
            f"{result.speedup:.1f}×",
        ),
        ("re-import, all skipped", result.skip, "", ""),
    ]
    lines = [
        f"### {result.backend} ({result.version})",
        "",
        "| run | seconds | items/s | peak RSS MB | speed-up vs first |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {label} | {run.seconds:.2f} | {rate} | {run.peak_mb:.0f} | {speedup} |"
        for label, run, rate, speedup in rows
    ]
    lines += ["", *targets(result)]
    return "\n".join(lines)


def targets(result: BackendResult) -> list[str]:
    checks = [
        (
            f"first import < {FIRST_IMPORT_MAX_SECONDS} s",
            result.first.seconds < FIRST_IMPORT_MAX_SECONDS,
            f"{result.first.seconds:.1f} s",
        ),
        (
            f"forced re-import ≥ {FORCED_MIN_SPEEDUP}× faster than first",
            result.speedup >= FORCED_MIN_SPEEDUP,
            f"{result.speedup:.1f}×",
        ),
        (
            f"peak RSS < {PEAK_MAX_MB} MB",
            result.peak_mb < PEAK_MAX_MB,
            f"{result.peak_mb:.0f} MB",
        ),
    ]
    return [
        f"- {'PASS' if passed else 'MISS'}: {label} ({found})" for label, passed, found in checks
    ]


def _now() -> str:
    return datetime.datetime.now().astimezone().isoformat(sep=" ", timespec="seconds")


def _cpu() -> tuple[str, str]:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                key, _, value = line.partition(":")
                if key.strip() == "model name":
                    model = value.strip()
                    break
    except OSError:
        pass
    total = os.cpu_count() or 0
    # A container may be allowed fewer cores than the machine has; both matter for reading.
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else total
    cores = f"{total} cores" if usable == total else f"{usable} of {total} cores usable"
    return model, cores


def _memory() -> str:
    try:
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 1024**2:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return "RAM unknown"


def _commit(root: Path) -> str:
    """The code measured: the commit, and whether tracked files differ from it.

    Read-only git (--no-optional-locks: not even the index is refreshed), and nothing at all
    when there is no git or no commit.
    """
    head = _git(root, "rev-parse", "--short", "HEAD")
    if head is None:
        return ""
    changes = _git(root, "status", "--porcelain", "--untracked-files=no")
    return f", commit {head}" + (" with uncommitted changes" if changes else "")


def _git(root: Path, *arguments: str) -> str | None:
    try:
        found = subprocess.run(
            ["git", "--no-optional-locks", *arguments],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    return found.stdout.strip() if found.returncode == 0 else None


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
