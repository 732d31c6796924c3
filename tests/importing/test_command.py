"""import_digests, as staff use it: every rule of the import, against the real database."""

import io
import json
import shutil
import subprocess
import sys

import pytest
from django.core.management.base import CommandError
from django.db import IntegrityError, connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from articles import importing, tag_pages
from articles.digest import parse
from articles.importing import apply
from articles.models import (
    Digest,
    DigestEntry,
    ImportChange,
    ImportRun,
    Item,
    Tag,
    TaggedItem,
)
from tests.factories import (
    ROOT,
    SEED_PAGE_1,
    SEED_PAGE_2,
    SEEDS,
    make_user,
    seed_titles,
    write_digest,
)
from tests.pages import run_command

pytestmark = pytest.mark.django_db

ALL_MODELS = (Item, Tag, TaggedItem, Digest, DigestEntry, ImportRun)


def table_counts():
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


def tag_page(name):
    tag = Tag.objects.get(name=name)
    return list(Item.objects.for_tag(tag).values_list("title", flat=True))


def seed_order():
    return seed_titles(SEED_PAGE_1) + seed_titles(SEED_PAGE_2)


def test_seeds_import_as_twenty_published_items_of_one_tag():
    out, err = run_command("import_digests", str(SEEDS))

    assert "2 files (2 imported" in out
    assert "20 created" in out
    assert err == ""
    assert Item.objects.count() == 20
    assert Item.objects.published().count() == 20
    assert list(Tag.objects.values_list("name", flat=True)) == ["North Korea"]
    assert tag_page("North Korea") == seed_order()
    digests = Digest.objects.order_by("page")
    assert [(d.page, d.tag_name, d.entries.count()) for d in digests] == [
        (1, "North Korea", 10),
        (2, "North Korea", 10),
    ]


def test_teaser_is_stored_exactly():
    run_command("import_digests", str(SEED_PAGE_2))
    # Seed 001 has non-breaking spaces at the start and end of paragraphs.
    stored = "\n\n".join(Item.objects.values_list("teaser", flat=True))
    source = SEED_PAGE_2.read_text(encoding="utf-8")
    for paragraph in stored.split("\n\n"):
        assert f"    {paragraph}" in source.split("\n")
    assert any(p.startswith("\u00a0") for p in stored.split("\n\n"))
    assert all(item.truncated for item in Item.objects.all())


def test_importing_again_changes_nothing():
    run_command("import_digests", str(SEEDS))
    before = table_counts()
    snapshot = list(Item.objects.order_by("pk").values())

    out, _ = run_command("import_digests", str(SEEDS))

    assert "2 skipped as already imported" in out
    assert "0 created, 0 updated" in out
    after = table_counts()
    assert after.pop("ImportRun") == before.pop("ImportRun") + 1  # the run itself is logged
    assert after == before
    assert list(Item.objects.order_by("pk").values()) == snapshot


def test_force_rereads_known_files_and_still_changes_nothing():
    run_command("import_digests", str(SEEDS))
    snapshot = list(Item.objects.order_by("pk").values())
    positions = list(TaggedItem.objects.order_by("pk").values_list("position", flat=True))

    out, _ = run_command("import_digests", "--force", str(SEEDS))

    assert "2 unchanged" in out
    assert "20 unchanged" in out
    assert list(Item.objects.order_by("pk").values()) == snapshot
    assert list(TaggedItem.objects.order_by("pk").values_list("position", flat=True)) == positions
    assert DigestEntry.objects.count() == 20


def test_a_forced_reread_reads_the_links_of_its_items_only(tmp_path):
    # A large tag: what the re-read of one of its files reads must not grow with the tag.
    for page in range(1, 4):
        write_digest(tmp_path, f"{page:03d}_x.txt", "Large", *[f"P{page} {n}" for n in range(5)])
    run_command("import_digests", str(tmp_path))
    tag = Tag.objects.get(name="Large")

    with CaptureQueriesContext(connection) as queries:
        run_command("import_digests", "--force", str(tmp_path / "002_x.txt"))

    link_reads = [q["sql"] for q in queries if 'FROM "articles_taggeditem"' in q["sql"]]
    # The file's links, by its items; not the tag's top and bottom (nothing new to place),
    # which read every link of the tag.
    assert len(link_reads) == 1
    assert f'"tag_id" IN ({tag.pk})' in link_reads[0]
    assert '"content_object_id" IN' in link_reads[0]
    assert "MIN(" not in link_reads[0]


