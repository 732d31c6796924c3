"""The admin in the newsroom's time zone (TIME_ZONE): times shown and typed in it, named
beside each time field."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from articles.models import Item
from tests.factories import draft, make_item
from tests.pages import item_form_data, parse_strictly, texts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("berlin")]

# 22:30 UTC on 30 June is half past midnight on 1 July in Berlin (CEST, UTC+2).
MOMENT = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)


def change_url(item):
    return reverse("admin:articles_item_change", args=[item.pk])


def inputs(document, name):
    return [
        document.find(f".//input[@name='{name}_0']").get("value"),
        document.find(f".//input[@name='{name}_1']").get("value"),
    ]


def test_the_change_form_shows_times_in_the_zone_and_names_it(client, editor):
    item = make_item("Midnight story", "Korea", published_at=MOMENT)

    page = client.get(change_url(item)).content.decode()
    document = parse_strictly(page)

    assert inputs(document, "published_at") == ["2026-07-01", "00:30:00"]
    publish_at = document.find(".//p[@class='datetime']")
    assert "Time (Europe/Berlin):" in "".join(publish_at.itertext())
    assert page.count("Time (Europe/Berlin):") == 2  # publish at, unpublish at


def publish_draft_at(client, day, time):
    """A new draft published from its change form at day and time, as typed; (item, response)."""
    item = draft("Story", "Korea")
    data = item_form_data(item, status="published", published_at_0=day, published_at_1=time)
    return item, client.post(change_url(item), data)


def test_times_typed_are_read_in_the_zone(client, editor):
    item, response = publish_draft_at(client, "2026-07-01", "00:30:00")

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.published_at == MOMENT


def test_a_time_the_clocks_skip_is_a_form_error(client, editor):
    # 29 March 2026: Berlin's clocks go from 02:00 to 03:00.
    item, response = publish_draft_at(client, "2026-03-29", "02:30:00")

    assert response.status_code == 200
    assert "couldn’t be interpreted in time zone Europe/Berlin" in response.content.decode()
    item.refresh_from_db()
    assert (item.status, item.published_at) == ("draft", None)


def test_the_schedule_action_names_the_zone_and_reads_it(client, editor):
    item = draft("Story", "Korea")
    url = reverse("admin:articles_item_changelist")
    selection = {"action": "schedule", "_selected_action": [item.pk]}

    form = client.post(url, selection).content.decode()
    client.post(
        url,
        {
            **selection,
            "apply": "1",
            "published_at_0": "2026-07-01",
            "published_at_1": "00:30:00",
        },
    )

    assert form.count("Time (Europe/Berlin):") == 2
    item.refresh_from_db()
    assert item.published_at == MOMENT


def test_the_list_shows_times_in_the_zone_named_in_the_header(client, editor):
    make_item("Midnight story", "Korea", published_at=MOMENT)

    page = client.get(reverse("admin:articles_item_changelist")).content.decode()

    assert "July 1, 2026, 12:30 a.m." in page
    assert texts(parse_strictly(page), ".//div[@id='site-time-zone']") == ["Times in Europe/Berlin"]
    assert Item.objects.get().published_at == MOMENT
