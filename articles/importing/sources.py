"""Where digests come from: files, folders, standard input, or bytes already in memory."""

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_PAGE_FROM_NAME = re.compile(r"^(\d+)_")


@dataclass(frozen=True)
class DigestSource:
    """A digest to import: a display name and a way to read at most N bytes of it."""

    name: str
    path: Path | None = None
    data: bytes | None = None
    stream: BinaryIO | None = None

    def read(self, limit):
        if self.data is not None:
            return self.data[:limit]
        if self.path is not None:
            with self.path.open("rb") as handle:
                return handle.read(limit)
        return self.stream.read(limit)


def collect_sources(arguments, stdin=None):
    """Files as given, folders as their *.txt sorted by name, "-" as standard input.

    Raises FileNotFoundError naming the first argument that does not exist, before anything
    is imported.
    """
    sources = []
    for argument in arguments:
        if argument == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            sources.append(DigestSource(name="<stdin>", stream=stream))
            continue
        path = Path(argument)
        if path.is_dir():
            sources.extend(
                DigestSource(name=str(child), path=child)
                for child in sorted(path.glob("*.txt"))
                if child.is_file()
            )
        elif path.exists():
            sources.append(DigestSource(name=str(path), path=path))
        else:
            raise FileNotFoundError(argument)
    return sources


def page_from_name(name):
    """ "000_ab12.txt" is page 1 of its tag; a name without the counter is taken as page 1."""
    match = _PAGE_FROM_NAME.match(Path(name).name)
    return int(match.group(1)) + 1 if match else 1
