"""EMAIL_URL: how the site sends mail (password resets), as one URL.

- unset or ``console:``: printed on standard error (Django's console backend), for a laptop;
- ``smtp://user:password@host:25``: plain SMTP;
- ``smtp+tls://user:password@host:587``: SMTP with STARTTLS (``submission://`` too);
- ``smtps://user:password@host:465`` (or ``smtp+ssl://``): SMTP over TLS.

``?timeout=N`` sets the socket timeout in seconds. User and password are percent-decoded
(``%40`` for "@"). Anything else is refused when the settings load, with what was expected.
"""

from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"
# scheme: (use TLS, use SSL, default port)
SMTP_SCHEMES = {
    "smtp": (False, False, 25),
    "smtp+tls": (True, False, 587),
    "submission": (True, False, 587),
    "smtps": (False, True, 465),
    "smtp+ssl": (False, True, 465),
}


def email_settings(url):
    """The EMAIL_* settings ``url`` stands for (a dict of setting names to values)."""
    if not url or url.strip() in ("console:", "console://"):
        return {"EMAIL_BACKEND": CONSOLE}
    parts = urlsplit(url.strip())
    if parts.scheme not in SMTP_SCHEMES:
        expected = ", ".join(f"{scheme}://" for scheme in ["console:", *SMTP_SCHEMES])
        raise ImproperlyConfigured(
            f"EMAIL_URL: expected a URL starting with one of {expected} found {parts.scheme!r}"
        )
    if not parts.hostname:
        raise ImproperlyConfigured(f"EMAIL_URL: expected a host name, found none in {url!r}")
    use_tls, use_ssl, default_port = SMTP_SCHEMES[parts.scheme]
    try:
        port = parts.port or default_port
    except ValueError as error:
        raise ImproperlyConfigured(f"EMAIL_URL: expected a port number, found {error}") from None
    values = {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
    }
    options = parse_qs(parts.query)
    unknown = set(options) - {"timeout"}
    if unknown:
        raise ImproperlyConfigured(
            f"EMAIL_URL: expected only the option timeout, found {', '.join(sorted(unknown))}"
        )
    if "timeout" in options:
        timeout = options["timeout"][-1]
        if not timeout.isdigit():
            raise ImproperlyConfigured(
                f"EMAIL_URL: expected timeout in whole seconds, found {timeout!r}"
            )
        values["EMAIL_TIMEOUT"] = int(timeout)
    return values
