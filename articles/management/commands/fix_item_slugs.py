"""Readable slugs for items left with the fallback ("item", "item-2"…):
python manage.py fix_item_slugs [--dry-run]."""

from django.core.management.base import BaseCommand

from articles.editing import make_slugs_readable
from articles.importing.reports import plural


class Command(BaseCommand):
    help = (
        "Give items whose slug is the fallback made for a title with nothing to keep "
        "(item, item-2…) the slug their title gives now; the old addresses redirect."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would change.")

    def handle(self, *args, dry_run, verbosity, **options):
        changes = make_slugs_readable(dry_run=dry_run)
        if verbosity >= 2 or dry_run:
            for change in changes:
                self.stdout.write(f"/items/{change.old}/ -> /items/{change.new}/")
        done = "would get" if dry_run else "got"
        self.stdout.write(
            self.style.SUCCESS(f"{plural(len(changes), 'item')} {done} a readable slug.")
        )
