"""export_digests --all: every tag's pages as digest files that import back to the same files."""

import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from articles.models import Item, Tag, TaggedItem
from tests.factories import SEED_PAGE_1, SEED_PAGE_2, SEEDS, draft, make_item, write_digest
from tests.pages import run_command


def files_in(folder):
    """{"<tag slug>/<name>": bytes} for every file below folder."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def export_all(folder, *options):
    out, _ = run_command("export_digests", "--all", str(folder), *options)
    return out


def restore(folder):
    """What the README says: import_digests DIR/*/ (the shell sorts the folders)."""
    return run_command("import_digests", *(str(sub) for sub in sorted(folder.iterdir())))


def empty_the_database():
    call_command("flush", interactive=False, verbosity=0)
    assert (Item.objects.count(), Tag.objects.count()) == (0, 0)


def assert_round_trip(tmp_path):
    """Export, import into an empty database, export again: the same files, byte for byte."""
    first, second = tmp_path / "first", tmp_path / "second"
    export_all(first)
    empty_the_database()
    restore(first)
    export_all(second)
    exported = files_in(first)
    assert exported  # something was exported
    assert files_in(second) == exported
    return exported


def teaser(n):
    # Two paragraphs, a non-breaking space and the wire's ellipsis, as real digests have.
    return [f"First paragraph of story {n}.", f"Second\u00a0paragraph of story {n}.\u00a0…"]


@pytest.fixture
def generated(tmp_path):
    """Several tags in pages of 10 (23, 10 and 14 items), items shared by two tags, a
    non-ASCII tag, an editor's item and a draft; imported as digests are."""
    wire = tmp_path / "wire"
    wire.mkdir()
    asia = [(f"Asia story {n}", teaser(n)) for n in range(23)]
    europe = [(f"Europe story {n}", teaser(100 + n)) for n in range(10)]
    # Climate change shares 4 of Asia's stories and 2 of Europe's, in an order of its own.
    climate = [
        *[(f"Climate story {n}", teaser(200 + n)) for n in range(8)],
        asia[21],
        europe[3],
        asia[2],
        asia[15],
        europe[9],
        asia[0],
    ]
    for tag, items in [("Asia", asia), ("Europe", europe), ("Climate change", climate)]:
        for page, start in enumerate(range(0, len(items), 10)):
            write_digest(wire, f"{page:03}_{tag}.txt", tag, *items[start : start + 10])
    run_command("import_digests", *(str(path) for path in sorted(wire.iterdir())))
    write_digest(wire, "000_japan.txt", "日本", asia[5], ("東京の話", ["東京で。\u00a0…"]))
    run_command("import_digests", str(wire / "000_japan.txt"))
    make_item("An editor's own story", "Europe", "Asia")
    draft("A draft in Asia", "Asia")


@pytest.mark.django_db(transaction=True)
class TestRoundTrip:
    def test_the_seeds_export_as_themselves_and_round_trip(self, tmp_path):
        run_command("import_digests", str(SEEDS))

        exported = assert_round_trip(tmp_path)

        assert list(exported.values()) == [SEED_PAGE_1.read_bytes(), SEED_PAGE_2.read_bytes()]
        for name, data in exported.items():
            page = "000" if data == SEED_PAGE_1.read_bytes() else "001"
            assert name == f"north-korea/{page}_{hashlib.sha256(data).hexdigest()[:16]}.txt"

    def test_generated_tags_with_shared_items_round_trip(self, tmp_path, generated):
        exported = assert_round_trip(tmp_path)

        by_tag = {}
        for name in exported:
            folder, file = name.split("/")
            by_tag.setdefault(folder, []).append(file[:4])
        assert by_tag == {
            "asia": ["000_", "001_", "002_"],  # 23 published items and the editor's
            "climate-change": ["000_", "001_"],
            "europe": ["000_", "001_"],  # 10 from the wire and the editor's
            "ri-ben": ["000_"],  # 日本: an ASCII slug, transliterated
        }
        assert "A draft in Asia" not in "".join(data.decode() for data in exported.values())

    def test_drafts_included_round_trip_too(self, tmp_path, generated):
        first = tmp_path / "first"
        export_all(first, "--include-drafts")
        empty_the_database()
        run_command(
            "import_digests", "--status", "draft", *(str(sub) for sub in sorted(first.iterdir()))
        )
        export_all(tmp_path / "second", "--include-drafts")

        assert files_in(tmp_path / "second") == files_in(first)
        assert any("A draft in Asia" in data.decode() for data in files_in(first).values())


@pytest.mark.django_db
class TestCommand:
    def test_pages_of_ten_and_a_summary(self, tmp_path, generated):
        out = export_all(tmp_path / "out")

        assert (
            out == f"Exported 4 tags in 8 files (51 items on their pages) to {tmp_path / 'out'}.\n"
        )
        pages = [data.decode() for name, data in files_in(tmp_path / "out").items()]
        assert [page.count("\u2022") for page in pages] == [10, 10, 4, 10, 4, 10, 1, 2]

    def test_verbose_lists_each_tag(self, tmp_path, generated):
        out = export_all(tmp_path / "out", "-v", "2")

        assert "climate-change/: Climate change, 2 files\n" in out

    def test_a_folder_that_is_not_empty_is_refused_without_force(self, tmp_path, generated):
        folder = tmp_path / "out"
        folder.mkdir()
        (folder / "notes.md").write_text("mine")

        with pytest.raises(CommandError, match="expected an empty or new folder, found 1 entry"):
            export_all(folder)
        assert files_in(folder) == {"notes.md": b"mine"}

    def test_force_replaces_an_earlier_export_and_leaves_other_files(self, tmp_path, generated):
        folder = tmp_path / "out"
        export_all(folder)
        stale = folder / "gone-tag" / "000_0123456789abcdef.txt"
        stale.parent.mkdir()
        stale.write_text("an earlier export's file")
        (folder / "README.md").write_text("mine")
        before = files_in(folder)

        out = export_all(folder, "--force")

        after = files_in(folder)
        assert not stale.exists()
        assert after["README.md"] == b"mine"
        assert {k: v for k, v in before.items() if k != str(stale.relative_to(folder))} == after
        assert "(9 earlier files removed)" in out

    def test_per_page_and_wide_page_numbers_sort_in_page_order(self, tmp_path, db):
        for n in range(12):
            make_item(f"Story {n}", "Asia")

        export_all(tmp_path / "out", "--per-page", "1")

        names = list(files_in(tmp_path / "out"))
        assert [name[5:8] for name in names] == [f"{n:03}" for n in range(12)]

    def test_a_thousand_pages_and_more_get_wider_numbers(self, tmp_path, db):
        asia = Tag.objects.create(name="Asia")
        items = Item.objects.bulk_create(
            Item(
                title=f"Story {n}",
                slug=f"story-{n}",
                teaser="Text.",
                status="published",
                published_at=timezone.now(),
            )
            for n in range(1001)
        )
        TaggedItem.objects.bulk_create(
            TaggedItem(tag=asia, content_object=item, position=n) for n, item in enumerate(items)
        )

        export_all(tmp_path / "out", "--per-page", "1")

        names = list(files_in(tmp_path / "out"))
        assert names[0].startswith("asia/0000_") and names[-1].startswith("asia/1000_")
        assert len(names) == 1001

    def test_a_page_that_would_not_read_back_writes_nothing(self, tmp_path, generated):
        first, second = Item.objects.for_tag(Tag.objects.get(name="Europe"))[:2]
        Item.objects.filter(pk=second.pk).update(title=first.title)

        with pytest.raises(CommandError, match="Europe, page 1: expected"):
            export_all(tmp_path / "out")
        assert not (tmp_path / "out").exists()

    def test_all_is_required(self, tmp_path):
        with pytest.raises(CommandError, match="--all"):
            run_command("export_digests")
