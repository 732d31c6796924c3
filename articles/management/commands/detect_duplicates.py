"""Flag the duplicate stories among the items already there (articles.duplicates):
python manage.py detect_duplicates. Imports and saves flag new items themselves."""

from django.core.management.base import BaseCommand, CommandError

from articles import duplicates
from articles.importing.reports import plural


class Command(BaseCommand):
    help = (
        "Compare every item's title and teaser with the others' and flag the near copies "
        "(the admin's “Possible duplicates”); editors' dismissals are kept."
    )

    def handle(self, *args, **options):
        if not duplicates.enabled():
            raise CommandError("expected DUPLICATE_DETECTION on, found it off")
        items, found = duplicates.detect_all()
        self.stdout.write(
            self.style.SUCCESS(
                f"{plural(items, 'item')} compared: {plural(found, 'pair')} flagged."
            )
        )
