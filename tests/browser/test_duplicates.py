"""An editor goes through the possible duplicates in a real Chromium: two near copies of a
story, imported, listed by the filter; one is marked "Not a duplicate" and that is undone
from the message; then it is merged into the other (its address answers 301 to the kept
one), and the merge is undone from the message too."""

import pytest

from articles.models import DuplicateCandidate, Item
from tests.browser.steps import log_in
from tests.duplicate_pairs import MUST_FLAG
from tests.factories import import_digest, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

(FIRST, SECOND) = MUST_FLAG[0]
POSSIBLE = "/admin/articles/item/?duplicates=possible"


def success(page):
    return page.locator(".messagelist .success")


def listed_titles(page):
    page.goto(POSSIBLE)
    return set(page.locator("#result_list th.field-title a").all_inner_texts())


def test_an_editor_dismisses_then_merges_a_duplicate_and_undoes_both(page, console_errors):
    import_digest("first.txt", "Korea", (FIRST[0], (FIRST[1],)))
    import_digest("second.txt", "Russia", (SECOND[0], (SECOND[1],)))
    older, newer = Item.objects.get(title=FIRST[0]), Item.objects.get(title=SECOND[0])
    score = DuplicateCandidate.objects.get().score
    make_user("editor", "Editors")

    log_in(page, "editor", POSSIBLE)
    assert set(page.locator("#result_list th.field-title a").all_inner_texts()) == {
        older.title,
        newer.title,
    }
    page.get_by_role("link", name=newer.title, exact=True).click()
    candidate = page.locator("#possible-duplicates li")
    assert candidate.inner_text().startswith(f"{older.title} ({score:.0%} alike)")

    # (a) Not a duplicate, then its undo from the message.
    candidate.get_by_role("button", name="Not a duplicate").click()
    assert "not a duplicate" in success(page).inner_text()
    assert page.locator("#possible-duplicates").count() == 0
    assert older.title in page.locator("#dismissed-duplicates").inner_text()
    assert DuplicateCandidate.objects.get().status == DuplicateCandidate.Status.DISMISSED
    success(page).get_by_role("button", name="Undo").click()
    assert "a possible duplicate of" in success(page).inner_text()
    assert DuplicateCandidate.objects.get().status == DuplicateCandidate.Status.OPEN
    assert page.locator("#dismissed-duplicates").count() == 0
    assert older.title in page.locator("#possible-duplicates").inner_text()
    assert listed_titles(page) == {older.title, newer.title}

    # (b) Merged into the other, its address redirected, then the merge undone.
    page.get_by_role("link", name=newer.title, exact=True).click()
    page.locator("#possible-duplicates").get_by_role("link", name="merge this into it…").click()
    pair = page.locator("#merge-pair").inner_text()
    assert newer.title in pair and older.title in pair
    page.get_by_role("button", name="Merge into the kept item").click()
    page.wait_for_url(f"**/admin/articles/item/{older.pk}/change/")
    assert "merged into" in success(page).inner_text()
    assert not Item.objects.filter(pk=newer.pk).exists()
    moved = page.request.get(newer.get_absolute_url(), max_redirects=0)
    assert moved.status == 301 and moved.headers["location"] == older.get_absolute_url()

    success(page).get_by_role("link", name="Undo").click()
    page.get_by_role("button", name="Undo the merge").click()
    assert f"“{newer.title}” is back" in success(page).inner_text()
    assert set(Item.objects.values_list("pk", flat=True)) == {older.pk, newer.pk}
    assert page.request.get(newer.get_absolute_url(), max_redirects=0).status == 200
    assert listed_titles(page) == {older.title, newer.title}
    assert [(m.text, m.location) for m in console_errors] == []
