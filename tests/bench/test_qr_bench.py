"""``bench/qr.py --codec-only``: a row per payload, and the npm package measured beside ours.

The comparison runs where Node and the package are installed (VIETQR_NODE_DIR names
the folder whose node_modules holds vietnam-qr-pay); elsewhere the script says it
skipped it, and so does the second test.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QUICK = ["--codec-only", "--passes", "1", "--rounds", "2", "--iterations", "20"]


def run(**env: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "bench/qr.py", *QUICK],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "VIETQR_NODE_DIR"} | env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return result.stdout.splitlines()


def test_without_the_package_the_comparison_is_skipped(tmp_path):
    lines = run(VIETQR_NODE_DIR=str(tmp_path))  # a folder without node_modules
    assert any("vietnam-qr-pay (Node): not installed, skipped" in line for line in lines)
    rows = [line for line in lines if line.startswith(("ACB", "VietinBank", "BIDV", "Vietc"))]
    assert len(rows) == 5
    for row in rows:
        build, parse = (float(x) for x in row.split()[-2:])
        assert 0 < build < 1000 and 0 < parse < 1000  # µs per call


@pytest.mark.skipif(
    not (shutil.which("node") and os.environ.get("VIETQR_NODE_DIR")),
    reason="Node and vietnam-qr-pay (VIETQR_NODE_DIR) are not installed here",
)
def test_the_package_builds_and_reads_the_same_payloads():
    lines = run(VIETQR_NODE_DIR=os.environ["VIETQR_NODE_DIR"])
    assert any(line.startswith("against vietnam-qr-pay") for line in lines)
    rows = [line for line in lines if line.startswith(("ACB", "VietinBank", "BIDV", "Vietc"))]
    assert len(rows) == 5
    assert all(row.endswith("yes") for row in rows)  # its payload is ours, its parse reads it
    assert lines[-1].startswith("all payloads (sum of times)")
