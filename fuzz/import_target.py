"""`make fuzz`: atheris (libFuzzer) over the digest parser and the import of one file.

    python fuzz/import_target.py [libFuzzer options] CORPUS_DIR

Runs on a SQLite database of its own in a temporary folder, migrated, with the seeds imported
(so that inputs meet known items and tags); each input's import is rolled back. Any exception
but the checks' expectations (fuzz/checks.py) is a crash: libFuzzer stops, writes the input
to ``-artifact_prefix``, and it becomes a test (tests/importing/test_fuzz_import.py).
"""

import os
import sys
import tempfile
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django():
    folder = tempfile.mkdtemp(prefix="newsroom-fuzz-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        SECRET_KEY="fuzzing-only",
        SQLITE_PATH=str(Path(folder) / "fuzz.sqlite3"),
        CACHE_DISABLED="1",
        LOG_LEVEL="ERROR",
    )
    os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    # Coverage guidance in our code (the parser, the importer), not in Django's.
    with atheris.instrument_imports(include=["articles"]):
        django.setup()
    call_command("migrate", verbosity=0)
    call_command("import_digests", str(ROOT / "seeds"), verbosity=0)


def main():
    setup_django()
    from fuzz.checks import check_import

    atheris.Setup(sys.argv, check_import)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
