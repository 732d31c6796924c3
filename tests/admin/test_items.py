"""The item changelist and change form, through the test client."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import editing
from articles.admin.items import ItemAdmin
from articles.models import ImportRun, Item, Tag
from articles.tag_services import add_alias
from tests.factories import SEED_PAGE_2, import_digest, make_item, tag_names
from tests.pages import changelist_queries, item_form_data, run_command

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_item_changelist")


def change_url(item):
    return reverse("admin:articles_item_change", args=[item.pk])


def textarea_value(page_html, name):
    match = re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', page_html, re.S)
    return html.unescape(match.group(1))


class TestChangelist:
    def test_columns_show_tags_status_times_last_edit_and_sources(self, client, editor, seeded):
        item = Item.objects.get(title__startswith="Putin awards")
        item.mark_edited(editor)
        item.save()

        page = client.get(CHANGELIST, {"q": "victory medal"}).text

        assert html.escape(item.title) in page
        assert "North Korea" in page  # tags column
        assert "editor, " in page  # last edited
        assert "North Korea p1 #" in page  # source digest and position
        for column in ("status", "publish at", "unpublish at", "last edited", "source digests"):
            assert f">{column.capitalize()}<" in page or column in page.lower()

    def test_queries_do_not_grow_with_the_page_size(self, client, editor, seeded, monkeypatch):
        # seeded: 20 items, each with tags and digests
        extra = Tag.objects.create(name="Extra")
        for item in Item.objects.all()[:10]:
            item.tags.add(extra)

        def queries_for(per_page):
            return changelist_queries(client, CHANGELIST, ItemAdmin, per_page, monkeypatch)

        assert queries_for(2) == queries_for(20)
        # Session, user, user's and groups' permissions, the run filter's runs, the count,
        # the page, its tags, its digests, the date hierarchy's bounds and dates: none per row.
        # PostgreSQL asks pg_class for the table's size first (EstimatedCountPaginator).
        assert queries_for(20) == (12 if connection.vendor == "postgresql" else 11)

    def test_no_full_count_of_the_table(self, client, editor):
        make_item("One")
        with CaptureQueriesContext(connection) as queries:
            client.get(CHANGELIST, {"status__exact": "published"})
        counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
        # Only the filtered count of the paginator: show_full_result_count is off.
        assert len(counts) == 1
        assert "WHERE" in counts[0].upper()

    def test_search_finds_words_of_the_title_and_of_the_text(self, client, editor):
        make_item("Harvest festival", teaser="Farmers gather the rice crop.")
        make_item("Missile test", teaser="A launch over the sea.")

        by_title = client.get(CHANGELIST, {"q": "festival"}).text
        by_text = client.get(CHANGELIST, {"q": "launch"}).text

        assert "Harvest festival" in by_title and "Missile test" not in by_title
        assert "Missile test" in by_text and "Harvest festival" not in by_text

    def test_filters_by_tag_run_edited_and_status(self, client, editor):
        first = make_item("Tagged", "Asia")
        make_item("Other", "Europe", status=Item.Status.DRAFT)
        edited = make_item("Edited")
        edited.mark_edited(editor)
        edited.save()
        summary = import_digest("a.txt", "Wire", "Imported")

        def titles(**params):
            page = client.get(CHANGELIST, params).text
            return {t for t in ("Tagged", "Other", "Edited", "Imported") if f">{t}<" in page}

        assert titles(tag="asia") == {"Tagged"}
        assert titles(tag="ASIA") == {"Tagged"}  # a name, whatever its spelling, works too
        assert titles(run=str(summary.run_id)) == {"Imported"}
        assert titles(edited="yes") == {"Edited"}
        assert titles(status__exact="draft") == {"Other"}
        assert "Tagged" in titles(visible="now")
        assert first.pk


class TestChangeForm:
    def test_a_round_trip_keeps_the_teaser_byte_for_byte(self, client, editor):
        run_command("import_digests", str(SEED_PAGE_2))
        item = Item.objects.filter(teaser__contains="\n\n").first()
        original = item.teaser
        assert "\u00a0" in original

        shown = textarea_value(client.get(change_url(item)).text, "teaser")
        assert shown == original
        data = item_form_data(item, teaser=shown.replace("\n", "\r\n"), title="Retitled")
        response = client.post(change_url(item), data)

        assert response.status_code == 302, response.context["adminform"].form.errors
        item.refresh_from_db()
        assert item.teaser.encode() == original.encode()
        assert item.title == "Retitled"

    @pytest.mark.parametrize(
        ("teaser", "message"),
        [
            ("One line\r\nbroken.", "line break inside paragraph 1"),
            ("First.\r\n\r\nEnds with a space. ", "paragraph 2 to start and end with text"),
            ("First.\r\n\r\n\r\n\r\nSecond.", "expected text in paragraph 2"),
        ],
    )
    def test_paragraphs_must_be_clean(self, client, editor, teaser, message):
        item = make_item("Story")

        response = client.post(change_url(item), item_form_data(item, teaser=teaser))

        assert response.status_code == 200
        assert message in response.text
        item.refresh_from_db()
        assert item.teaser == "Teaser of Story.\u00a0\u2026"

    def test_saving_records_the_editor_so_imports_keep_their_version(self, client, editor):
        import_digest("a.txt", "Asia", ("Wire story", ["First copy.\u00a0…"]))
        item = Item.objects.get()

        client.post(change_url(item), item_form_data(item, title="Editor's title"))
        item.refresh_from_db()
        assert item.edited_by == editor and item.edited_at is not None

        summary = import_digest("b.txt", "Asia", ("Wire story", ["Second copy.\u00a0…"]))
        item.refresh_from_db()
        assert summary.items.conflict == 1
        assert (item.title, item.teaser) == ("Editor's title", "First copy.\u00a0…")

    @pytest.mark.django_db(transaction=True)  # the save must roll back on its own
    def test_a_revert_that_fails_while_tagging_leaves_the_item_as_it_was(
        self, client, editor, monkeypatch
    ):
        item = make_item("Story", "Asia")
        first = item.history.earliest()
        revert = reverse("admin:articles_item_simple_history", args=[item.pk, first.history_id])

        def fail(*args, **kwargs):
            raise RuntimeError("simulated failure after the item's row was saved")

        monkeypatch.setattr(editing, "set_tags", fail)
        client.raise_request_exception = True
        with pytest.raises(RuntimeError):
            # simple-history's revert view, unlike the change form, opens no transaction.
            client.post(revert, item_form_data(item, title="Half saved"))

        item.refresh_from_db()
        assert (item.title, item.edited_at) == ("Story", None)
        assert item.history.count() == 1

    def test_tags_are_matched_by_key_and_new_ones_allowed(self, client, editor):
        korea = Tag.objects.create(name="North Korea")
        add_alias(korea, "DPRK")
        item = make_item("Story", "Asia")

        response = client.post(
            change_url(item),
            item_form_data(item, tag_names=["north-korea", "dprk", "climate change", "Asia"]),
        )

        assert response.status_code == 302
        assert tag_names(item) == ["Asia", "North Korea", "climate change"]
        assert Tag.objects.count() == 3

    def test_a_new_item_gets_its_tags(self, client, editor):
        response = client.post(
            reverse("admin:articles_item_add"),
            {
                "title": "Made by hand",
                "slug": "made-by-hand",
                "teaser": "Text\u00a0here.",
                "tag_names": ["Climate change"],
                "status": "draft",
            },
        )

        assert response.status_code == 302
        item = Item.objects.get()
        assert tag_names(item) == ["Climate change"]
        assert (item.teaser, item.edited_by) == ("Text\u00a0here.", editor)

    def test_the_autocomplete_suggests_tags_by_name_or_alias(self, client, editor):
        korea = Tag.objects.create(name="North Korea")
        add_alias(korea, "DPRK")
        Tag.objects.create(name="South Korea")
        url = reverse("admin:articles_tag_names")

        def names(term):
            return [result["id"] for result in client.get(url, {"term": term}).json()["results"]]

        assert names("korea") == ["North Korea", "South Korea"]
        assert names("dpr") == ["North Korea"]
        assert names("north-kor") == ["North Korea"]

    def test_provenance_is_shown_read_only_with_a_view_on_site_link(self, client, editor, seeded):
        item = Item.objects.first()

        page = client.get(change_url(item)).text

        assert "000_56f7566008ce34c6.txt — North Korea, page 1, position 1" in page
        assert f"Import #{ImportRun.objects.get().pk}" in page
        assert 'name="import_key"' not in page
        assert "View on site" in page
        on_site = re.search(r'href="([^"]+)" class="viewsitelink"', page).group(1)
        assert client.get(on_site)["Location"].endswith(item.get_absolute_url())

    def test_the_publication_window_is_validated(self, client, editor):
        item = make_item("Story")
        now = timezone.localtime()
        data = item_form_data(
            item,
            unpublish_at_0=f"{now - timedelta(days=1):%Y-%m-%d}",
            unpublish_at_1="10:00:00",
        )

        response = client.post(change_url(item), data)

        assert "expected a time after the publication time" in response.text
