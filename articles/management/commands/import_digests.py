"""Import wire digests: python manage.py import_digests seeds/ [more files or folders, or -]."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from tqdm import tqdm

from articles.importing import (
    DatabaseLost,
    FileStatus,
    StagingError,
    collect_sources,
    import_digests,
    queue_sources,
    summary_of,
)
from articles.models import Item


class Command(BaseCommand):
    help = (
        "Import digest files: files, folders (their *.txt, sorted by name) or - for standard "
        "input. Each file is imported whole or not at all; files already imported are skipped "
        "unless --force. Exits non-zero when any file failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )
        parser.add_argument(
            "--force", action="store_true", help="Re-read files already imported (same sha256)."
        )
        parser.add_argument(
            "--status",
            choices=Item.Status.values,
            default=Item.Status.PUBLISHED,
            help="Status of newly created items (default: published).",
        )
        parser.add_argument(
            "--report", metavar="FILE", help="Write the summary and each item's outcome as JSON."
        )
        parser.add_argument(
            "--background",
            action="store_true",
            help="Queue the import as a task (manage.py db_worker runs it) and return at once; "
            "its progress shows on the run's page in the admin.",
        )

    def write_diffs(self, file_report):
        """Per item the wire changes (or would, in a conflict): a unified diff of its title
        and teaser paragraphs, from the item now to the wire's copy."""
        for outcome in file_report.differing:
            self.stdout.write(
                f"{file_report.name}:{outcome.line}: {outcome.title} ({outcome.outcome})"
            )
            for line in outcome.diff.unified():
                self.stdout.write(line)

    def handle(
        self, *args, paths, dry_run, force, status, report, background, verbosity, **options
    ):
        try:
            sources = collect_sources(paths)
        except FileNotFoundError as exc:
            raise CommandError(f"{exc.args[0]}: expected a file or folder, found nothing") from exc
        if not sources:
            raise CommandError(f"{', '.join(paths)}: expected digest files (*.txt), found none")

        if background:
            return self._queue(sources, status=status, force=force, dry_run=dry_run, report=report)

        file_reports = []

        def on_file(file_report):
            if file_report.status == FileStatus.FAILED:
                self.stderr.write(self.style.ERROR(file_report.error))
            elif verbosity >= 2:
                self.stdout.write(f"{file_report.name}: {file_report.status}")
                if dry_run:
                    self.write_diffs(file_report)
            for warning in file_report.warnings:
                self.stderr.write(self.style.WARNING(f"warning: {warning}"))
            if report:
                file_reports.append(file_report.as_dict())

        # A bar on a terminal only: scripts and logs get the summary alone. It counts files
        # done (reported, their batch committed), not files handed to the importer.
        progress = tqdm(
            total=len(sources),
            unit="file",
            disable=not sys.stderr.isatty() or verbosity == 0,
            leave=False,
        )

        def on_file_done(file_report):
            on_file(file_report)
            progress.update(1)

        with progress:
            try:
                summary = import_digests(
                    sources, status=status, force=force, dry_run=dry_run, on_file=on_file_done
                )
            except DatabaseLost as lost:
                # Each file is one transaction: those reported are whole, the rest untouched.
                done = lost.summary.files
                raise CommandError(
                    f"{lost}: {done.imported} files imported, {done.total} of {len(sources)} "
                    "done; run the import again to finish"
                ) from lost

        if report:
            document = {"summary": summary.as_dict(), "files": file_reports}
            try:
                Path(report).write_text(json.dumps(document, ensure_ascii=False, indent=2))
            except OSError as exc:
                raise CommandError(
                    f"{report}: expected a writable file, found {exc.strerror}"
                ) from exc

        line = summary.sentence()
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(line) if summary.ok else line)
        if not summary.ok:
            raise CommandError(f"{len(summary.errors)} of {summary.files.total} files failed")

    def _queue(self, sources, *, status, force, dry_run, report):
        given = [flag for flag, on in (("--dry-run", dry_run), ("--report", report)) if on]
        if given:
            raise CommandError(
                "--background: expected neither --dry-run nor --report (both run in the "
                f"foreground), found {' and '.join(given)}"
            )
        try:
            run = queue_sources(sources, status=status, force=force)
        except StagingError as exc:
            raise CommandError(str(exc)) from exc
        if run.is_active:
            url = reverse("admin:articles_importrun_change", args=[run.pk])
            self.stdout.write(
                f"Queued {run} with {len(sources)} files: `manage.py db_worker` runs it; "
                f"its progress shows at {url} in the admin."
            )
        else:  # the immediate backend (tests) has run it already
            self.stdout.write(f"{run}: {summary_of(run).sentence()}")
