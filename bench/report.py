"""What the benchmark prints as it goes: progress on stderr, the report on stdout."""

from __future__ import annotations

import sys


def write(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def progress(text: str) -> None:
    """Progress goes to stderr, so that stdout is the report alone."""
    sys.stderr.write(f"bench: {text}\n")
    sys.stderr.flush()
