"""The benchmark: ``make bench`` or ``python -m bench --help``.

One run, one table per backend, every figure beside its floor measured in the same run:

- ``generate`` (words from ``text``) writes deterministic digests into
  ``bench/data/<parameters hash>/``, one folder per tag, reused on the next run: 1,000 tags,
  5 large ones of 2.2% of the items each (22,000 at 1M, 2,200 at 100k), a long tail down to
  about 1/20 of the tail's largest, 10% of the items under a second tag, and a rare word.
- ``backends`` gives each run empty databases: temporary SQLite files, and ``bench_wt_*``
  databases on DATABASE_URL's PostgreSQL server when it is set.
- ``steps`` runs, per backend: ``manage.py import_digests`` into an empty database (time and
  peak RSS by ``measure``), the raw bulk load of the rows it wrote, parse included
  (``floor``), a forced re-import, then the pages (``pages``) on gunicorn with 2 sync workers
  and production's settings, loaded by wrk (``serving``), beside the floors that
  ``views`` serves from the bench-only URLconf (``urls``, ``settings``), and the admin
  changelists (``inside``); ``--profile`` adds pyinstrument and EXPLAIN (``inside``).
- ``results`` holds the typed results, judges them against the targets (PASS or MISS),
  prints the Markdown table and writes ``bench/data/results-<backend>-<items>.json``.

Misses exit 0: this measures, it does not test. Errors (a failed import, a database that does
not hold what the files say, a page that does not answer 200) exit 1: their timings would mean
nothing. ``admin`` is the older changelist benchmark on synthetic rows (``make bench-admin``).
"""
