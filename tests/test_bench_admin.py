"""The admin benchmark (bench/admin.py) on a tiny database: its data, the dashboard's import
log, and a line for every page, each answering 200. Nothing here is timed; ``make
bench-admin`` measures."""

import subprocess
import sys

import pytest
from django.db import connection

from articles.models import ImportChange, ImportRun, Item, TaggedItem
from bench import admin
from tests.factories import ROOT

pytestmark = pytest.mark.django_db


def test_the_data_has_drafts_and_items_in_two_tags():
    admin.fill_rows(2000, 20)

    assert Item.objects.count() == 2000
    assert Item.objects.filter(status=Item.Status.DRAFT).count() == 200
    assert TaggedItem.objects.count() == 2000 + 200


def test_the_desk_is_an_import_log_of_finished_runs():
    admin.fill_rows(2000, 20)

    admin.fill_desk_rows()

    runs = ImportRun.objects.all()
    assert runs.count() == admin.RUNS
    assert {run.state for run in runs} == {ImportRun.State.FINISHED}
    assert not any(run.is_active or run.background for run in runs)
    changes = ImportChange.objects.values_list("kind", flat=True)
    assert changes.filter(kind=ImportChange.Kind.ITEM_CREATED).count() == 2000
    assert changes.filter(kind=ImportChange.Kind.ITEM_CONFLICT).count() == 2
    assert changes.filter(kind=ImportChange.Kind.TAG_CREATED).count() == 20


def test_every_page_answers_and_has_its_line(capsys):
    admin.fill_rows(6000, 20)  # page 100 of the items: 50 a page
    admin.fill_desk_rows()

    admin.report(1)  # a page answering other than 200 exits

    out = capsys.readouterr().out
    assert "Admin changelists on " in out and "6,000 items, 20 tags, 6,600 links" in out
    lines = [line.strip() for line in out.splitlines()[1:]]
    assert [line[:24].rstrip() for line in lines] == [label for label, _ in admin.PAGES]
    assert all(
        " ms " in line and line.split()[-1] == "queries" for line in lines if "(" not in line
    )


def test_its_pages_link_the_apps_static_files_without_collectstatic():
    # As `make bench-admin` runs it: DEBUG off, and no STATIC_MANIFEST (the suite sets it).
    code = (
        "import bench.admin\n"
        "from django.conf import settings\n"
        "print(settings.STORAGES['staticfiles']['BACKEND'])"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )

    assert run.stdout.strip() == "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_its_database_is_opened_without_a_serialized_copy(monkeypatch):
    opened = []
    monkeypatch.setattr(admin, "setup_test_environment", lambda: None)  # the suite's is set up
    monkeypatch.setattr(connection.creation, "create_test_db", lambda **kw: opened.append(kw))
    monkeypatch.setitem(connection.settings_dict, "TEST", {})

    admin.own_database("admin", 0, 0, fill=None)  # the counts match: nothing to fill

    assert [options["serialize"] for options in opened] == [False]