def test_a_forced_reread_finds_its_items_through_the_files_entries(tmp_path):
    for page in range(1, 3):
        write_digest(tmp_path, f"{page:03d}_x.txt", "Tag", *[f"P{page} {n}" for n in range(3)])
    run_command("import_digests", str(tmp_path))
    Item.objects.filter(title="P2 1").delete()  # its entry goes with it: found by its key

    with CaptureQueriesContext(connection) as queries:
        out, _ = run_command("import_digests", "--force", str(tmp_path))

    item_reads = [q["sql"] for q in queries if q["sql"].startswith('SELECT "articles_item"."id"')]
    # By primary key, through the known files' entries; by import key for the one left,
    # then among the keys of stories merged into others (item_merges.merged_into).
    assert len(item_reads) == 3
    assert 'INNER JOIN "articles_digestentry"' in item_reads[0]
    assert '"articles_item"."import_key" IN (' in item_reads[1]
    assert '"articles_mergedimportkey"."import_key" IN (' in item_reads[2]
    assert "1 created" in out and "5 unchanged" in out
    assert Item.objects.filter(title="P2 1").exists()


def test_same_bytes_under_another_name_are_skipped(tmp_path):
    run_command("import_digests", str(SEED_PAGE_1))
    copy = tmp_path / "renamed.txt"
    shutil.copy(SEED_PAGE_1, copy)

    out, _ = run_command("import_digests", "-v2", str(copy))

    assert "skipped" in out
    assert Digest.objects.count() == 1


@pytest.mark.parametrize(
    "runs",
    [
        pytest.param([[SEED_PAGE_1, SEED_PAGE_2]], id="one-run"),
        pytest.param([[SEED_PAGE_1], [SEED_PAGE_2]], id="page1-then-page2"),
        pytest.param([[SEED_PAGE_2], [SEED_PAGE_1]], id="page2-then-page1"),
    ],
)
def test_import_order_does_not_change_the_tag_page(runs):
    for files in runs:
        run_command("import_digests", *map(str, files))

    assert tag_page("North Korea") == seed_order()


def test_items_of_a_newer_digest_go_above_known_items(tmp_path):
    run_command("import_digests", str(SEED_PAGE_1))
    known = [(item.title, item.paragraphs) for item in parse(SEED_PAGE_1.read_bytes()).items]
    newer = write_digest(
        tmp_path, "000_newer.txt", "North Korea", "Fresh one", "Fresh two", *known[:8]
    )

    out, _ = run_command("import_digests", str(newer))

    assert "2 created" in out
    assert "8 unchanged" in out
    assert tag_page("North Korea") == ["Fresh one", "Fresh two", *seed_titles(SEED_PAGE_1)]


def test_new_items_between_known_ones_keep_the_digest_order(tmp_path):
    first = write_digest(tmp_path, "000_a.txt", "Energy", "A", "C")
    second = write_digest(tmp_path, "000_b.txt", "Energy", "A", "B", "C", "D")
    run_command("import_digests", str(first))
    run_command("import_digests", str(second))

    assert tag_page("Energy") == ["A", "B", "C", "D"]


def test_positions_are_renumbered_when_a_gap_is_full(tmp_path, monkeypatch):
    monkeypatch.setattr(tag_pages, "POSITION_GAP", 2)
    titles = ["Top", "Bottom"]
    run_command("import_digests", str(write_digest(tmp_path, "000_0.txt", "Gaps", *titles)))
    for round_number in range(1, 6):
        titles.insert(1, f"Middle {round_number}")
        path = write_digest(tmp_path, f"000_{round_number}.txt", "Gaps", titles[0], *titles[1:])
        run_command("import_digests", str(path))

    assert tag_page("Gaps") == titles


def test_same_story_in_two_tags_is_one_item_with_both_tags(tmp_path):
    run_command("import_digests", str(SEED_PAGE_1))
    story = seed_titles(SEED_PAGE_1)[3]
    item = Item.objects.get(title=story)
    russia = write_digest(tmp_path, "000_russia.txt", "Russia", (story, item.paragraphs), "Other")

    run_command("import_digests", str(russia))

    assert Item.objects.filter(title=story).count() == 1
    item.refresh_from_db()
    assert sorted(tag.name for tag in item.tags.all()) == ["North Korea", "Russia"]
    assert tag_page("Russia") == [story, "Other"]


