"""Diffs before writing (articles/importing/diffs.py): what an import would change on an
item, printed by ``import_digests --dry-run -v 2``, in ``--report``'s JSON and in the admin's
preview, collapsed."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.importing import DigestSource, import_digests
from articles.importing.diffs import item_diff
from articles.models import Item
from tests.admin.test_imports import preview, upload
from tests.factories import digest_text, import_digest, write_digest
from tests.pages import parse_strictly, run_command

pytestmark = pytest.mark.django_db


class TestItemDiff:
    def test_the_same_text_has_no_diff(self):
        assert item_diff("Title", "One.\n\nTwo.", "Title", "One.\n\nTwo.") is None

    def test_only_the_fields_that_differ_a_paragraph_a_line(self):
        diff = item_diff(
            "Title", "One.\n\nTwo.\n\nThree.", "Title", "One.\n\n2.\n\nThree.\n\nFour."
        )

        assert [field.field for field in diff.fields] == ["teaser"]
        assert diff.unified() == [
            "--- teaser (now)",
            "+++ teaser (wire)",
            "@@ -1,3 +1,4 @@",
            " One.",
            "-Two.",
            "+2.",
            " Three.",
            "+Four.",
        ]
        assert diff.as_dict()["teaser"]["changes"] == [
            {"op": "equal", "now": ["One."], "wire": ["One."]},
            {"op": "replace", "now": ["Two."], "wire": ["2."]},
            {"op": "equal", "now": ["Three."], "wire": ["Three."]},
            {"op": "insert", "now": [], "wire": ["Four."]},
        ]

    def test_non_breaking_spaces_and_the_wires_ellipsis_count(self):
        diff = item_diff("Kim\u00a0Jong-un", "Text\u00a0…", "Kim Jong-un", "Text\u00a0…")

        assert diff.unified()[-2:] == ["-Kim\u00a0Jong-un", "+Kim Jong-un"]


def known_story(tmp_path, *, edited=False):
    """ "Story" imported, maybe changed by an editor, and a digest whose copy differs."""
    import_digest("000_a.txt", "Asia", ("Story", ["First.", "Second.\u00a0…"]))
    if edited:
        item = Item.objects.get()
        item.teaser = "Editor's first.\n\nSecond.\u00a0…"
        item.mark_edited(None)
        item.save()
    return write_digest(tmp_path, "000_b.txt", "Asia", ("Story", ["First.", "Changed.\u00a0…"]))


class TestTheCommand:
    def test_dry_run_v2_prints_each_changed_items_unified_diff(self, tmp_path):
        path = known_story(tmp_path)

        out, _ = run_command("import_digests", "--dry-run", "-v", "2", str(path))

        assert (
            f"{path}: imported\n"
            f"{path}:3: Story (updated)\n"
            "--- teaser (now)\n"
            "+++ teaser (wire)\n"
            "@@ -1,2 +1,2 @@\n"
            " First.\n"
            "-Second.\u00a0…\n"
            "+Changed.\u00a0…\n"
        ) in out
        assert Item.objects.get().teaser == "First.\n\nSecond.\u00a0…"  # nothing written

    def test_a_conflict_shows_the_editors_version_against_the_wire(self, tmp_path):
        path = known_story(tmp_path, edited=True)

        out, _ = run_command("import_digests", "--dry-run", "-v", "2", str(path))

        assert f"{path}:3: Story (conflict)\n" in out
        assert "-Editor's first.\n-Second.\u00a0…\n+First.\n+Changed.\u00a0…\n" in out

    def test_no_diff_without_v2_or_on_a_real_run(self, tmp_path):
        path = known_story(tmp_path)

        quiet, _ = run_command("import_digests", "--dry-run", str(path))
        real, _ = run_command("import_digests", "-v", "2", str(path))

        assert "--- teaser" not in quiet and "--- teaser" not in real
        assert "000_b.txt: imported" in real

    def test_the_report_carries_the_structured_diff(self, tmp_path):
        path = known_story(tmp_path)
        report = tmp_path / "report.json"

        run_command("import_digests", "--dry-run", "--report", str(report), str(path))

        [outcome] = json.loads(report.read_text())["files"][0]["items"]
        assert outcome["outcome"] == "updated"
        assert outcome["diff"] == {
            "teaser": {
                "now": "First.\n\nSecond.\u00a0…",
                "wire": "First.\n\nChanged.\u00a0…",
                "changes": [
                    {"op": "equal", "now": ["First."], "wire": ["First."]},
                    {"op": "replace", "now": ["Second.\u00a0…"], "wire": ["Changed.\u00a0…"]},
                ],
            }
        }

    def test_created_and_unchanged_items_have_none(self, tmp_path):
        import_digest("000_a.txt", "Asia", "Known")
        path = write_digest(tmp_path, "000_b.txt", "Asia", "Known", "New")
        report = tmp_path / "report.json"

        run_command("import_digests", "--dry-run", "--report", str(report), str(path))

        items = json.loads(report.read_text())["files"][0]["items"]
        assert [(item["outcome"], item["diff"]) for item in items] == [
            ("unchanged", None),
            ("created", None),
        ]


class TestAtScale:
    def conflicts(self, count):
        titles = [f"Story {count}-{n}" for n in range(count)]
        import_digest(f"000_{count}.txt", f"Tag {count}", *titles)
        Item.objects.filter(title__in=titles).update(edited_at="2026-01-01T00:00:00Z")
        text = digest_text(f"Tag {count}", *((title, ["Changed.\u00a0…"]) for title in titles))
        with CaptureQueriesContext(connection) as queries:
            summary = import_digests(
                [DigestSource(f"001_{count}.txt", data=text.encode())], dry_run=True
            )
        assert summary.items.conflict == count
        return len(queries)

    def test_the_diffs_of_conflicts_cost_no_query_an_item(self):
        assert self.conflicts(2) == self.conflicts(8)


class TestTheAdminPreview:
    def test_each_changed_item_has_its_diff_collapsed(self, client, importer):
        import_digest("000_a.txt", "Asia", ("Story", ["First.", "Second.\u00a0…"]), "Same")
        data = digest_text("Asia", ("Story", ["First.", "Changed.\u00a0…"]), "Same")

        page = preview(client, upload("000_b.txt", data))

        document = parse_strictly(page.content.decode())
        [details] = document.iterfind(".//details")
        assert details.get("open") is None  # collapsed until opened
        assert "".join(details.find("summary").itertext()) == "Story (line 3): updated"
        assert [d.text for d in details.iterfind(".//del")] == ["Second.\u00a0…"]
        assert [i.text for i in details.iterfind(".//ins")] == ["Changed.\u00a0…"]
        assert ' style="' not in page.content.decode()
