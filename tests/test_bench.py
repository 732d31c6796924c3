"""The benchmark's pure parts, fast: its data, its table and JSON, its floor views.

Nothing here is timed; ``python -m bench`` (``make bench``) does the measuring.
"""

from contextlib import nullcontext

import pytest
from django.test import override_settings

from articles.digest import decode, parse
from articles.models import Item
from bench import backends, inside
from bench.generate import Params, ensure_dataset
from bench.load import by_page, read_wrk, wrk_script
from bench.pages import Plan
from bench.results import (
    FIRST,
    FORCED,
    MINIMAL,
    PLAIN,
    RAW,
    BenchResult,
    ChangelistRun,
    LoadRun,
    PageRun,
    evaluate,
    markdown,
    read_json,
    write_json,
)
from bench.serving import ServingError, parse_wrk
from tests.factories import draft, make_item, tag

TINY = Params(items=300, per_file=10, tags=12, shared=0.1, seed=3, large_tags=2, large_share=0.2)


def listing(dataset):
    """Every file's name and bytes, and the titles each tag lists."""
    files = {
        str(path.relative_to(dataset.root)): path.read_bytes()
        for path in sorted(dataset.root.rglob("*.txt"))
    }
    by_tag = {}
    for data in files.values():
        digest = parse(decode(data))
        by_tag.setdefault(digest.tag, []).extend(item.title for item in digest.items)
    return files, by_tag


def test_data_is_the_same_for_the_same_parameters(tmp_path):
    first = ensure_dataset(TINY, tmp_path / "a")
    again = ensure_dataset(TINY, tmp_path / "b")
    assert listing(first)[0] == listing(again)[0]
    assert first.tag_sizes == again.tag_sizes
    assert ensure_dataset(TINY, tmp_path / "a").reused


def test_data_has_large_tags_and_items_in_two_tags(tmp_path):
    dataset = ensure_dataset(TINY, tmp_path)
    _, by_tag = listing(dataset)
    assert {name: len(titles) for name, titles in by_tag.items()} == dataset.tag_sizes
    assert sum(dataset.tag_sizes.values()) == TINY.entries == 330
    assert all(len(titles) == len(set(titles)) for titles in by_tag.values())
    titles = [title for listed in by_tag.values() for title in listed]
    assert len(set(titles)) == TINY.items
    sizes = sorted(dataset.tag_sizes.values(), reverse=True)
    assert sizes[1] >= 0.2 * TINY.items * 0.7 > sizes[2]  # two large tags, then the tail


def figures(backend="postgres"):
    result = BenchResult(backend, "PostgreSQL 15", 1000, {"date": "today"})
    result.loads = [
        LoadRun(RAW, 10.0, 1000, 50.0),
        LoadRun(FIRST, 50.0, 1000, 80.0),  # 20 items/s: 1/5 of the raw load's 100
        LoadRun(FORCED, 10.0, 1000, 90.0),  # 5× the first
    ]
    page = {"size": 100, "seconds": 8, "requests": 500, "p99_ms": 30.0, "errors": 0}
    result.pages = [
        PageRun(MINIMAL, "minimal tag page", "/_bench/minimal-tag/a/", **page,
                requests_per_second=100.0, p50_ms=10.0),
        PageRun("tag-first", "tag page 1", "/tags/a/", **page,
                requests_per_second=80.0, p50_ms=12.0),
        PageRun("tag-last", "tag page 9", "/tags/a/?page=9", **page,
                requests_per_second=40.0, p50_ms=30.0),
        PageRun("search-rare", "search, rare", "/search/?q=x", **page,
                requests_per_second=40.0, p50_ms=45.0),
        PageRun("feed", "feed", "/feed/", **page, requests_per_second=40.0, p50_ms=20.0),
    ]  # fmt: skip
    result.changelists = [ChangelistRun("items", "/admin/articles/item/", 620.0, 9)]
    return result


def verdicts(result, other=None):
    return {row.measure: row.verdict for row in evaluate(result, other)}


def test_each_figure_is_judged_against_its_floor():
    found = verdicts(figures())
    assert found == {
        RAW: "",
        FIRST: "MISS",
        FORCED: "PASS",
        "import peak RSS": "PASS",
        "minimal tag page": "",
        "tag page 1": "PASS",
        "tag page 9": "MISS",
        "search, rare": "PASS",
        "feed": "n/a",
        "last page vs page 1 of the largest tag, p50": "MISS",
        "admin: items": "MISS",
    }


DETECTION_ROW = "duplicate detection: first import's time over the plain import's"


@pytest.mark.parametrize(("plain_seconds", "verdict"), [(30.0, "PASS"), (20.0, "MISS")])
def test_duplicate_detection_is_judged_against_the_plain_import(plain_seconds, verdict):
    result = figures()
    result.loads.append(LoadRun(PLAIN, plain_seconds, 1000, 70.0))  # first import: 50 s

    assert verdicts(result)[DETECTION_ROW] == verdict


def test_sqlite_ratios_are_relaxed_twofold_and_other_sizes_compared():
    found = verdicts(figures("sqlite"), {"items": 10, "loads": [], "pages": [
        {"key": "feed", "p50_ms": 10.0}
    ]})  # fmt: skip
    assert (found[FIRST], found["tag page 9"], found["feed"]) == ("PASS", "PASS", "MISS")