def test_tag_names_match_whatever_their_case_and_dashes(tmp_path):
    run_command("import_digests", str(SEED_PAGE_1))
    path = write_digest(tmp_path, "001_x.txt", "NORTH-korea", "Another story")

    run_command("import_digests", str(path))

    assert Tag.objects.count() == 1
    assert Tag.objects.get().name == "North Korea"  # the first spelling seen stays
    assert tag_page("North Korea")[-1] == "Another story"


def test_a_bad_file_is_reported_and_the_others_still_import(tmp_path):
    write_digest(tmp_path, "000_good.txt", "Good", "Fine story")
    bad = tmp_path / "001_bad.txt"
    bad.write_text("Contents tagged with Bad\n\n  \u2022 Title\n\nno indent", encoding="utf-8")

    with pytest.raises(CommandError, match="1 of 2 files failed"):
        out, err = run_command("import_digests", str(tmp_path))

    assert list(Item.objects.values_list("title", flat=True)) == ["Fine story"]
    assert not Tag.objects.filter(name="Bad").exists()
    run = ImportRun.objects.get()
    assert run.files_failed == 1
    assert run.errors[0].startswith(f"{bad}:5: expected")


def test_error_message_names_file_line_expected_and_found(tmp_path):
    bad = tmp_path / "broken.txt"
    bad.write_text("Hello\n", encoding="utf-8")
    err = io.StringIO()

    with pytest.raises(CommandError):
        from django.core.management import call_command

        call_command("import_digests", str(bad), stdout=io.StringIO(), stderr=err)

    message = err.getvalue().strip()
    assert message.startswith(f"{bad}:1: expected")
    assert "found" in message
    assert "Hello" in message


def test_a_database_failure_midway_leaves_nothing_of_that_file(tmp_path, monkeypatch):
    path = write_digest(tmp_path, "000_x.txt", "Atomic", "One", "Two")

    def explode(*args, **kwargs):
        from django.db import IntegrityError

        raise IntegrityError("simulated failure after the items were written")

    monkeypatch.setattr(apply, "record_digests", explode)

    with pytest.raises(CommandError):
        run_command("import_digests", str(path))

    assert Item.objects.count() == 0
    assert Tag.objects.count() == 0
    assert TaggedItem.objects.count() == 0


def test_dry_run_reports_what_would_change_and_writes_nothing(tmp_path):
    report = tmp_path / "dry.json"
    out, _ = run_command("import_digests", "--dry-run", "--report", str(report), str(SEEDS))

    assert out.startswith("Dry run, nothing written")
    assert "20 created" in out
    assert table_counts() == dict.fromkeys(table_counts(), 0)
    summary = json.loads(report.read_text())["summary"]
    assert summary["dry_run"] is True
    assert summary["items"]["created"] == 20


def test_dry_run_after_an_import_reports_changes_without_applying_them(tmp_path):
    run_command("import_digests", str(SEED_PAGE_1))
    titles = seed_titles(SEED_PAGE_1)
    changed = write_digest(
        tmp_path, "000_changed.txt", "North Korea", (titles[0], ("A corrected teaser.",))
    )

    out, _ = run_command("import_digests", "--dry-run", str(changed))

    assert "1 updated" in out
    assert Item.objects.get(title=titles[0]).teaser != "A corrected teaser."


def test_wire_corrections_update_items_no_editor_touched(tmp_path):
    run_command("import_digests", str(SEED_PAGE_1))
    title = seed_titles(SEED_PAGE_1)[0]
    corrected = write_digest(tmp_path, "000_fix.txt", "North Korea", (title, ("Corrected.",)))

    out, _ = run_command("import_digests", str(corrected))

    assert "1 updated" in out
    assert Item.objects.get(title=title).teaser == "Corrected."


