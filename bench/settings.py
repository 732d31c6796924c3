"""The benchmark's settings: production's, with the bench-only URLconf (bench/urls.py).

Only the benchmark's child processes (gunicorn, the profiler, the changelist timer) run with
``DJANGO_SETTINGS_MODULE=bench.settings``; the production URLconf never holds the floors.
"""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
