"""Pure modules import nothing from Django (CONVENTIONS.md): checked in a fresh interpreter."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "module",
    [
        "kit.text",
        "kit.dates",
        "kit.money",
        "kit.formats.vi.formats",
        "kit.formats.en.formats",
        "reports.charts",
        "market.vietqr",
        "market.banking",
        "legal_library.rendering",
        "legal_library.pdfcheck",
    ],
)
def test_module_imports_no_django(module):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys, {module}; "
            "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
