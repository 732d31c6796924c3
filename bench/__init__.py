"""The import benchmark: ``make bench`` or ``python -m bench --help``.

It answers one question with figures that can be compared from one change to the next: how
long does ``manage.py import_digests`` take, and how much memory does it need, for a realistic
wire backlog (100,000 items in 1,000 tags by default)?

- ``generate`` writes deterministic synthetic digests into ``bench/data/<parameters hash>/``,
  one folder per tag, and reuses them on the next run.
- ``backends`` gives each run an empty database: a temporary SQLite file, and a
  ``newsroom_bench`` database on DATABASE_URL's PostgreSQL server when there is one.
- ``measure`` runs each command as a child process and reads that child's own peak RSS.
- ``report`` prints the machine, the data and a Markdown table per backend, with the targets
  (first import under 60 s, forced re-import 4× faster, peak under 300 MB) as PASS or MISS.

Misses exit 0: this measures, it does not test. Errors (a failed import, a database that does
not hold what the files say) exit 1, because their timings would mean nothing.
"""
