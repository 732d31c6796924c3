"""The README's "Editor's day" screenshots, taken in headless Chromium (`make screenshots`).

A throwaway newsroom: a temporary SQLite database filled with the seeds, an item an editor
changed whose wire copy then differs, a draft and a scheduled item; the development server on
a free port; Playwright logs in as an editor, uploads a digest (the import's preview, then its
run followed by the worker, as `make run` starts it) and writes the PNGs named in SHOTS into
docs/screenshots/ (or --out DIR). Nothing outside the
temporary directory and that folder is touched.
"""

import argparse
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SEED_PAGE_1, SEED_PAGE_2 = sorted((ROOT / "seeds").glob("*.txt"))[:2]
USERNAME, PASSWORD = "editor", secrets.token_urlsafe(12)
VIEWPORT = {"width": 1280, "height": 860}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]
SHOTS = ["dashboard.png", "import-preview.png", "import-run.png", "conflict.png", "preview.png"]
DRAFT = "Summit date set for June"
SCHEDULED = "Pyongyang to reopen its border to tourists"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the PNGs")
    out = parser.parse_args().out.resolve()
    with tempfile.TemporaryDirectory(prefix="newsroom-screenshots-") as scratch:
        environment = throwaway_environment(Path(scratch))
        os.environ.update(environment)
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
        import django

        django.setup()
        draft_pk, conflict_pk = seed(Path(scratch))
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_for(base_url)
            out.mkdir(parents=True, exist_ok=True)
            take_screenshots(base_url, out, Path(scratch), draft_pk, conflict_pk)
        finally:
            server.terminate()
            server.wait(timeout=10)
    for name in SHOTS:
        sys.stdout.write(f"wrote {out / name}\n")


def throwaway_environment(scratch):
    return {
        "DEBUG": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SQLITE_PATH": str(scratch / "db.sqlite3"),
        "CACHE_DIR": str(scratch / "cache"),
        "DATABASE_URL": "",
        "REDIS_URL": "",
        # The upload queued for the worker, as on a real desk (the test suite runs tasks at once).
        "TASKS_BACKEND": "database",
        "LOG_LEVEL": "WARNING",
    }


def seed(scratch):
    """The seeds imported; an editor's retitled item whose wire copy then differs (an open
    conflict); a draft and a scheduled item. Returns the draft's and the conflict's pks."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from articles.digest import DigestItem, parse, render
    from articles.importing import DigestSource, import_digests
    from articles.models import Item
    from articles.roles import ensure_roles

    call_command("migrate", verbosity=0)
    editor = get_user_model().objects.create_user(USERNAME, password=PASSWORD, is_staff=True)
    editor.groups.add(*ensure_roles().values())
    import_digests([source(path) for path in (SEED_PAGE_1, SEED_PAGE_2)], user=editor)

    first_page = parse(SEED_PAGE_1.read_bytes())
    story = first_page.items[0]
    item = Item.objects.get(title=story.title)
    item.title = f"{story.title}, the envoy says"
    item.mark_edited(editor)
    item.save()
    wire = [DigestItem(story.title, (rewritten(story.paragraphs[0]), *story.paragraphs[1:]))]
    update = first_page.__class__(tag=first_page.tag, items=(*wire, *first_page.items[1:]))
    import_digests([DigestSource("000_update.txt", data=render(update).encode())])

    news = first_page.__class__(
        tag=first_page.tag,
        items=(
            DigestItem(DRAFT, ("The two leaders will meet in Vladivostok in June.\u00a0…",)),
            DigestItem(SCHEDULED, ("Tour groups from China are expected first.\u00a0…",)),
        ),
    )
    import_digests([DigestSource("010_news.txt", data=render(news).encode())], status="draft")
    scheduled = Item.objects.get(title=SCHEDULED)
    scheduled.status = Item.Status.PUBLISHED
    scheduled.published_at = timezone.now() + timedelta(hours=20)
    scheduled.save()

    # The upload the import screenshot previews: the second page with a teaser rewritten.
    second_page = parse(SEED_PAGE_2.read_bytes())
    changed = second_page.items[1]
    changed = DigestItem(changed.title, (rewritten(changed.paragraphs[0]), *changed.paragraphs[1:]))
    upload = second_page.__class__(
        tag=second_page.tag,
        items=(second_page.items[0], changed, *second_page.items[2:]),
    )
    (scratch / SEED_PAGE_2.name).write_text(render(upload), encoding="utf-8")

    conflict_pk = item.pk
    draft_pk = Item.objects.get(title=DRAFT).pk
    connections.close_all()
    return draft_pk, conflict_pk


def source(path):
    from articles.importing import DigestSource

    return DigestSource(path.name, data=path.read_bytes())


def rewritten(paragraph):
    """The wire's later wording of a paragraph: a sentence added before its ending."""
    head, ellipsis, tail = paragraph.rpartition("\u00a0…")
    if not ellipsis:
        return f"{paragraph} Officials confirmed it on Tuesday."
    return f"{head} Officials confirmed it on Tuesday.\u00a0…{tail}"


def run_the_worker():
    """django-tasks' database worker, for the queued import only, as `make run` starts it."""
    subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--max-tasks", "1"]
        + ["--no-reload", "--no-startup-delay", "--verbosity", "0"],
        cwd=ROOT,
        env=os.environ.copy(),
        check=True,
    )


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(base_url, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urlopen(f"{base_url}/healthz", timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def take_screenshots(base_url, out, scratch, draft_pk, conflict_pk):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base_url, viewport=VIEWPORT)
        page = context.new_page()
        page.goto("/admin/login/?next=/admin/")
        page.fill("#id_username", USERNAME)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url("**/admin/")

        page.screenshot(path=out / "dashboard.png")

        page.goto("/admin/articles/importrun/import/")
        page.set_input_files("#id_files", str(scratch / SEED_PAGE_2.name))
        page.click("input[value=Preview]")
        page.locator("details.item-diff summary").first.click()
        page.screenshot(path=out / "import-preview.png", full_page=True)

        # The upload is queued; the run's page follows the worker without a reload.
        page.click("input[value='Import these files']")
        page.wait_for_selector("#import-progress")
        run_the_worker()
        page.wait_for_selector("#import-progress [data-progress-when=done]:not([hidden])")
        page.screenshot(path=out / "import-run.png")

        page.goto(f"/admin/articles/item/{conflict_pk}/conflict/")
        page.wait_for_selector("#conflict-diff")
        page.screenshot(path=out / "conflict.png", full_page=True)

        page.goto(f"/admin/articles/item/{draft_pk}/change/")
        with page.expect_popup() as opened:
            page.get_by_role("link", name="Preview").click()
        preview = opened.value
        preview.set_viewport_size(VIEWPORT)
        preview.wait_for_selector(".preview-banner")
        preview.screenshot(path=out / "preview.png")
        browser.close()


if __name__ == "__main__":
    main()
