"""The benchmark's results: typed records, the targets, one Markdown table and the JSON file.

Every figure sits beside its floor, measured in the same run: loading beside the raw bulk
load of the same rows (bench/floor.py), pages beside the minimal tag page or the constant page
of the same size (bench/views.py), feeds and sitemaps beside themselves at the other archive
size when a result file of that size is there. A target's verdict is PASS or MISS; "n/a" when
its floor is missing. SQLite's ratio targets are relaxed by ``SQLITE_SLACK`` (the issue's
"the same ratios within 2×"); absolute limits (ms, MB) are the same on both backends.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

SQLITE_SLACK = 2.0
FIRST_VS_RAW = 1 / 4  # first import items/s ≥ this × the raw bulk load's
FORCED_VS_FIRST = 4.0  # forced re-import ≥ this × faster than the first import
DETECTION_MAX = 2.0  # the first import (duplicate detection on) ≤ this × the plain import's time
PEAK_MAX_MB = 300
TAG_VS_MINIMAL = 3 / 4  # tag pages and home: req/s ≥ this × the minimal tag page's
LAST_VS_FIRST_P50 = 2.0  # last page of the largest tag: p50 ≤ this × page 1's
ITEM_VS_MINIMAL = 1 / 2
CACHED_VS_CONSTANT = 1 / 2  # a tag page from the page cache: req/s ≥ this × a constant page
SEARCH_P50_MAX_MS = 50.0
SIZE_CONSTANT_MAX = 1.5  # feeds and sitemaps: p50 at one size ≤ this × at the other
CHANGELIST_MAX_MS = 500.0

RAW, FIRST, FORCED = "raw bulk load", "first import", "forced re-import"
PLAIN = "import without duplicate detection"
MINIMAL, CONSTANT = "floor-minimal-tag", "floor-constant"
# The same page in other forms (a digest, the API's JSON) is judged as the tag page is.
TAG_LIKE = (
    "tag-first", "tag-last", "tag-small", "home",
    "tag-digest-first", "tag-digest-last", "api-items", "api-tag",
)  # fmt: skip
SEARCHES = ("search-common", "search-rare", "search-phrase")
SIZE_FREE = ("feed", "tag-feed", "sitemap-index", "sitemap-items", "sitemap-tags")


@dataclass(frozen=True)
class LoadRun:
    label: str
    seconds: float
    items: int
    peak_mb: float

    @property
    def items_per_second(self) -> float:
        return self.items / self.seconds


@dataclass(frozen=True)
class PageRun:
    key: str
    label: str
    path: str
    size: int  # bytes of the body
    seconds: float  # of measured load
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


@dataclass(frozen=True)
class ChangelistRun:
    label: str
    path: str
    median_ms: float
    queries: int


@dataclass(frozen=True)
class Row:
    measure: str
    figure: str
    floor: str = ""
    ratio: float | None = None
    target: str = ""
    verdict: str = ""  # PASS, MISS, n/a, or "" for a floor


@dataclass
class BenchResult:
    backend: str
    version: str
    items: int
    context: dict[str, str]  # date, machine, command, data, settings: the header's lines
    loads: list[LoadRun] = field(default_factory=list)
    pages: list[PageRun] = field(default_factory=list)
    changelists: list[ChangelistRun] = field(default_factory=list)
    analyzed: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    def load(self, label: str) -> LoadRun | None:
        return next((run for run in self.loads if run.label == label), None)

    def page(self, key: str) -> PageRun | None:
        return next((run for run in self.pages if run.key == key), None)


def evaluate(result: BenchResult, other: dict | None = None) -> list[Row]:
    """Every figure as a row with its floor and target; ``other``: the JSON at another size."""
    slack = SQLITE_SLACK if result.backend == "sqlite" else 1.0
    rows: list[Row] = []
    raw, first, forced = result.load(RAW), result.load(FIRST), result.load(FORCED)
    if raw:
        rows.append(Row(RAW, _load_figure(raw), verdict=""))
    if first:
        rows.append(
            _ratio_row(
                FIRST,
                _load_figure(first),
                raw and raw.items_per_second,
                first.items_per_second,
                FIRST_VS_RAW / slack,
                "raw load's items/s",
                raw and f"{raw.items_per_second:,.0f} items/s",
            )
        )
    if forced and first:
        rows.append(
            _ratio_row(
                FORCED,
                _load_figure(forced),
                first.items_per_second,
                forced.items_per_second,
                FORCED_VS_FIRST / slack,
                "first import's items/s",
                f"{first.items_per_second:,.0f} items/s",
            )
        )
    plain = result.load(PLAIN)
    if plain and first:
        ratio = first.seconds / plain.seconds
        rows.append(
            Row(
                "duplicate detection: first import's time over the plain import's",
                f"{first.seconds:,.1f} s",
                f"{PLAIN}: {_load_figure(plain)}",
                ratio,
                f"≤ {DETECTION_MAX:g}×",
                _verdict(ratio <= DETECTION_MAX),
            )
        )
    product = [run for run in (first, forced) if run]
    if product:
        peak = max(run.peak_mb for run in product)
        rows.append(
            _limit_row(
                "import peak RSS", f"{peak:.0f} MB", peak, PEAK_MAX_MB, "MB", _other_peak(other)
            )
        )
    minimal, constant = result.page(MINIMAL), result.page(CONSTANT)
    for floor in (constant, minimal):
        if floor:
            rows.append(Row(floor.label, _page_figure(floor)))
    minimal_rps = minimal and minimal.requests_per_second
    minimal_text = minimal and f"{minimal.requests_per_second:,.1f} req/s"
    for page in result.pages:
        figure = _page_figure(page)
        if not page.requests:
            rows.append(Row(page.label, "no request finished", verdict="n/a"))
        elif page.key in TAG_LIKE or page.key == "item":
            wanted = (ITEM_VS_MINIMAL if page.key == "item" else TAG_VS_MINIMAL) / slack
            rows.append(
                _ratio_row(
                    page.label,
                    figure,
                    minimal_rps,
                    page.requests_per_second,
                    wanted,
                    "minimal tag page's req/s",
                    minimal_text,
                )
            )
        elif page.key in SEARCHES:
            rows.append(_limit_row(page.label, figure, page.p50_ms, SEARCH_P50_MAX_MS, "ms p50"))
        elif page.key in SIZE_FREE:
            rows.append(_size_row(page, figure, other))
        elif page.key == "cached-tag-first" and result.page("cached-constant"):
            constant_cached = result.page("cached-constant")
            rows.append(
                _ratio_row(
                    page.label,
                    figure,
                    constant_cached.requests_per_second,
                    page.requests_per_second,
                    CACHED_VS_CONSTANT / slack,
                    "constant page's req/s, same server",
                    f"{constant_cached.requests_per_second:,.1f} req/s",
                )
            )
    first_page, last_page = result.page("tag-first"), result.page("tag-last")
    if first_page and last_page:
        ratio = last_page.p50_ms / first_page.p50_ms
        limit = LAST_VS_FIRST_P50 * slack
        rows.append(
            Row(
                "last page vs page 1 of the largest tag, p50",
                f"{last_page.p50_ms:.1f} ms",
                f"page 1: {first_page.p50_ms:.1f} ms",
                ratio,
                f"≤ {limit:g}×",
                _verdict(ratio <= limit),
            )
        )
    for run in result.changelists:
        figure = f"{run.median_ms:.0f} ms, {run.queries} queries"
        rows.append(
            _limit_row(f"admin: {run.label}", figure, run.median_ms, CHANGELIST_MAX_MS, "ms")
        )
    return rows


def _load_figure(run: LoadRun) -> str:
    return f"{run.seconds:,.1f} s, {run.items_per_second:,.0f} items/s, peak {run.peak_mb:.0f} MB"


def _page_figure(run: PageRun) -> str:
    errors = f", {run.errors} errors" if run.errors else ""
    if run.requests < 20:  # too few for a p99 worth the name
        errors += f", only {run.requests} requests"
    return (
        f"{run.requests_per_second:,.1f} req/s, p50 {run.p50_ms:.1f} ms, "
        f"p99 {run.p99_ms:.1f} ms{errors}"
    )


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"


def _ratio_row(measure, figure, floor_value, value, wanted, floor_name, floor_text) -> Row:
    target = f"≥ {wanted:.3g}× {floor_name}"
    if not floor_value:
        return Row(measure, figure, "not measured", None, target, "n/a")
    ratio = value / floor_value
    return Row(measure, figure, floor_text, ratio, target, _verdict(ratio >= wanted))


def _limit_row(measure, figure, value, limit, unit, other=None) -> Row:
    floor, ratio = ("", None) if other is None else (other[0], value / other[1])
    return Row(measure, figure, floor, ratio, f"< {limit:g} {unit}", _verdict(value < limit))


def _other_peak(other: dict | None) -> tuple[str, float] | None:
    if not other:
        return None
    peaks = [run["peak_mb"] for run in other["loads"] if run["label"] in (FIRST, FORCED)]
    if not peaks:
        return None
    return f"{max(peaks):.0f} MB at {other['items']:,} items", max(peaks)


def _size_row(page: PageRun, figure: str, other: dict | None) -> Row:
    target = f"p50 ≤ {SIZE_CONSTANT_MAX:g}× the other size's"
    found = next((run for run in (other or {}).get("pages", []) if run["key"] == page.key), None)
    if found is None:
        return Row(page.label, figure, "no run at another size", None, target, "n/a")
    ratio = page.p50_ms / found["p50_ms"]
    # Constant in the archive's size: neither size may be much slower than the other.
    passed = max(ratio, 1 / ratio) <= SIZE_CONSTANT_MAX
    floor = f"p50 {found['p50_ms']:.1f} ms at {other['items']:,} items"
    return Row(page.label, figure, floor, ratio, target, _verdict(passed))


def markdown(result: BenchResult) -> str:
    lines = [f"## {result.backend}, {result.items:,} items ({result.version})", ""]
    lines += [f"- {name}: {value}" for name, value in result.context.items()]
    lines += [
        "",
        "| measure | figure | floor | ratio | target | result |",
        "| --- | --- | --- | ---: | --- | --- |",
    ]
    for row in result.rows:
        ratio = "" if row.ratio is None else f"{row.ratio:.2f}"
        lines.append(
            f"| {row.measure} | {row.figure} | {row.floor} | {ratio} | {row.target} | "
            f"{row.verdict or 'floor'} |"
        )
    if result.analyzed:
        never = [name for name, when in result.analyzed.items() if when == "never"]
        state = "never analyzed: " + ", ".join(never) if never else "all analyzed"
        lines += [
            "",
            f"- pg_stat_user_tables after the import (the bench runs no ANALYZE): {state}",
        ]
    lines += [f"- {note}" for note in result.notes]
    missed = sum(row.verdict == "MISS" for row in result.rows)
    passed = sum(row.verdict == "PASS" for row in result.rows)
    lines += ["", f"{passed} targets met, {missed} missed."]
    return "\n".join(lines)


def write_json(result: BenchResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = asdict(result)
    for run, original in zip(document["loads"], result.loads, strict=True):
        run["items_per_second"] = original.items_per_second
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None
