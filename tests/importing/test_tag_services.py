"""Tag services: find by any spelling, rename (old URLs 301), aliases, merge (no tag lost)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import tag_services
from articles.models import Digest, Item, Tag, TagAlias, TaggedItem, TagMerge, TagOldSlug
from articles.tag_services import FoundBy, TagMatch
from tests.factories import make_item, tag_names, write_digest
from tests.pages import run_command

pytestmark = pytest.mark.django_db


class TestFinding:
    def test_a_tag_is_found_by_its_name_whatever_the_spelling(self):
        tag = Tag.objects.create(name="Kim Jong-un")

        assert tag_services.find_tag("kim jong un") == tag
        assert tag_services.find_tag("KIM JONG–UN") == tag
        assert tag_services.find_tag("Kim Jong-il") is None

    def test_a_tag_is_found_by_an_alias(self):
        tag = Tag.objects.create(name="North Korea")
        tag_services.add_alias(tag, "DPRK")

        assert tag_services.find_tag("dprk") == tag
        assert tag_services.get_or_create_tag("D.P.R.K.")[1] is True

    def test_tags_for_names_reuses_known_tags_and_aliases_and_creates_the_rest(self):
        korea = Tag.objects.create(name="North Korea")
        tag_services.add_alias(korea, "DPRK")

        tags = tag_services.tags_for_names(
            ["north-korea", "dprk", "Climate change", "climate Change"]
        )

        assert tags[0] == korea
        assert [tag.name for tag in tags] == ["North Korea", "Climate change"]
        assert Tag.objects.count() == 2

    def test_tags_for_names_costs_the_same_whatever_the_number_of_known_names(self):
        names = [f"Tag {n}" for n in range(30)]
        for name in names:
            Tag.objects.create(name=name)

        with CaptureQueriesContext(connection) as few:
            tag_services.tags_for_names(names[:2])
        with CaptureQueriesContext(connection) as many:
            tag_services.tags_for_names(names)

        assert len(many) == len(few)


class TestAliases:
    def test_an_alias_cannot_be_another_tags_name_or_alias(self):
        korea = Tag.objects.create(name="North Korea")
        south = Tag.objects.create(name="South Korea")
        tag_services.add_alias(korea, "DPRK")

        with pytest.raises(ValidationError, match="which is the tag 'South Korea'"):
            tag_services.add_alias(korea, "south-korea")
        with pytest.raises(ValidationError, match="an alias of the tag 'North Korea'"):
            tag_services.add_alias(south, "dprk")

    def test_two_aliases_with_one_key_cannot_exist(self):
        korea = Tag.objects.create(name="North Korea")
        TagAlias.objects.create(tag=korea, name="DPRK")

        with pytest.raises(IntegrityError), transaction.atomic():
            TagAlias.objects.create(tag=korea, name="dprk")

    def test_the_importer_maps_an_alias_in_a_digest_header_to_its_tag(self, tmp_path):
        tag = Tag.objects.create(name="Kim Jong-un")
        tag_services.add_alias(tag, "Supreme Leader")
        path = write_digest(tmp_path, "000_a.txt", "SUPREME leader", "Summit held")

        run_command("import_digests", str(path))

        assert list(Tag.objects.values_list("name", flat=True)) == ["Kim Jong-un"]
        assert list(Item.objects.for_tag(tag).values_list("title", flat=True)) == ["Summit held"]
        assert Digest.objects.get().tag == tag


class TestRename:
    def test_the_old_slug_redirects_to_the_new_tag_page(self, client):
        tag = Tag.objects.create(name="Global warming")
        make_item("Ice melts", tag)

        tag_services.rename_tag(tag, "Climate change")

        tag.refresh_from_db()
        assert (tag.name, tag.slug) == ("Climate change", "climate-change")
        assert tag_services.lookup_tag("global-warming") == TagMatch(tag, FoundBy.OLD_SLUG)
        assert tag_services.lookup_tag("climate-change") == TagMatch(tag, FoundBy.SLUG)
        response = client.get("/tags/global-warming/?page=1")
        assert response.status_code == 301
        assert response["Location"] == "/tags/climate-change/?page=1"
        page = client.get(reverse("articles:tag", kwargs={"slug": "climate-change"}))
        assert "Ice melts" in page.text

    def test_an_unknown_slug_is_still_a_404(self, client):
        assert tag_services.lookup_tag("nothing") is None
        assert client.get("/tags/nothing/").status_code == 404

    def test_the_old_name_becomes_an_alias_so_imports_keep_finding_the_tag(self, tmp_path):
        tag = Tag.objects.create(name="Global warming")
        tag_services.rename_tag(tag, "Climate change")
        path = write_digest(tmp_path, "000_a.txt", "Global Warming", "Seas rise")

        run_command("import_digests", str(path))

        assert Tag.objects.get().name == "Climate change"
        assert list(tag.aliases.values_list("name", flat=True)) == ["Global warming"]

    def test_a_rename_within_one_key_changes_only_the_spelling(self):
        tag = Tag.objects.create(name="Kim Jong Un")

        tag_services.rename_tag(tag, "Kim Jong-un")

        tag.refresh_from_db()
        assert (tag.name, tag.slug) == ("Kim Jong-un", "kim-jong-un")
        assert not TagOldSlug.objects.exists()
        assert not TagAlias.objects.exists()

    def test_a_rename_onto_another_tags_name_is_refused(self):
        tag = Tag.objects.create(name="Global warming")
        Tag.objects.create(name="Climate change")

        with pytest.raises(ValidationError, match="merge the tags instead"):
            tag_services.rename_tag(tag, "climate-change")
        tag.refresh_from_db()
        assert tag.name == "Global warming"

    def test_renaming_back_reclaims_the_old_slug(self, client):
        tag = Tag.objects.create(name="Global warming")
        tag_services.rename_tag(tag, "Climate change")
        tag_services.rename_tag(tag, "Global warming")

        tag.refresh_from_db()
        assert tag.slug == "global-warming"
        assert list(TagOldSlug.objects.values_list("slug", flat=True)) == ["climate-change"]
        assert list(tag.aliases.values_list("name", flat=True)) == ["Climate change"]
        assert client.get("/tags/climate-change/")["Location"] == "/tags/global-warming/"

    def test_a_new_slug_avoids_slugs_other_tags_had(self):
        other = Tag.objects.create(name="Climate change")
        tag_services.rename_tag(other, "Climate")
        tag = Tag.objects.create(name="Global warming")

        tag_services.rename_tag(tag, "Climate  Change!")

        assert tag.slug == "climate-change-2"
        assert tag_services.lookup_tag("climate-change") == TagMatch(other, FoundBy.OLD_SLUG)

    def test_a_new_tag_does_not_take_over_a_retired_slug(self, client):
        other = Tag.objects.create(name="Climate change")
        tag_services.rename_tag(other, "Climate")

        new = Tag.objects.create(name="Climate-change!")

        assert new.slug == "climate-change-2"
        assert client.get("/tags/climate-change/")["Location"] == "/tags/climate/"


class TestMerge:
    def test_items_keep_every_other_tag_and_get_the_target_once(self):
        red, rouge, crimson, other = (
            Tag.objects.create(name=name) for name in ("Red", "Rouge", "Crimson", "Other")
        )
        only_red = make_item("Only red", red)
        only_rouge = make_item("Only rouge", rouge, other)
        both = make_item("Both", red, rouge, crimson)
        two_sources = make_item("Two sources", rouge, crimson)

        merge = tag_services.merge_tags(sources=[red, rouge, crimson], target=red)

        assert tag_names(only_red) == ["Red"]
        assert tag_names(only_rouge) == ["Other", "Red"]
        assert tag_names(both) == ["Red"]
        assert tag_names(two_sources) == ["Red"]
        assert sorted(Tag.objects.values_list("name", flat=True)) == ["Other", "Red"]
        assert merge.items_moved == 2  # only rouge and two sources were not tagged red before
        assert merge.items_already_tagged == 1
        assert sorted(source["name"] for source in merge.sources) == ["Crimson", "Rouge"]

    def test_merged_names_become_aliases_and_old_slugs_redirect(self, client):
        target = Tag.objects.create(name="Kim Jong-un")
        source = Tag.objects.create(name="Kim Jong Il's son")
        tag_services.add_alias(source, "Marshal Kim")
        TagOldSlug.objects.create(tag=source, slug="the-marshal")
        make_item("Parade", source)

        tag_services.merge_tags(sources=[source], target=target)

        assert sorted(target.aliases.values_list("name", flat=True)) == [
            "Kim Jong Il's son",
            "Marshal Kim",
        ]
        assert tag_services.find_tag("marshal kim") == target
        for slug in ("kim-jong-ils-son", "the-marshal"):
            response = client.get(f"/tags/{slug}/")
            assert (response.status_code, response["Location"]) == (301, "/tags/kim-jong-un/")
        assert "Parade" in client.get("/tags/kim-jong-un/").text

    def test_digests_that_named_a_source_point_at_the_target(self, tmp_path):
        run_command("import_digests", str(write_digest(tmp_path, "000_a.txt", "Pyongyang", "A")))
        source = Tag.objects.get(name="Pyongyang")
        target = Tag.objects.create(name="North Korea")

        tag_services.merge_tags(sources=[source], target=target)

        assert Digest.objects.get().tag == target
        assert TagMerge.objects.get().target == target

    def test_the_plan_shows_what_will_happen(self):
        red, rouge = Tag.objects.create(name="Red"), Tag.objects.create(name="Rouge")
        make_item("One", red, rouge)
        make_item("Two", rouge)

        plan = tag_services.plan_merge([red, rouge], red)

        assert plan.sources == [rouge]
        assert (plan.moved, plan.already_tagged) == (1, 1)
        assert plan.redirects == ["rouge"]
        assert plan.aliases == ["Rouge"]

    def test_merging_a_tag_into_itself_alone_is_refused(self):
        red = Tag.objects.create(name="Red")

        with pytest.raises(ValidationError, match="at least one tag"):
            tag_services.merge_tags(sources=[red], target=red)

    def test_queries_do_not_grow_with_the_number_of_tagged_items(self):
        def merge_with(count):
            target = Tag.objects.create(name=f"Target {count}")
            source = Tag.objects.create(name=f"Source {count}")
            for n in range(count):
                make_item(f"Item {count} {n}", source, *([target] if n % 2 else []))
            with CaptureQueriesContext(connection) as queries:
                tag_services.merge_tags(sources=[source], target=target)
            assert TaggedItem.objects.filter(tag=target).count() == count
            return len(queries)

        assert merge_with(2) == merge_with(12)


class TestSlugs:
    @pytest.mark.parametrize(
        ("name", "url"),
        [
            ("北朝鮮", "/tags/bei-chao-xian/"),
            ("Россия", "/tags/rossiya/"),
            ("Ελλάδα", "/tags/ellada/"),
            ("مصر", "/tags/msr/"),
        ],
    )
    def test_non_latin_names_get_readable_urls_that_serve_the_tag(self, client, name, url):
        make_item("A story", name)

        tag = Tag.objects.get(name=name)
        assert tag.get_absolute_url() == url
        assert "A story" in client.get(url).text
