"""Every tag's pages as digest files: python manage.py export_digests --all DIR."""

from django.core.management.base import BaseCommand, CommandError

from articles.exporting import ExportError, export_all_tags

from .export_digest import add_export_options


class Command(BaseCommand):
    help = (
        "Write every tag's pages as digest files, DIR/<tag slug>/000_<hash>.txt for page 1, "
        "001_… for page 2, as the wire names them. Restore with: import_digests DIR/*/"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            metavar="DIR",
            required=True,
            dest="folder",
            help="Export every tag into DIR (new or empty unless --force).",
        )
        add_export_options(parser)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Write into a folder that is not empty: the *.txt files in its subfolders "
            "(an earlier export) are removed first; nothing else is touched.",
        )

    def handle(self, *args, folder, per_page, include_drafts, force, verbosity, **options):
        try:
            result = export_all_tags(
                folder, per_page=per_page, include_drafts=include_drafts, force=force
            )
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity >= 2:
            for tag in result.tags:
                self.stdout.write(f"{tag.slug}/: {tag.name}, {len(tag.files)} files")
        self.stdout.write(f"Exported {result.sentence()}.")
