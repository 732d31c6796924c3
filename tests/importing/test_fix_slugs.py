"""manage.py fix_slugs: meaningless slugs from before transliteration get readable ones, the
old URLs redirecting."""

import pytest

from articles.models import Tag
from tests.factories import make_item
from tests.pages import run_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_slugs():
    """Tags as the NFKD slugs left them: 北朝鮮 at "tag", Россия at "tag-2", Straße "strae"."""
    for name, slug in [("北朝鮮", "tag"), ("Россия", "tag-2"), ("Straße", "strae")]:
        make_item(f"A story of {slug}", Tag.objects.create(name=name, slug=slug))
    Tag.objects.create(name="Tag")  # "tag" taken, it would be "tag-3": left alone
    Tag.objects.create(name="Kim Jong-un", slug="kim-jong-un-2")  # a suffixed slug: fine


def test_dry_run_lists_the_fixes_and_writes_nothing(old_slugs):
    out, _ = run_command("fix_slugs", "--dry-run")

    assert out.splitlines() == [
        "北朝鮮: /tags/tag/ -> /tags/bei-chao-xian/",
        "Россия: /tags/tag-2/ -> /tags/rossiya/",
        "Straße: /tags/strae/ -> /tags/strasse/",
        "Would fix 3 tag slugs (dry run: nothing written).",
    ]
    assert Tag.objects.get(name="北朝鮮").slug == "tag"
    assert not Tag.objects.filter(old_slugs__isnull=False).exists()


def test_stale_slugs_are_fixed_and_the_old_urls_redirect(old_slugs, client):
    out, _ = run_command("fix_slugs")

    assert out.splitlines()[-1] == "Fixed 3 tag slugs; the old URLs redirect to the new ones."
    assert Tag.objects.get(name="北朝鮮").slug == "bei-chao-xian"
    for old, new in [("tag", "bei-chao-xian"), ("tag-2", "rossiya"), ("strae", "strasse")]:
        response = client.get(f"/tags/{old}/", {"page": "1"})
        assert (response.status_code, response["Location"]) == (301, f"/tags/{new}/?page=1")
    assert Tag.objects.get(name="Tag").slug == "tag-3"
    assert Tag.objects.get(name="Kim Jong-un").slug == "kim-jong-un-2"


def test_a_second_run_finds_nothing_to_fix(old_slugs):
    run_command("fix_slugs")

    out, _ = run_command("fix_slugs")

    assert out.splitlines() == ["Fixed 0 tag slugs; the old URLs redirect to the new ones."]