def test_an_editors_change_is_kept_and_reported_as_a_conflict(tmp_path):
    run_command("import_digests", str(SEED_PAGE_1))
    wire_title = seed_titles(SEED_PAGE_1)[0]
    item = Item.objects.get(title=wire_title)
    editor = make_user("editor", "Editors")
    item.title = "Editor's better headline"
    item.teaser = "Editor's teaser."
    item.mark_edited(editor)
    item.save()
    corrected = write_digest(tmp_path, "000_fix.txt", "North Korea", (wire_title, ("Wire fix.",)))

    report = tmp_path / "report.json"
    out, _ = run_command("import_digests", "--report", str(report), str(corrected))

    assert "1 conflict (editor's version kept)" in out
    item.refresh_from_db()
    assert (item.title, item.teaser) == ("Editor's better headline", "Editor's teaser.")
    assert Item.objects.count() == 10  # found by its import key, not duplicated
    outcomes = json.loads(report.read_text())["files"][0]["items"]
    assert outcomes[0] == {
        "line": 3,
        "title": wire_title,
        "outcome": "conflict",
        "item_id": item.pk,
        "slug": item.slug,
        # From the editor's version (kept) to the wire's copy.
        "diff": {
            "title": {
                "now": "Editor's better headline",
                "wire": wire_title,
                "changes": [
                    {"op": "replace", "now": ["Editor's better headline"], "wire": [wire_title]}
                ],
            },
            "teaser": {
                "now": "Editor's teaser.",
                "wire": "Wire fix.",
                "changes": [{"op": "replace", "now": ["Editor's teaser."], "wire": ["Wire fix."]}],
            },
        },
    }


def test_an_edited_item_is_unchanged_when_the_wire_copy_is_the_same():
    run_command("import_digests", str(SEED_PAGE_1))
    item = Item.objects.get(title=seed_titles(SEED_PAGE_1)[0])
    item.title = "Retitled by an editor"
    item.mark_edited(None)
    item.save()

    out, _ = run_command("import_digests", "--force", str(SEED_PAGE_1))

    assert "0 conflicts" in out
    item.refresh_from_db()
    assert item.title == "Retitled by an editor"


def test_a_tag_an_editor_removed_is_not_added_back():
    run_command("import_digests", str(SEED_PAGE_1))
    item = Item.objects.get(title=seed_titles(SEED_PAGE_1)[0])
    item.tags.clear()

    run_command("import_digests", "--force", str(SEED_PAGE_1))

    assert list(item.tags.all()) == []


def test_status_draft_creates_items_readers_cannot_see():
    run_command("import_digests", "--status", "draft", str(SEED_PAGE_1))

    assert Item.objects.filter(status=Item.Status.DRAFT).count() == 10
    assert Item.objects.published().count() == 0
    assert not Item.objects.filter(published_at__isnull=False).exists()


def test_standard_input_is_read_with_a_dash(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SEED_PAGE_1.read_bytes())))

    out, _ = run_command("import_digests", "-")

    assert "10 created" in out
    assert Digest.objects.get().name == "<stdin>"


def test_duplicate_titles_are_warned_about_with_their_line(tmp_path):
    path = write_digest(tmp_path, "000_dup.txt", "Dup", "Same", "Other")
    path.write_text(path.read_text() + "\n\n  \u2022 SAME\n\n    Again.", encoding="utf-8")

    out, err = run_command("import_digests", str(path))

    assert f"warning: {path}:11: duplicate title" in err
    assert "1 warning," in out
    assert Item.objects.count() == 2


def test_the_report_lists_every_item_outcome(tmp_path):
    report = tmp_path / "out.json"
    run_command("import_digests", "--report", str(report), str(SEEDS))

    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["summary"]["files"] == {
        "total": 2,
        "imported": 2,
        "unchanged": 0,
        "skipped": 0,
        "failed": 0,
    }
    assert [f["page"] for f in document["files"]] == [1, 2]
    titles = [item["title"] for f in document["files"] for item in f["items"]]
    assert titles == seed_order()
    assert {item["outcome"] for f in document["files"] for item in f["items"]} == {"created"}


def test_no_progress_bar_when_output_is_not_a_terminal():
    out, err = run_command("import_digests", str(SEEDS))

    assert "|" not in err and "file/s" not in err


def test_oversized_files_are_rejected_before_parsing(tmp_path, settings):
    settings.DIGEST_MAX_BYTES = 100
    with pytest.raises(CommandError):
        _, err = run_command("import_digests", str(SEED_PAGE_1))
    assert Item.objects.count() == 0


def test_missing_path_is_a_clear_error():
    with pytest.raises(CommandError, match="nope.txt: expected a file or folder, found nothing"):
        run_command("import_digests", "nope.txt")


def test_a_folder_without_digests_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="expected digest files"):
        run_command("import_digests", str(tmp_path))


