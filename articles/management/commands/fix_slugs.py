"""Readable slugs for tags that got meaningless ones: python manage.py fix_slugs [--dry-run]."""

from django.core.management.base import BaseCommand

from articles.importing.reports import plural
from articles.slug_fixes import fix_tag_slugs


class Command(BaseCommand):
    help = (
        "Give each tag whose slug is not what its name gives now (/tags/tag/ for 北朝鮮, from "
        "before slugs were transliterated) the slug its name gives; the old URL redirects (301)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the changes, write nothing."
        )

    def handle(self, *args, dry_run, **options):
        fixes = fix_tag_slugs(dry_run=dry_run)
        for fix in fixes:
            self.stdout.write(f"{fix.tag_name}: /tags/{fix.old}/ -> /tags/{fix.new}/")
        count = plural(len(fixes), "tag slug")
        if dry_run:
            self.stdout.write(f"Would fix {count} (dry run: nothing written).")
        else:
            self.stdout.write(f"Fixed {count}; the old URLs redirect to the new ones.")
