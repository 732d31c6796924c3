"""Shared test data: the seed digests and small digests built for a test."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command

from articles.digest import Digest, DigestItem, parse, render

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_PAGE_1 = SEEDS / "000_56f7566008ce34c6.txt"
SEED_PAGE_2 = SEEDS / "001_1cffbcfdcd6e7ae9.txt"


def seed_titles(path):
    return [item.title for item in parse(path.read_bytes()).items]


def digest_text(tag, *items):
    """A canonical digest; each item is a title or a (title, paragraphs) pair."""
    entries = []
    for item in items:
        title, paragraphs = (
            (item, (f"Teaser of {item}.\u00a0\u2026",)) if isinstance(item, str) else item
        )
        entries.append(DigestItem(title, tuple(paragraphs)))
    return render(Digest(tag=tag, items=tuple(entries)))


def write_digest(folder, name, tag, *items):
    path = Path(folder) / name
    path.write_text(digest_text(tag, *items), encoding="utf-8")
    return path


def run_command(name, *args, **options):
    """call_command capturing both streams; returns (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    call_command(name, *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()
