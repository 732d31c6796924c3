"""The content API's benchmark (bench/api.py) on a tiny database: its table, its deep pages'
cursors, and its errors. Nothing here is timed; ``make bench`` measures."""

from urllib.parse import parse_qs, urlsplit

import pytest

from articles.models import Item
from bench import api

pytestmark = pytest.mark.django_db


def cursor_of(url):
    return parse_qs(urlsplit(url).query)["cursor"]


def test_it_prints_each_list_beside_its_first_page_with_a_verdict(capsys):
    api.fill(2000, 3, tie=10, sparse_every=20)

    assert api.measured(api.parse_args(["--page", "1000", "--runs", "1", "--plans"])) == 0

    out = capsys.readouterr().out
    assert "### Content API cursor pages:" in out and "1,800 published items" in out
    rows = [line for line in out.splitlines() if line.startswith("| ") and " ms" in line]
    # Which tag an item's second link goes to depends on its id (bench.admin's fill).
    tagged = Item.objects.published().filter(tagged_items__tag__slug="bench-tag-1").count()
    lists = [
        "| items, newest (1,800 items)",
        "| items, oldest (1,800 items)",
        f"| one tag ({tagged:,} items)",
        "| sparse tag (100 items)",
    ]
    # Each list twice: the request, then its items query alone.
    assert [row.split(":")[0] for row in rows] == [name for name in lists for _ in "12"]
    assert [row.split(" | ")[1] for row in rows] == ["request", "items query"] * 4
    # The deep page is --page, or the list's last full page when it has fewer.
    deep = [90, 90, tagged // 20, 5]
    assert all(f"page {deep[n // 2]}: " in row for n, row in enumerate(rows))
    assert all(row.endswith(("| ≤ 2× page 1 | PASS |", "| ≤ 2× page 1 | MISS |")) for row in rows)
    # A list of items reads its page and the page's tags; a tag filter adds its check.
    assert [row.count("2 queries") for row in rows[:4:2]] == [2, 2]
    assert [row.count("3 queries") for row in rows[4::2]] == [2, 2]
    assert "/api/items/?tag=bench-sparse, page 5:\n    " in out  # its plan


def test_the_deep_pages_cursor_is_the_one_a_walk_reaches(client):
    api.fill(300, 3, tie=10, sparse_every=20)
    for base, order in [("/api/items/", "newest"), ("/api/items/?order=oldest", "oldest")]:
        url = base
        for _ in range(4):
            url = client.get(url).json()["next"]

        deep = api.deep_url(base, order, 5, Item.objects.published())

        assert cursor_of(deep) == cursor_of(url)


def test_a_list_too_short_for_two_pages_is_an_error_exit(capsys):
    api.fill(300, 3, tie=10, sparse_every=20)  # 15 items in the sparse tag

    assert api.measured(api.parse_args([])) == 1
    assert "api: error: /api/items/?tag=bench-sparse has 15 items" in capsys.readouterr().err


def test_an_empty_database_is_an_error_exit(capsys):
    assert api.measured(api.parse_args([])) == 1
    assert "the database holds no bench tags" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--runs", "0"], ["--page", "1"], ["--tags", "1"]])
def test_arguments_out_of_range_are_refused(argv, capsys):
    with pytest.raises(SystemExit) as exit:
        api.parse_args(argv)

    assert exit.value.code == 2
    assert "must be at least" in capsys.readouterr().err
