"""newsroom/gunicorn.conf.py, the production server's settings (make serve)."""

import multiprocessing
import runpy
from pathlib import Path
from unittest import mock

CONFIG = Path(__file__).resolve().parent.parent / "newsroom" / "gunicorn.conf.py"


def gunicorn_config(**env):
    with mock.patch.dict("os.environ", env):
        return runpy.run_path(str(CONFIG))


def test_serves_locally_with_two_workers_a_core_plus_one_by_default():
    config = gunicorn_config(BIND="", WEB_CONCURRENCY="")

    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["workers"] == multiprocessing.cpu_count() * 2 + 1
    assert config["wsgi_app"] == "newsroom.wsgi:application"
    assert config["accesslog"] == "-"


def test_address_and_workers_from_the_environment():
    config = gunicorn_config(BIND="0.0.0.0:9000", WEB_CONCURRENCY="3")

    assert (config["bind"], config["workers"]) == (["0.0.0.0:9000"], 3)
