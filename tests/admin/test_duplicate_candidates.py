"""An item's possible duplicates on its form: "Not a duplicate" and its undo
(articles/admin/duplicate_candidates.py, articles.duplicate_dismissals): the filter, the
histories, detection run again, permissions and bad posts."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import duplicate_dismissals, duplicates
from articles.history import REASON_LENGTH
from articles.models import DuplicateCandidate, Item
from tests.admin.test_duplicates import CHANGELIST, flagged_pair
from tests.factories import make_item
from tests.pages import messages_of, run_command

pytestmark = pytest.mark.django_db

DISMISSED, OPEN = DuplicateCandidate.Status.DISMISSED, DuplicateCandidate.Status.OPEN


def change_url(item):
    return reverse("admin:articles_item_change", args=[item.pk])


def dismiss_url(item):
    return reverse("admin:articles_item_duplicate_dismiss", args=[item.pk])


def reopen_url(item):
    return reverse("admin:articles_item_duplicate_reopen", args=[item.pk])


def listed(client):
    page = client.get(CHANGELIST, {"duplicates": "possible"})
    return {item.pk for item in page.context["cl"].result_list}


def dismissed(client, item, pair):
    """Dismissed from item's form, its page (and message) seen."""
    client.post(dismiss_url(item), {"candidate": pair.pk}, follow=True)


def status_of(pair):
    return DuplicateCandidate.objects.get(pk=pair.pk).status


@pytest.fixture
def pair(db):
    """(older, newer, their candidate), flagged by the import."""
    older, newer = flagged_pair()
    return older, newer, DuplicateCandidate.objects.get()


class TestTheForm:
    def test_each_possible_duplicate_has_a_not_a_duplicate_button(self, client, editor, pair):
        older, newer, candidate = pair

        page = client.get(change_url(newer)).text

        assert (
            f'<button type="submit" class="button" form="dismiss-duplicate" name="candidate" '
            f'value="{candidate.pk}" aria-label="Not a duplicate of “{older.title}”">'
            "Not a duplicate</button>" in page
        )
        # Its form, outside the item's, with its CSRF token.
        action = dismiss_url(newer)
        assert f'<form id="dismiss-duplicate" method="post" action="{action}">' in page
        assert page.count('name="csrfmiddlewaretoken"') >= 3

    def test_a_reader_of_items_sees_the_list_without_buttons(self, client, importer, pair):
        older, newer, _ = pair

        page = client.get(change_url(newer)).text

        assert older.title in page and "alike)" in page
        assert 'form="dismiss-duplicate"' not in page

    def test_the_revert_form_lists_them_without_buttons(self, client, editor, pair):
        older, newer, _ = pair
        revision = newer.history.latest("history_id")
        url = reverse("admin:articles_item_simple_history", args=[newer.pk, revision.history_id])

        page = client.get(url).text

        assert older.title in page and 'form="dismiss-duplicate"' not in page

    def test_the_form_costs_the_same_with_one_pair_or_six(self, client, editor):
        first = make_item("First story")
        client.get(change_url(first))  # the first request's own queries (the session's)

        def queries(count):
            DuplicateCandidate.objects.all().delete()
            for n in range(count):
                other = make_item(f"Copy {count}-{n}")
                status = DISMISSED if n % 2 else OPEN
                DuplicateCandidate.objects.create(item=other, other=first, score=0.7, status=status)
            with CaptureQueriesContext(connection) as captured:
                page = client.get(change_url(first)).text
            assert page.count("alike)") == count
            return len(captured)

        assert queries(1) == queries(6)


class TestDismissing:
    def test_the_pair_leaves_the_filter_and_the_message_offers_undo(self, client, editor, pair):
        older, newer, candidate = pair
        assert listed(client) == {older.pk, newer.pk}

        response = client.post(dismiss_url(newer), {"candidate": candidate.pk})

        assert response.status_code == 302 and response["Location"] == change_url(newer)
        assert status_of(candidate) == DISMISSED
        assert listed(client) == set()
        (message,) = messages_of(response)
        assert f"Marked “{older.title}” not a duplicate of “{newer.title}”" in message
        assert (
            f'form="reopen-duplicate" name="candidate" value="{candidate.pk}"' in message
            and ">Undo</button>" in message
        )
        page = client.get(change_url(newer)).text
        assert '<ul id="possible-duplicates">' not in page
        assert "Marked not duplicates:" in page and older.title in page

    def test_both_histories_and_logs_record_it(self, client, editor, pair):
        older, newer, candidate = pair

        dismissed(client, newer, candidate)

        for item, other in ((newer, older), (older, newer)):
            revision = item.history.latest("history_id")
            assert (
                revision.history_change_reason
                == f"Not a duplicate of “{other.title}” (#{other.pk})"
            )
            assert revision.history_user == editor
            assert revision.tag_names == [t.name for t in item.tags.all()]
        logged = LogEntry.objects.filter(user=editor).values_list("object_id", flat=True)
        assert set(logged) == {str(older.pk), str(newer.pk)}

    def test_from_the_other_items_form_too(self, client, editor, pair):
        older, newer, candidate = pair

        response = client.post(dismiss_url(older), {"candidate": candidate.pk})

        assert response["Location"] == change_url(older)
        assert status_of(candidate) == DISMISSED

    def test_detection_run_again_leaves_it_dismissed(self, client, editor, pair):
        older, newer, candidate = pair
        dismissed(client, newer, candidate)

        for item in (newer, older):
            duplicates.detect([Item.objects.get(pk=item.pk)], replaced=[item])
        run_command("detect_duplicates")

        assert list(DuplicateCandidate.objects.values_list("pk", "status")) == [
            (candidate.pk, DISMISSED)
        ]
        assert listed(client) == set()

    def test_a_get_changes_nothing(self, client, editor, pair):
        _, newer, candidate = pair

        response = client.get(dismiss_url(newer), {"candidate": candidate.pk})

        assert response.status_code == 302 and status_of(candidate) == OPEN

    def test_a_post_without_its_csrf_token_is_refused(self, editor, pair):
        _, newer, candidate = pair
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(editor)

        response = strict.post(dismiss_url(newer), {"candidate": candidate.pk})

        assert response.status_code == 403 and status_of(candidate) == OPEN


