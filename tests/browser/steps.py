"""What an editor does in the browser, as the browser tests share it."""

import signal

from django.core.management import call_command

from tests.factories import PASSWORD


def log_in(page, username, next_path):
    """Log in on the admin's login page and land on next_path."""
    page.goto(f"/admin/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{next_path}")


def pick_tag(page, letters, name):
    """On an item's change form, type letters in the tags' autocomplete and pick name."""
    page.locator(".field-tag_names .select2-selection").click()
    page.keyboard.type(letters)
    page.locator(".select2-results__option", has_text=name).click()


def run_the_worker_once():
    """Run one queued task with django-tasks' database worker, in the test process: the
    worker installs its own SIGINT/SIGTERM handlers, which are put back after."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "db_worker", batch=True, max_tasks=1, reload=False, startup_delay=False, verbosity=0
        )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
