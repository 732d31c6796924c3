"""Login throttling (django-axes): repeated failures lock a username from an address out."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
HOME = "10.0.0.1"


def log_in(client, username, password=PASSWORD, ip=HOME):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, follow=False
    )


def fail(client, username, times, ip=HOME):
    return [log_in(client, username, "wrong-password", ip=ip) for _ in range(times)]


def logged_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # Every attempt checks a password: a hasher meant to be slow would make this file slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor_account():
    make_user("editor", "Editors")
    make_user("other", "Editors")


def test_failures_below_the_limit_just_ask_again(client, editor_account):
    responses = fail(client, "editor", settings.AXES_FAILURE_LIMIT - 1)

    assert [r.status_code for r in responses] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert "Please enter the correct username and password" in responses[-1].text
    assert logged_in(log_in(client, "editor"))


def test_after_the_limit_even_the_right_password_gets_the_lockout_page(client, editor_account):
    responses = fail(client, "editor", settings.AXES_FAILURE_LIMIT)

    assert responses[-1].status_code == 429
    response = log_in(client, "editor")
    assert response.status_code == 429
    assert "Too many failed logins" in response.text
    assert f"After {settings.AXES_FAILURE_LIMIT} failed attempts" in response.text
    assert "<strong>editor</strong>" in response.text
    assert "Try again in 1:00:00" in response.text
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still sent to the login page


def test_the_lock_is_for_that_username_from_that_address_only(client, editor_account):
    fail(client, "editor", settings.AXES_FAILURE_LIMIT)

    assert logged_in(log_in(client, "editor", ip="10.0.0.2"))
    client.logout()
    assert logged_in(log_in(client, "other", ip=HOME))
    client.logout()
    assert log_in(client, "editor", ip=HOME).status_code == 429


def rewind(delta):
    """Move the recorded failures back in time, as if ``delta`` had passed."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - delta)


def test_the_lockout_ends_after_the_cool_off_time(client, editor_account):
    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)
    fail(client, "editor", settings.AXES_FAILURE_LIMIT)

    rewind(cool_off + timedelta(minutes=1))

    assert logged_in(log_in(client, "editor"))


def test_an_attempt_during_the_lockout_starts_the_cool_off_again(client, editor_account):
    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)
    fail(client, "editor", settings.AXES_FAILURE_LIMIT)
    rewind(cool_off - timedelta(minutes=1))

    assert log_in(client, "editor").status_code == 429  # a minute early
    rewind(timedelta(minutes=2))
    assert log_in(client, "editor").status_code == 429
    rewind(cool_off + timedelta(minutes=1))
    assert logged_in(log_in(client, "editor"))


def test_a_successful_login_resets_the_count(client, editor_account):
    below = settings.AXES_FAILURE_LIMIT - 1
    fail(client, "editor", below)
    assert logged_in(log_in(client, "editor"))
    client.logout()

    responses = fail(client, "editor", below)

    assert [r.status_code for r in responses] == [200] * below
    assert logged_in(log_in(client, "editor"))
    assert AccessAttempt.objects.count() == 0
