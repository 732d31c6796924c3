"""The admin index's dashboard (articles/dashboard.py): the last runs and their outcome, open
conflicts, items coming out in 48 hours, drafts, tags changed lately; counts, rows, links to
filtered changelists, and a fixed number of queries whatever the size of the archive."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import dashboard
from articles.dashboard import Outcome, capped_count, run_outcome
from articles.importing import undo_run
from articles.models import ImportChange, ImportRun, Item, TagMerge
from tests.factories import HOUR, draft, import_digest, logged_in, make_item, scheduled, tag
from tests.pages import parse_strictly, texts

pytestmark = pytest.mark.django_db

INDEX = "/admin/"


def panels(client):
    """{panel title: (count, [row texts], link)} as the index shows them."""
    response = client.get(INDEX)
    assert response.status_code == 200
    document = parse_strictly(response.content)
    found = {}
    for panel in document.iterfind(".//div[@id='desk']/div[@class='module desk-panel']"):
        heading = panel.find("h2/a")
        title, count = "".join(heading.itertext()).rsplit(": ", 1)
        found[title] = (count, texts(panel, ".//li/a"), heading.get("href"))
    return found


def run_rows(client):
    document = parse_strictly(client.get(INDEX).content)
    return [
        (texts(row, "th")[0], texts(row, "td")[1])
        for row in document.iterfind(".//div[@id='desk-runs']//tbody/tr")
    ]


def listed(client, url):
    """The titles (or names) a filtered changelist lists."""
    response = client.get(url)
    assert response.status_code == 200, url
    return sorted(str(row) for row in response.context["cl"].result_list)


def make_conflict(title, tag_name="Korea"):
    """An item an editor changed, then imported again with other text: a conflict."""
    import_digest(f"000_{title}_a.txt", tag_name, (title, ["Wire text one."]))
    item = Item.objects.get(title=title)
    item.title = f"{title} (edited)"
    item.mark_edited(None)
    item.save()
    summary = import_digest(f"000_{title}_b.txt", tag_name, (title, ["Wire text two."]))
    return item, ImportRun.objects.get(pk=summary.run_id)


class TestOutcome:
    @pytest.mark.parametrize(
        ("fields", "outcome"),
        [
            ({"files": 2, "files_imported": 2}, Outcome.IMPORTED),
            ({"files": 2, "files_imported": 2, "conflicts": 1}, Outcome.CONFLICTS),
            ({"files": 2, "files_imported": 1, "files_failed": 1}, Outcome.PARTLY_FAILED),
            ({"files": 1, "files_failed": 1}, Outcome.FAILED),
            ({"files": 1, "files_unchanged": 1}, Outcome.NOTHING_NEW),
            ({"files": 1, "finished_at": None}, Outcome.UNFINISHED),
            ({"origin": ImportRun.Origin.UNDO}, Outcome.UNDO),
        ],
    )
    def test_a_run_in_one_word(self, fields, outcome):
        run = ImportRun(**{"finished_at": timezone.now(), **fields})

        assert run_outcome(run) == outcome

    def test_the_index_lists_the_last_runs_newest_first_with_their_outcome(self, client, editor):
        import_digest("000_one.txt", "Korea", "First")
        import_digest("000_bad.txt", "Korea", "Second")
        ImportRun.objects.filter(pk=ImportRun.objects.latest("pk").pk).update(
            files_failed=1, files_imported=0, errors=["bad.txt:1: expected …"]
        )

        rows = run_rows(client)

        assert [outcome for _, outcome in rows] == ["failed", "imported"]


class TestPanels:
    def test_open_conflicts_count_list_and_link(self, client, editor):
        item, _ = make_conflict("Talks")
        make_item("Untouched", "Korea")

        count, rows, link = panels(client)["Open conflicts"]

        assert (count, rows) == ("1", ["Talks (edited)"])
        assert listed(client, link) == ["Talks (edited)"]

    def test_an_undone_runs_conflict_is_not_open(self, client, editor):
        _, run = make_conflict("Talks")
        undo_run(run)

        assert panels(client)["Open conflicts"][:2] == ("0", [])

    def test_items_coming_out_in_the_next_48_hours(self, client, editor):
        scheduled("Tonight", "Korea", ahead=5 * HOUR)
        scheduled("In two days", "Korea", ahead=47 * HOUR)
        scheduled("Next week", "Korea", ahead=7 * 24 * HOUR)
        make_item("Out already", "Korea")
        draft("Draft", "Korea")

        count, rows, link = panels(client)["Coming out in the next 48 hours"]

        assert (count, rows) == ("2", ["Tonight", "In two days"])
        assert listed(client, link) == ["In two days", "Tonight"]

    def test_drafts_waiting(self, client, editor):
        for number in range(7):
            draft(f"Draft {number}", "Korea")
        make_item("Published", "Korea")

        count, rows, link = panels(client)["Drafts waiting"]

        assert count == "7"
        assert rows == [f"Draft {number}" for number in (6, 5, 4, 3, 2, 1, 0)][:5]
        assert len(listed(client, link)) == 7

    def test_tags_made_edited_or_merged_into_lately(self, client, editor):
        import_digest("000_new.txt", "Made by an import", "Story")
        edited, merged_into, old = tag("Edited"), tag("Merged into"), tag("Old")
        LogEntry.objects.log_actions(editor.pk, [edited], CHANGE, change_message="Renamed.")
        TagMerge.objects.create(target=merged_into, target_name=merged_into.name)
        long_ago = timezone.now() - timedelta(days=8)
        import_digest("000_old.txt", "Old", "Old story")
        ImportRun.objects.filter(changes__object_id=old.pk).update(started_at=long_ago)

        count, rows, link = panels(client)["Tags changed in the last 7 days"]

        assert count == "3"
        assert rows == ["Edited", "Made by an import", "Merged into"]
        assert listed(client, link) == rows

    def test_counts_stop_at_the_cap(self):
        for number in range(3):
            draft(f"Draft {number}")

        assert str(capped_count(Item.objects.all(), cap=2)) == "2+"
        assert str(capped_count(Item.objects.all(), cap=3)) == "3"

    def test_each_role_sees_the_panels_of_what_it_may_view(self, client):
        logged_in(client, "chief", "Chief editors")
        assert panels(client) == {}
        assert run_rows(client) == []

        logged_in(client, "importer", "Importers")
        make_item("Story", "Korea")
        assert "Drafts waiting" in panels(client)

    def test_nothing_inline_on_the_index(self, client, editor):
        make_conflict("Talks")

        content = client.get(INDEX).content.decode()
        desk = content[content.index('<div id="desk">') :]

        assert " style=" not in desk and "<script" not in desk


class TestBounded:
    def fill(self, size):
        """size of each: runs, conflicts, scheduled, drafts, published items, new tags."""
        for number in range(size):
            make_conflict(f"Conflict {size}-{number}", tag_name=f"Tag {size}-{number}")
            scheduled(f"Soon {size}-{number}", "Korea", ahead=(number + 1) * HOUR)
            draft(f"Draft {size}-{number}", "Korea")
            make_item(f"Published {size}-{number}", "Korea")

    def queries(self, client):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(INDEX).status_code == 200
        return len(captured)

    def test_the_index_runs_as_many_queries_at_two_sizes(self, client, editor):
        self.fill(2)
        small = self.queries(client)
        self.fill(8)
        large = self.queries(client)

        assert small == large
        assert ImportChange.objects.filter(kind="item_conflict").count() == 10

    @pytest.mark.parametrize("query", ["conflict=open", "visible=soon", "status__exact=draft"])
    def test_the_filtered_changelists_too(self, client, editor, query):
        url = f"{reverse('admin:articles_item_changelist')}?{query}"
        self.fill(2)
        small = self.queries_of(client, url)
        self.fill(6)

        assert self.queries_of(client, url) == small

    def queries_of(self, client, url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)


def test_the_rules_are_the_dashboards_and_the_filters_alike():
    soon = scheduled("Soon", "Korea", ahead=HOUR)

    assert list(dashboard.scheduled_soon()) == [soon]
    assert list(dashboard.drafts()) == []