class TestUndo:
    def test_the_message_s_undo_reopens_the_pair(self, client, editor, pair):
        older, newer, candidate = pair
        dismissed(client, newer, candidate)

        response = client.post(reopen_url(newer), {"candidate": candidate.pk})

        assert response.status_code == 302 and response["Location"] == change_url(newer)
        assert status_of(candidate) == OPEN
        assert listed(client) == {older.pk, newer.pk}
        assert messages_of(response) == [
            f"“{older.title}” is a possible duplicate of “{newer.title}” again."
        ]
        reason = newer.history.latest("history_id").history_change_reason
        assert reason.startswith(f"Possible duplicate of “{older.title[:40]}")
        assert reason.endswith(f"” (#{older.pk}) again")
        assert 'form="dismiss-duplicate"' in client.get(change_url(newer)).text

    def test_long_titles_fit_the_histories_reasons(self, client, editor):
        older, newer = (make_item(f"{name} " + "very long headline " * 8) for name in "AB")
        candidate = DuplicateCandidate.objects.create(item=newer, other=older, score=0.9)
        dismissed(client, newer, candidate)

        client.post(reopen_url(newer), {"candidate": candidate.pk})

        reasons = Item.history.exclude(history_change_reason=None)
        reasons = list(reasons.values_list("history_change_reason", flat=True))
        assert all(len(reason) <= REASON_LENGTH for reason in reasons)
        # The titles shortened, what follows them whole.
        assert sorted(reason.rsplit("”", 1)[1] for reason in reasons) == sorted(
            f" (#{one.pk}){again}" for one in (older, newer) for again in ("", " again")
        )


class TestRefusals:
    def test_one_who_may_not_change_items_is_refused(self, client, importer, pair):
        _, newer, candidate = pair

        response = client.post(dismiss_url(newer), {"candidate": candidate.pk})

        assert response.status_code == 403 and status_of(candidate) == OPEN

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("", "expected a pair's id, found none"),
            ("abc", "expected a pair's id (a number), found something else"),
            ("0", "expected a pair's id (a number from 1), found a smaller number"),
            ("999999", "expected a pair flagged by detection, found no pair #999999"),
        ],
    )
    def test_a_bad_id_is_said_and_changes_nothing(self, client, editor, pair, value, expected):
        _, newer, candidate = pair
        revisions = Item.history.count()

        response = client.post(dismiss_url(newer), {"candidate": value})

        assert response.status_code == 302 and response["Location"] == change_url(newer)
        (message,) = messages_of(response)
        assert message.startswith(f"Nothing changed: {expected}")
        assert status_of(candidate) == OPEN and Item.history.count() == revisions

    def test_a_pair_of_other_items_is_refused(self, client, editor, pair):
        _, newer, candidate = pair
        third = make_item("A third story")

        response = client.post(dismiss_url(third), {"candidate": candidate.pk})

        (message,) = messages_of(response)
        assert message == (
            f"Nothing changed: expected a pair with “{third.title}”, found pair "
            f"#{candidate.pk} of others."
        )
        assert status_of(candidate) == OPEN

    @pytest.mark.parametrize(
        ("decision", "expected"),
        [
            ("dismiss", "expected a possible duplicate, found the pair marked not a duplicate"),
            ("reopen", "expected a pair marked not a duplicate, found it a possible duplicate"),
        ],
    )
    def test_a_pair_decided_so_already_is_said(self, client, editor, pair, decision, expected):
        """A second editor's click, or a page out of date."""
        _, newer, candidate = pair
        if decision == "dismiss":
            dismissed(client, newer, candidate)
        url = dismiss_url(newer) if decision == "dismiss" else reopen_url(newer)
        revisions = Item.history.count()

        response = client.post(url, {"candidate": candidate.pk})

        assert messages_of(response) == [f"Nothing changed: {expected} already."]
        assert Item.history.count() == revisions

    def test_a_pair_gone_since_the_form_found_it_is_said(self, pair):
        """Between the form's check and the decision, an import replaced the item's flags."""
        *_, candidate = pair
        DuplicateCandidate.objects.filter(pk=candidate.pk).delete()

        with pytest.raises(ValidationError, match="expected the pair still flagged, found it gone"):
            duplicate_dismissals.dismiss(candidate)
        assert not Item.history.filter(history_change_reason__startswith="Not a").exists()

    @pytest.mark.parametrize("object_id", ["999999", "abc"])
    def test_an_unknown_item_is_not_found(self, client, editor, pair, object_id):
        _, _, candidate = pair
        url = reverse("admin:articles_item_duplicate_dismiss", args=[object_id])

        response = client.post(url, {"candidate": candidate.pk})

        assert response.status_code == 404 and status_of(candidate) == OPEN
