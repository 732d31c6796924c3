"""Another newsroom imports our tag pages as we import the wire's: every served digest page,
imported into an empty database, is served again byte for byte."""

import re

import pytest
from django.core.management import call_command

from articles.editing import add_tag
from articles.models import Item, Tag
from tests.factories import SEED_PAGE_1, SEED_PAGE_2, SEEDS, draft, make_item, scheduled, tag
from tests.pages import run_command

pytestmark = pytest.mark.django_db(transaction=True)  # the flush empties the database

FILE_NAME = re.compile(r'^inline; filename="(\d{3}_[0-9a-f]{16}\.txt)"$')


def served_digests(client, folder=None):
    """{"<slug>/<file name>": bytes} of every page of every tag readers can see, fetched as
    another newsroom would (page 1, 2, … until a 404), and written below ``folder``."""
    pages = {}
    for slug in Tag.objects.order_by("slug").values_list("slug", flat=True):
        number = 1
        while (response := client.get(f"/tags/{slug}/digest.txt?page={number}")).status_code == 200:
            name = FILE_NAME.match(response["Content-Disposition"]).group(1)
            pages[f"{slug}/{name}"] = response.content
            number += 1
        assert response.status_code == 404, (slug, number)
    if folder is not None:
        for name, data in pages.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    return pages


def teaser(number):
    # Two paragraphs, a non-breaking space inside and the wire's cut, as digests have them.
    return f"Opening of story {number}.\n\nMore\u00a0on story {number}, cut by the wire.\u00a0…"


@pytest.fixture
def archive():
    """The seeds (North Korea, 2 pages) and a bigger tag, Asia: 57 items of its own on 6
    pages, 3 of North Korea's among them, a draft and a scheduled item; a non-ASCII tag."""
    run_command("import_digests", str(SEEDS))
    asia = tag("Asia")
    for number in range(57):
        make_item(f"Asia story {number}", asia, teaser=teaser(number))
    shared = Item.objects.filter(title__startswith="Russia").order_by("id")[:3]
    add_tag(Item.objects.filter(pk__in=list(shared.values_list("pk", flat=True))), asia)
    draft("An Asian draft", asia)
    scheduled("Asia tomorrow", asia)
    for number in range(3):
        make_item(f"Abidjan {number}", "Côte d’Ivoire", "Asia", teaser=teaser(100 + number))
    draft("Only a draft", "Embargo")


def test_our_served_digests_import_into_an_empty_database_as_themselves(client, tmp_path, archive):
    wire = tmp_path / "served"
    first = served_digests(client, wire)
    pages_by_tag = {}
    for name in first:
        pages_by_tag.setdefault(name.split("/")[0], []).append(name.split("/")[1][:3])
    assert pages_by_tag == {
        "asia": ["000", "001", "002", "003", "004", "005", "006"],  # 57 + 3 + 3 = 63 items
        "cote-divoire": ["000"],
        "north-korea": ["000", "001"],
    }
    seeds = [first[name] for name in first if name.startswith("north-korea/")]
    assert seeds == [SEED_PAGE_1.read_bytes(), SEED_PAGE_2.read_bytes()]
    everything = b"".join(first.values()).decode()
    assert "An Asian draft" not in everything and "Asia tomorrow" not in everything

    call_command("flush", interactive=False, verbosity=0)
    assert Item.objects.count() == 0
    run_command("import_digests", *(str(folder) for folder in sorted(wire.iterdir())))

    assert served_digests(client) == first
    assert Item.objects.count() == 20 + 57 + 3  # each shared story imported once


def test_each_served_page_is_export_digests_output(client, archive):
    for name, data in served_digests(client).items():
        slug, file_name = name.split("/")
        page = int(file_name[:3]) + 1
        out, _ = run_command("export_digest", slug, "--page", str(page))
        assert data == out.encode("utf-8"), name