def test_queries_per_file_do_not_grow_with_its_items(tmp_path):
    small = write_digest(tmp_path, "000_s.txt", "Small", *[f"S{n}" for n in range(2)])
    large = write_digest(tmp_path, "000_l.txt", "Large", *[f"L{n}" for n in range(10)])

    with CaptureQueriesContext(connection) as small_queries:
        importing.import_file(importing.DigestSource(small.name, path=small))
    with CaptureQueriesContext(connection) as large_queries:
        importing.import_file(importing.DigestSource(large.name, path=large))

    assert len(large_queries) == len(small_queries)


def test_the_command_exits_non_zero_when_a_file_fails(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary")
    database = tmp_path / "cli.sqlite3"
    env = {"SECRET_KEY": "cli-test", "SQLITE_PATH": str(database), "PATH": "/usr/bin:/bin"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)

    failed = subprocess.run(
        [*manage, "import_digests", str(bad)], env=env, cwd=ROOT, capture_output=True, text=True
    )
    succeeded = subprocess.run(
        [*manage, "import_digests", str(SEED_PAGE_1)], env=env, cwd=ROOT, capture_output=True
    )

    assert failed.returncode == 1
    assert f"{bad}:1: expected text, found a binary file" in failed.stderr
    assert succeeded.returncode == 0


def test_a_file_the_database_refuses_fails_alone_in_its_batch(tmp_path, monkeypatch):
    for tag in ("Alpha", "Bravo", "Charlie"):
        write_digest(tmp_path, f"000_{tag}.txt", tag, f"{tag} story")
    record_digests = apply.record_digests

    def refuse_bravo(files, **kwargs):
        if any(one.digest.tag == "Bravo" for one, _, _ in files):
            raise IntegrityError("simulated: the database refuses Bravo")
        return record_digests(files, **kwargs)

    monkeypatch.setattr(apply, "record_digests", refuse_bravo)

    with pytest.raises(CommandError, match="1 of 3 files failed"):
        run_command("import_digests", str(tmp_path))

    assert sorted(Item.objects.values_list("title", flat=True)) == ["Alpha story", "Charlie story"]
    assert not Tag.objects.filter(name="Bravo").exists()
    assert ImportRun.objects.get().errors == [
        f"{tmp_path / '000_Bravo.txt'}: expected the database to accept it, found simulated: "
        "the database refuses Bravo"
    ]


# Without duplicate detection, whose queries depend on what the batch resembles (another
# folder's titles here); tests/importing/test_duplicates.py counts them at two sizes.
@override_settings(DUPLICATE_DETECTION=False)
def test_queries_per_batch_do_not_grow_with_its_files(tmp_path):
    def import_folder(name, files):
        folder = tmp_path / name
        folder.mkdir()
        for page in range(files):
            # Few items, so that no INSERT is split by SQLite's 999-parameter limit.
            titles = [f"{name} {page} {n}" for n in range(3)]
            write_digest(folder, f"{page:03d}_x.txt", f"Tag {name}", *titles)
        with CaptureQueriesContext(connection) as queries:
            reports = importing.import_batch(importing.collect_sources([str(folder)]))
        assert [report.status for report in reports] == ["imported"] * files
        return len(queries)

    assert import_folder("two", 2) == import_folder("six", 6)


def test_each_created_item_gets_a_first_revision_copied_from_it():
    importer = make_user("importer", "Importers")
    summary = importing.import_digests(importing.collect_sources([str(SEED_PAGE_1)]), user=importer)

    fields = ["id", "title", "slug", "teaser", "status", "published_at", "import_key"]
    revisions = Item.history.model.objects.order_by("id")
    assert list(revisions.values_list(*fields)) == list(
        Item.objects.order_by("id").values_list(*fields)
    )
    assert set(revisions.values_list("history_type", "history_change_reason", "history_user")) == {
        ("+", f"Import #{summary.run_id}", importer.pk)
    }
    run = ImportRun.objects.get(pk=summary.run_id)
    assert all(run.started_at <= r.history_date <= run.finished_at for r in revisions)


def test_each_created_item_gets_an_undo_record_of_what_the_run_wrote():
    summary = importing.import_digests(importing.collect_sources([str(SEED_PAGE_1)]))

    records = ImportChange.objects.filter(run_id=summary.run_id, kind="item_created")
    assert sorted((r.item_id, r.title, r.before) for r in records) == sorted(
        (item.pk, item.title, {"after_hash": item.import_hash}) for item in Item.objects.all()
    )