def test_the_table_and_the_json_hold_every_figure(tmp_path):
    result = figures()
    result.rows = evaluate(result)
    table = markdown(result)
    assert "| first import | 50.0 s, 20 items/s, peak 80 MB | 100 items/s | 0.20 |" in table
    assert "| tag page 1 | 80.0 req/s, p50 12.0 ms, p99 30.0 ms | 100.0 req/s | 0.80 |" in table
    assert table.endswith("4 targets met, 4 missed.")
    path = tmp_path / "results.json"
    write_json(result, path)
    document = read_json(path)
    assert document["loads"][1]["items_per_second"] == 20.0
    assert document["rows"][1]["verdict"] == "MISS"
    assert document["pages"][0]["key"] == MINIMAL


WRK_OUTPUT = """Running 8s test @ http://127.0.0.1:8000/tags/a/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.10ms    2.00ms  40.00ms   90.00%
  Latency Distribution
     50%   11.50ms
     75%   12.90ms
     90%   14.00ms
     99%    1.20s
  1320 requests in 8.00s, 20.00MB read
  Socket errors: connect 0, read 1320, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:    165.00
Transfer/sec:      2.50MB
"""


def test_wrk_output_is_read():
    found = parse_wrk(WRK_OUTPUT)
    assert (found.requests, found.requests_per_second) == (1320, 165.0)
    assert (found.p50_ms, found.p99_ms, found.errors) == (11.5, 1200.0, 5)


def test_the_load_script_sends_each_page_in_turn_and_its_lines_are_read(tmp_path):
    script = wrk_script(["/", "/tags/a/?page=2"])
    assert 'local paths = {"/", "/tags/a/?page=2"}' in script
    assert "index % #paths + 1" in script

    found, not_ok, p90 = read_wrk(WRK_OUTPUT + "Not 200: 4\np90: 14.000 ms\n")
    assert (found.requests, not_ok, p90) == (1320, 4, 14.0)
    with pytest.raises(ServingError, match="load script's lines"):
        read_wrk(WRK_OUTPUT)


def test_the_load_reads_each_pages_figures_from_the_access_log():
    log = "/tags/a/||200|1500\n/tags/a/||200|2500\n/search/|q=bank|503|900\n"

    assert by_page(log) == {
        "/tags/a/": {"requests": 2, "p50_ms": 2.5, "p99_ms": 2.5, "not_200": 0},
        "/search/?q=bank": {"requests": 1, "p50_ms": 0.9, "p99_ms": 0.9, "not_200": 1},
    }


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.urls")
def test_the_floor_views_serve_pages(client):
    subject = tag("Bench subject")
    for number in range(12):
        make_item(f"Story {number}", subject)
    draft("Not for readers", subject)
    constant = client.get("/_bench/constant/5000/")
    assert (constant.status_code, len(constant.content)) == (200, 5000)
    minimal = client.get(f"/_bench/minimal-tag/{subject.slug}/")
    assert minimal.status_code == 200
    body = minimal.content.decode()
    assert body.count("<article>") == 10
    assert "Story 0<" in body and "Story 10<" not in body and "Not for readers" not in body
    assert client.get("/_bench/minimal-tag/no-such-tag/").status_code == 404


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.urls")
def test_every_page_the_bench_loads_answers(client):
    """A page that answers 404 or 400 would be measured as a fast page."""
    subject, other = tag("Bench subject"), tag("Other subject")
    for number in range(12):
        make_item(f"Story {number}", subject)
    make_item("Small story", other)
    item = Item.objects.get(title="Story 3")
    plan = Plan(subject.slug, 12, other.slug, 1, item.slug)

    for page in [*plan.pages(1000), *plan.cached_pages(1000)]:
        assert client.get(page.path).status_code == 200, page.path


def test_the_production_urls_hold_no_floor(client):
    assert client.get("/_bench/constant/100/").status_code == 404


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="bench.urls")
def test_the_cpu_measure_gives_each_page_its_time():
    subject = tag("Bench subject")
    make_item("Story", subject)
    pages = ["/_bench/constant/100/", f"/tags/{subject.slug}/"]

    found = inside.cpu(pages, rounds=2, requests=3)

    assert list(found) == pages
    assert all(0 < ms < 10_000 for ms in found.values())
    with pytest.raises(SystemExit, match="/no-such-page/: expected 200"):
        inside.cpu(["/no-such-page/"], rounds=1, requests=1)


def test_benchmark_databases_are_named_after_the_url_database(monkeypatch):
    created = []
    monkeypatch.setattr(backends, "_admin", lambda url: nullcontext(None))
    monkeypatch.setattr(backends, "_lock", lambda admin, name: created.append(name))
    monkeypatch.setattr(backends, "_recreate", lambda admin, name: "15")
    monkeypatch.setattr(backends, "_drop", lambda admin, name: None)

    for url in ("postgres://h/wt_scale_pages", "postgres://h/newsroom", "postgres://h"):
        with backends.postgres_database(url, "import_100000") as database:
            assert database.env["DATABASE_URL"].endswith("/" + created[-1])

    assert created == [
        "bench_wt_scale_pages_import_100000",
        "bench_wt_newsroom_import_100000",
        "bench_wt_import_100000",
    ]
