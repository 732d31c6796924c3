"""Run a command and take its wall time and peak memory.

The peak is the command's own ``ru_maxrss``, read by ``bench/peak.py``, a small wrapper
process: ``getrusage(RUSAGE_CHILDREN)`` would give the largest peak of all the children so far,
and even ``os.wait4`` on a child started from here would not do, because Linux carries the
benchmark's own peak (the generated data set) over into the child through fork and exec.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

PEAK_WRAPPER = Path(__file__).resolve().with_name("peak.py")
_LOG_TAIL_LINES = 20


class CommandFailed(RuntimeError):
    """A measured or set-up command that did not exit with 0: the figures would be meaningless."""


@dataclass(frozen=True)
class Measurement:
    seconds: float
    peak_kib: int

    @property
    def peak_mb(self) -> float:
        return self.peak_kib * 1024 / 1_000_000


def run_measured(
    argv: Sequence[str], *, env: Mapping[str, str], cwd: Path, log: Path
) -> Measurement:
    """Run argv to completion, its output to log; raise CommandFailed on a non-zero exit.

    Output goes to a file, not a pipe: nobody reads a pipe while the command runs, and a
    chatty one (a warning per file) would fill it and block forever.
    """
    result = log.with_suffix(".json")
    result.unlink(missing_ok=True)
    # -I -S: the wrapper needs the standard library only; no site-packages keeps it small.
    wrapper = [sys.executable, "-I", "-S", str(PEAK_WRAPPER), str(result), *argv]
    with log.open("wb") as output:
        completed = subprocess.run(
            wrapper,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=output,
            check=False,
        )
    if completed.returncode != 0 or not result.is_file():
        raise CommandFailed(_failure(argv, f"its wrapper exited with {completed.returncode}", log))
    measured = json.loads(result.read_text())
    if measured["exit"] != 0:
        raise CommandFailed(_failure(argv, f"exited with {measured['exit']}", log))
    return Measurement(seconds=measured["seconds"], peak_kib=measured["peak_kib"])


def _failure(argv: Sequence[str], what: str, log: Path) -> str:
    shown = [*argv[:4], "…"] if len(argv) > 6 else list(argv)
    tail = log.read_text(errors="replace").splitlines()[-_LOG_TAIL_LINES:]
    details = "\n".join(f"    {line}" for line in tail) or "    (no output)"
    return f"{' '.join(shown)} {what}; last lines of {log}:\n{details}"
