"""The suggestions' benchmark (bench/suggestions.py) on a tiny data set: its table and JSON.
Nothing here is timed; ``make bench`` measures."""

import json

from bench import suggestions


def test_it_prints_its_table_and_writes_its_json(tmp_path, capsys):
    out = tmp_path / "results.json"

    assert suggestions.main(["--items", "40", "--tags", "20", "--output", str(out)]) == 0

    table = capsys.readouterr().out
    assert "### Tag suggestions: 40 items, 20 tags (90 spellings)" in table
    assert "| automaton build |" in table and "| suggestions |" in table
    result = json.loads(out.read_text())
    assert (result["items"], result["tags"], result["spellings"]) == (40, 20, 90)
    assert result["suggestions"] > 0 and result["items_per_second"] > 0
