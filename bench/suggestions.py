"""Tag suggestions at scale: ``python -m bench.suggestions`` (a step of ``make bench``).

The automaton of 10,000 tag names (bench/text.py's, "Zürich energy", each with one alias)
and the 50 places the stories name ("Pyongyang") is built, then asked for the suggestions
of 100,000 generated stories (title and teaser), as the changelist's "Apply suggested tags"
and the import preview ask it. Only the matching is timed: the items' and tags' reads are
those of any list (their query counts are tested, constant). Prints a Markdown table and
writes ``bench/data/results-suggestions-<items>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
# Targets: what keeps "Apply suggested tags" on a page of 500 items and a preview of 100
# files (1,000 items) well under a second, and a rebuild after a tag write unnoticed.
ITEMS_PER_SECOND_MIN = 5_000
BUILD_MAX_SECONDS = 1.0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("SECRET_KEY", "bench")
    import django

    django.setup()
    from articles.models import PARAGRAPH_SEPARATOR
    from articles.suggestions import MatchedBy, Spelling, Vocabulary

    from .report import progress, write
    from .text import _PLACES, stories, tag_names

    rng = random.Random(args.seed)
    names = tag_names(rng, args.tags)
    spellings = [Spelling(n, name, MatchedBy.NAME, name) for n, name in enumerate(names)]
    # One alias a tag, another spelling of it ("Zürich energy" -> "Zürich-energy news").
    spellings += [
        Spelling(n, name, MatchedBy.ALIAS, f"{name.replace(' ', '-')} news")
        for n, name in enumerate(names)
    ]
    # And the places the stories name, as tags: most stories then have suggestions to find.
    spellings += [
        Spelling(args.tags + n, place, MatchedBy.NAME, place) for n, place in enumerate(_PLACES)
    ]
    progress(f"suggestions: generating {args.items:,} stories")
    texts = [(s.title, PARAGRAPH_SEPARATOR.join(s.paragraphs)) for s in stories(rng, args.items)]

    progress(f"suggestions: building the automaton of {len(spellings):,} spellings")
    start = time.perf_counter()
    words = Vocabulary(spellings)
    build = time.perf_counter() - start

    progress(f"suggestions: suggesting for {len(texts):,} items")
    start = time.perf_counter()
    found = sum(len(words.suggest(title, teaser)) for title, teaser in texts)
    seconds = time.perf_counter() - start

    result = {
        "tags": args.tags,
        "spellings": len(spellings),
        "items": len(texts),
        "build_seconds": round(build, 4),
        "suggest_seconds": round(seconds, 3),
        "items_per_second": round(len(texts) / seconds),
        "suggestions": found,
        "targets": {
            "items_per_second_min": ITEMS_PER_SECOND_MIN,
            "build_max_seconds": BUILD_MAX_SECONDS,
        },
    }
    rows = [
        (
            "automaton build",
            f"{build:.3f} s",
            f"≤ {BUILD_MAX_SECONDS:g} s",
            build <= BUILD_MAX_SECONDS,
        ),
        (
            "suggestions",
            f"{result['items_per_second']:,} items/s ({seconds:.1f} s, {found:,} suggestions)",
            f"≥ {ITEMS_PER_SECOND_MIN:,} items/s",
            result["items_per_second"] >= ITEMS_PER_SECOND_MIN,
        ),
    ]
    sizes = f"{len(texts):,} items, {args.tags:,} tags ({len(spellings):,} spellings)"
    write(f"### Tag suggestions: {sizes}")
    write()
    write("| measure | figure | target | verdict |")
    write("| --- | --- | --- | --- |")
    for measure, figure, target, ok in rows:
        write(f"| {measure} | {figure} | {target} | {'PASS' if ok else 'MISS'} |")
    out = Path(args.output) if args.output else DATA / f"results-suggestions-{len(texts)}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    progress(f"suggestions: wrote {out}")
    return 0


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.suggestions", description="Tag suggestions at scale."
    )
    parser.add_argument("--items", type=int, default=100_000, help="stories (100000)")
    parser.add_argument("--tags", type=int, default=10_000, help="tags (10000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the data (1)")
    parser.add_argument("--output", help="the JSON file (bench/data/results-suggestions-N.json)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
