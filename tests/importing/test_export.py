"""export_digest: a tag page back to digest text, byte for byte."""

import pytest
from django.core.management.base import CommandError
from django.utils import timezone

from articles.models import Item, Tag
from tests.factories import SEED_PAGE_1, SEED_PAGE_2
from tests.pages import run_command

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


@pytest.mark.parametrize(
    ("page", "seed"),
    [pytest.param(1, SEED_PAGE_1, id="page1"), pytest.param(2, SEED_PAGE_2, id="page2")],
)
def test_pages_of_the_seeded_tag_are_the_seed_files_byte_for_byte(page, seed, tmp_path):
    output = tmp_path / "page.txt"
    run_command("export_digest", "North Korea", "--page", str(page), "-o", str(output))

    assert output.read_bytes() == seed.read_bytes()


def test_standard_output_gets_the_same_text_without_a_trailing_newline():
    out, _ = run_command("export_digest", "north-korea")

    assert out == SEED_PAGE_1.read_text(encoding="utf-8")


def test_export_then_import_changes_nothing(tmp_path):
    output = tmp_path / "000_again.txt"
    run_command("export_digest", "North Korea", "-o", str(output))

    out, _ = run_command("import_digests", "--force", str(output))

    assert "0 created, 0 updated, 10 unchanged" in out


def test_per_page_changes_the_page_size():
    out, _ = run_command("export_digest", "North Korea", "--per-page", "3", "--page", "7")

    assert out.count("\u2022") == 2  # 20 items: pages of 3, the 7th has the last 2


def test_readers_rules_apply_unless_drafts_are_asked_for():
    Item.objects.update(status=Item.Status.DRAFT)

    with pytest.raises(CommandError, match="expected items readers can see, found none"):
        run_command("export_digest", "North Korea")
    out, _ = run_command("export_digest", "North Korea", "--include-drafts")
    assert out == SEED_PAGE_1.read_text(encoding="utf-8")


def test_items_scheduled_for_later_are_not_exported():
    first = Item.objects.get(title__startswith="Russian ambassador")
    first.published_at = timezone.now() + timezone.timedelta(days=1)
    first.save()

    out, _ = run_command("export_digest", "North Korea")

    assert "Russian ambassador" not in out


def test_unknown_tag_is_a_clear_error():
    with pytest.raises(CommandError, match="Atlantis: expected the name or slug of a tag"):
        run_command("export_digest", "Atlantis")


@pytest.mark.parametrize("page", ["3", "0", "-1"])
def test_page_out_of_range_is_a_clear_error(page):
    with pytest.raises(
        CommandError, match=f"expected a page from 1 to 2 of 'North Korea', found {page}"
    ):
        run_command("export_digest", "North Korea", "--page", page)


def test_text_that_would_not_read_back_is_refused_not_written(tmp_path):
    first, second = Item.objects.for_tag(Tag.objects.get())[:2]
    Item.objects.filter(pk=second.pk).update(title=first.title)
    output = tmp_path / "out.txt"

    with pytest.raises(CommandError, match="North Korea, page 1: expected"):
        run_command("export_digest", "North Korea", "-o", str(output))
    assert not output.exists()
