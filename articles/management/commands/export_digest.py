"""Render a tag page back to digest text: python manage.py export_digest "North Korea"."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.exporting import ExportError, export_tag_page


def add_export_options(parser):
    """The options export_digest and export_digests share."""
    parser.add_argument(
        "--per-page", type=int, default=10, help="Items a page (default 10, as the wire)."
    )
    parser.add_argument(
        "--include-drafts",
        action="store_true",
        help="Also export items readers cannot see yet (drafts, scheduled).",
    )


class Command(BaseCommand):
    help = (
        "Write one page of a tag's items as a digest (the format import_digests reads). "
        "TAG is the tag's name (case, dashes and spacing ignored) or its slug."
    )

    def add_arguments(self, parser):
        parser.add_argument("tag", metavar="TAG")
        parser.add_argument("--page", type=int, default=1, help="Page number (default 1).")
        add_export_options(parser)
        parser.add_argument("-o", "--output", metavar="FILE", help="Write to FILE, not stdout.")

    def handle(self, *args, tag, page, per_page, include_drafts, output, **options):
        try:
            text = export_tag_page(tag, page=page, per_page=per_page, include_drafts=include_drafts)
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        if output:
            try:
                Path(output).write_bytes(text.encode("utf-8"))
            except OSError as exc:
                raise CommandError(
                    f"{output}: expected a writable file, found {exc.strerror}"
                ) from exc
        else:
            # Exactly the digest's bytes: no newline added after the last paragraph.
            self.stdout.write(text, ending="")
