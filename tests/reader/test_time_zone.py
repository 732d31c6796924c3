"""The public site in the newsroom's time zone (TIME_ZONE): dates and times shown in it, and
the date filters' days are its days."""

from datetime import UTC, datetime

import pytest

from tests.factories import make_item
from tests.pages import parse_strictly, texts, titles_on

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("berlin")]

# 22:30 UTC on 30 June is half past midnight on 1 July in Berlin (CEST, UTC+2).
MOMENT = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)


def test_the_item_page_shows_its_time_in_the_zone(client):
    item = make_item("Midnight story", "Korea", published_at=MOMENT)

    document = parse_strictly(client.get(item.get_absolute_url()).content)

    [time] = document.iterfind(".//article/header//time")
    assert time.text == "1 July 2026, 00:30 CEST"
    assert time.get("datetime") == "2026-07-01T00:30:00+02:00"


def test_a_tag_page_dates_items_by_the_zones_day(client):
    make_item("Midnight story", "Korea", published_at=MOMENT)

    document = parse_strictly(client.get("/tags/korea/").content)

    assert texts(document, ".//main//article//time") == ["1 July 2026"]


def test_the_date_filter_counts_the_zones_days(client):
    make_item("Midnight story", "Korea", published_at=MOMENT)

    on_1_july = client.get("/tags/korea/?published_after=2026-07-01&published_before=2026-07-01")
    on_30_june = client.get("/tags/korea/?published_before=2026-06-30")

    assert titles_on(on_1_july) == ["Midnight story"]
    assert titles_on(on_30_june) == []
