"""The README's screenshots script (docs/screenshots.py, `make screenshots`) runs on its own
throwaway server, database and worker and writes its pictures, which the README shows."""

import struct
import subprocess
import sys

import pytest

from tests.factories import ROOT

pytestmark = pytest.mark.browser

SHOTS = ["dashboard.png", "import-preview.png", "import-run.png", "conflict.png", "preview.png"]


def test_the_screenshots_script_writes_the_readmes_pictures(tmp_path):
    out = tmp_path / "shots"
    finished = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "screenshots.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    assert sorted(path.name for path in out.iterdir()) == sorted(SHOTS)
    for name in SHOTS:
        header = (out / name).read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", header[16:24])
        assert width == 1280 and height >= 860, (name, width, height)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in SHOTS:
        assert f"(docs/screenshots/{name})" in readme
