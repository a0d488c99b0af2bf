"""bench/load.py's short run: every page answers 200 under concurrent load, every figure printed.

Needs the real servers (PostgreSQL and Redis) and wrk; skipped, with the reason,
on the embedded default. The run builds its own database beside the suite's
and drops it at the end.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "minimal view (baseline)",
    "library point page",
    "document page",
    "vendor page",
    "vendor QR image (cached)",
]
NUMBER = r"(\d+(?:\.\d+)?)"
ROW = re.compile(rf"^(.+?)\s+{NUMBER}\s+{NUMBER}x\s+{NUMBER}\s+{NUMBER}\s+(\d+)$")

DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.skipif(
        not DATABASE_URL.startswith("postgres") or not REDIS_URL,
        reason="the load test needs PostgreSQL (DATABASE_URL=postgres://...) and REDIS_URL",
    ),
    pytest.mark.skipif(
        not shutil.which("wrk"), reason="wrk is not installed (apt-get install wrk)"
    ),
]


def test_short_load_run_has_no_error_and_prints_every_figure():
    name = urlsplit(DATABASE_URL).path.lstrip("/")
    bench_url = f"{DATABASE_URL.rsplit('/', 1)[0]}/{name}_load"
    run = subprocess.run(
        [sys.executable, "bench/load.py", "--seconds", "5", "--clients", "10"],
        cwd=ROOT,
        env={**os.environ, "BENCH_DATABASE_URL": bench_url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr

    rows = {}
    for line in run.stdout.splitlines():
        if match := ROW.match(line):
            name, rate, ratio, p50, p99, errors = match.groups()
            rows[name] = (float(rate), float(ratio), float(p50), float(p99), int(errors))
    assert list(rows) == PAGES, run.stdout
    for name, (rate, ratio, p50, p99, errors) in rows.items():
        assert rate > 0, name
        assert ratio > 0, name
        assert 0 < p50 <= p99, name
        assert errors == 0, name
    assert rows["minimal view (baseline)"][1] == 1.0

    # Visit counting ran under load: the pages served were counted (Redis, then flushed).
    counts = dict(
        re.findall(r"^(visits|reads) counted: (\d+) for \d+ pages served$", run.stdout, re.M)
    )
    assert set(counts) == {"visits", "reads"}, run.stdout
    assert int(counts["visits"]) > 0
    assert int(counts["reads"]) > 0
    assert re.search(r"^errors: 0$", run.stdout, re.M), run.stdout
