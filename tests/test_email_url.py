"""EMAIL_URL (newsroom/email_url.py): the console by default, SMTP from a URL, clear errors."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsroom.email_url import CONSOLE, SMTP, email_settings
from tests.test_settings import settings_under


@pytest.mark.parametrize("url", ["", "console:", "console://"])
def test_the_console_by_default(url):
    assert email_settings(url) == {"EMAIL_BACKEND": CONSOLE}


@pytest.mark.parametrize(
    ("url", "port", "tls", "ssl"),
    [
        ("smtp://mail.example", 25, False, False),
        ("smtp+tls://mail.example", 587, True, False),
        ("submission://mail.example:2587", 2587, True, False),
        ("smtps://mail.example", 465, False, True),
        ("smtp+ssl://mail.example:1465", 1465, False, True),
    ],
)
def test_smtp_schemes_ports_and_encryption(url, port, tls, ssl):
    found = email_settings(url)

    assert found["EMAIL_BACKEND"] == SMTP
    assert (found["EMAIL_HOST"], found["EMAIL_PORT"]) == ("mail.example", port)
    assert (found["EMAIL_USE_TLS"], found["EMAIL_USE_SSL"]) == (tls, ssl)


def test_user_password_are_decoded_and_the_timeout_read():
    found = email_settings("smtp+tls://desk%40news.example:p%3Ass%2Fw@mail.example?timeout=10")

    assert (found["EMAIL_HOST_USER"], found["EMAIL_HOST_PASSWORD"]) == (
        "desk@news.example",
        "p:ss/w",
    )
    assert found["EMAIL_TIMEOUT"] == 10


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://mail.example", "expected a URL starting with one of console:"),
        ("smtp://", "expected a host name, found none"),
        ("smtp://mail.example:port", "expected a port number"),
        ("smtp://mail.example?tls=1", "expected only the option timeout, found tls"),
        ("smtp://mail.example?timeout=soon", "expected timeout in whole seconds, found 'soon'"),
    ],
)
def test_anything_else_is_refused_with_what_was_expected(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        email_settings(url)


def test_the_settings_module_reads_it():
    found = settings_under(
        "[settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.DEFAULT_FROM_EMAIL]",
        EMAIL_URL="smtps://mail.example",
        DEFAULT_FROM_EMAIL="desk@news.example",
    )

    assert found == [SMTP, "mail.example", "desk@news.example"]
    assert settings_under("settings.EMAIL_BACKEND") == CONSOLE
