"""Synthetic digests for the import benchmark.

The files are written with ``articles.digest.render`` so they are canonical digests, the shape
the wire sends, and they carry what makes real digests costly to import: ~60-character titles,
1 to 4 paragraphs of 150 to 400 characters, typographic quotes, NBSPs, accented letters, the
wire's cut-off "\u00a0\u2026" teasers, and stories listed under two tags.

Everything comes from one ``random.Random(seed)`` drawn in a fixed order, so the same parameters
give the same bytes (on a given Python) and the timings of two runs compare like with like.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from articles.digest import Digest, render

from .text import stories, tag_names

# Part of the folder's hash: bump it whenever the output for given parameters changes, so that
# data made by an older generator is not reused as if it were the new one.
GENERATOR_VERSION = 2

MANIFEST = "manifest.json"
TAG_FOLDER_PREFIX = "tag-"
# The long tail's weights fall from 1 to about 1/20 over 1,000 tags: the 1/(1 + rank/TAIL).
_TAIL = 50


class GenerationError(ValueError):
    """Parameters that cannot give the promised data set."""


@dataclass(frozen=True)
class Params:
    """What the data set depends on; ``items`` counts distinct stories."""

    items: int
    per_file: int
    tags: int
    shared: float
    seed: int
    # A few large subjects, each this share of the stories: 2.2% is ≥ 20,000 items at 1M
    # (22,000 expected), and scales with --items (2,200 at 100k).
    large_tags: int = 5
    large_share: float = 0.022

    def check(self) -> None:
        if self.items < 1 or self.per_file < 1 or self.tags < 1:
            raise GenerationError("--items, --per-file and --tags must be at least 1")
        if self.tags > self.items:
            raise GenerationError(f"--tags {self.tags} leaves some tags without any of the items")
        if not 0 <= self.shared <= 1:
            raise GenerationError(f"--shared must be between 0 and 1, found {self.shared}")
        if self.shared_items and self.tags < 2:
            raise GenerationError("--shared needs at least two tags")
        if self.large_tags > self.tags or not 0 <= self.large_tags * self.large_share < 1:
            raise GenerationError("the large tags need fewer than --tags tags and 100% of items")

    @property
    def shared_items(self) -> int:
        """Stories listed under a second tag as well: one item, two digest entries."""
        return round(self.items * self.shared)

    @property
    def entries(self) -> int:
        return self.items + self.shared_items

    def key(self) -> str:
        text = json.dumps({"generator": GENERATOR_VERSION, **asdict(self)}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Dataset:
    """A complete data set on disk, as its manifest describes it."""

    root: Path
    params: Params
    files: int
    size: int
    reused: bool
    seconds: float
    # Entries per tag name, in the order of the tag folders.
    tag_sizes: dict[str, int]

    @property
    def largest_tag(self) -> tuple[str, int]:
        name = max(self.tag_sizes, key=self.tag_sizes.__getitem__)
        return name, self.tag_sizes[name]

    @property
    def smallest_tag(self) -> tuple[str, int]:
        name = min(self.tag_sizes, key=self.tag_sizes.__getitem__)
        return name, self.tag_sizes[name]

    def tag_folders(self) -> list[Path]:
        """One folder per tag, so each tag's NNN_ pages import in page order."""
        return sorted(path for path in self.root.glob(TAG_FOLDER_PREFIX + "*") if path.is_dir())


def ensure_dataset(params: Params, data_root: Path) -> Dataset:
    """Reuse the data set for these parameters, or write it (the manifest last, as the marker).

    It is written under a temporary name and renamed into place, so a run that finds the
    folder finds it complete, even while another run is generating the same data.
    """
    params.check()
    root = data_root / params.key()
    manifest = root / MANIFEST
    start = time.perf_counter()
    reused = manifest.is_file()
    if not reused:
        data_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f"{root.name}.partial-", dir=data_root))
        try:
            files, size, sizes = _write(params, staging)
            description = {
                "params": asdict(params),
                "files": files,
                "bytes": size,
                "tag_sizes": sizes,
            }
            document = {"generator": GENERATOR_VERSION, **description}
            (staging / MANIFEST).write_text(json.dumps(document, indent=2))
            if root.exists() and not manifest.is_file():
                shutil.rmtree(root)  # left by a generator older than the renaming one
            try:
                staging.rename(root)
            except OSError:
                if not manifest.is_file():
                    raise
                # Another run got there first with the same bytes: use its copy.
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    document = json.loads(manifest.read_text())
    return Dataset(
        root=root,
        params=params,
        files=document["files"],
        size=document["bytes"],
        reused=reused,
        seconds=time.perf_counter() - start,
        tag_sizes=document["tag_sizes"],
    )


def _write(params: Params, root: Path) -> tuple[int, int, dict[str, int]]:
    rng = random.Random(params.seed)
    names = tag_names(rng, params.tags)
    texts = stories(rng, params.items)
    listings = _listings(rng, params)
    pages_needed = max(-(-len(listing) // params.per_file) for listing in listings)
    tag_width = max(4, len(str(params.tags - 1)))
    # The importer takes the page from the NNN_ prefix and imports a folder sorted by name, so
    # the counter has one width throughout: past 1,000 pages "1000_" would sort before "999_".
    page_width = max(3, len(str(pages_needed - 1)))
    files = size = 0
    for number, (name, listing) in enumerate(zip(names, listings, strict=True)):
        folder = root / f"{TAG_FOLDER_PREFIX}{number:0{tag_width}d}"
        folder.mkdir()
        for page, start in enumerate(range(0, len(listing), params.per_file)):
            chunk = listing[start : start + params.per_file]
            digest = Digest(name, tuple(texts[index] for index in chunk))
            data = render(digest).encode()
            digest_hash = hashlib.sha256(data).hexdigest()[:16]
            (folder / f"{page:0{page_width}d}_{digest_hash}.txt").write_bytes(data)
            files += 1
            size += len(data)
    sizes = {name: len(listing) for name, listing in zip(names, listings, strict=True)}
    return files, size, sizes


def tag_weights(params: Params) -> list[float]:
    """Each tag's share of the stories: ``large_tags`` large ones, then a long tail."""
    large = [params.large_share] * params.large_tags
    tail = [1 / (1 + rank / _TAIL) for rank in range(params.tags - params.large_tags)]
    rest = 1 - sum(large)
    return large + [rest * weight / sum(tail) for weight in tail]


def _listings(rng: random.Random, params: Params) -> list[list[int]]:
    """Each tag's story indexes, in a random order, the shared stories under a second tag.

    Story i < tags belongs to tag i, so that no tag is empty; every other story to a tag drawn
    by ``tag_weights``. The shared stories are drawn among all, each listed again under a
    tag other than its own, drawn uniformly: never twice under one tag.
    """
    tags = params.tags
    first = list(range(tags)) + rng.choices(
        range(tags), weights=tag_weights(params), k=params.items - tags
    )
    listings: list[list[int]] = [[] for _ in range(tags)]
    for story, tag in enumerate(first):
        listings[tag].append(story)
    for story in sorted(rng.sample(range(params.items), params.shared_items)):
        listings[(first[story] + rng.randrange(1, tags)) % tags].append(story)
    for listing in listings:
        rng.shuffle(listing)
    return listings
