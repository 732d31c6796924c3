"""What an editor does in the browser, as the browser tests share it."""

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
