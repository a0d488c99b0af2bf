"""The built wheel is complete: it runs the portal without the checkout.

Builds the wheel from a copy of the source tree (without its compiled .mo, as a
fresh clone has none), then checks two things: every file the project reads at
run time (templates, static files, translations, fonts, data) is inside, and an
install of that wheel alone, away from the checkout, finds its templates, static
files, Vietnamese catalogue, fonts and bank directory. Runs in CI like every
test (about 10 s: no build isolation, no network).
"""

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parent.parent
# Folders of the checkout that are not shipped, and what a build or a run leaves behind.
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "*.egg-info",
    "__pycache__",
    "*.pyc",
    "*.mo",
    "media",
    "staticfiles",
    "backups",
    "test-artifacts",
    ".pytest_cache",
    ".ruff_cache",
    ".mypy_cache",
    ".hypothesis",
    "db.sqlite3*",
    ".env",
)
# The directories whose files the running portal reads (a package's or the project's).
DATA_DIRS = {"templates", "static", "locale", "fonts", "data"}
NOT_SHIPPED = {"tests", "bench"}
LEFT_BEHIND = {"build", "media", "staticfiles", "backups", "test-artifacts"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src") / "portal"
    shutil.copytree(ROOT, src, ignore=NOT_SOURCE)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"),
            *("--no-build-isolation", "--wheel-dir", str(out), str(src)),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    (built,) = out.glob("chuprong_portal-*.whl")
    return built


def _runtime_files() -> list[str]:
    """Every non-Python file of the checkout under a templates/static/locale/fonts/data dir."""
    found = []
    tops = [p for p in ROOT.iterdir() if p.name not in NOT_SHIPPED | LEFT_BEHIND]
    for path in (f for top in tops if not top.name.startswith(".") for f in top.rglob("*")):
        rel = path.relative_to(ROOT)
        if not path.is_file():
            continue
        if path.suffix in {".py", ".pyc", ".mo"} or "__pycache__" in rel.parts:
            continue
        if DATA_DIRS & set(rel.parts[:-1]):
            found.append(rel.as_posix())
    return sorted(found)


def test_the_wheel_carries_every_file_the_portal_reads(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = _runtime_files()
    assert len(expected) > 50, expected  # the walk found the templates
    assert [name for name in expected if name not in names] == []
    # What a fresh clone lacks is built into the wheel: the compiled catalogues.
    for catalogue in ("django", "djangojs"):
        assert any(n.endswith(f"locale/vi/LC_MESSAGES/{catalogue}.mo") for n in names)
    # Named ones, so a broken walk cannot pass unnoticed.
    for app in ("market", "legal_library", "volunteers", "trainings"):
        assert any(n.startswith(f"{app}/templates/{app}/") for n in names), app
    for tail in (
        "templates/base.html",
        "/DejaVuSans.ttf",
        "/DejaVuSans-Bold.ttf",
        "market/data/banks.tsv",
        "static/css/site.css",
        "static/js/reports.js",
    ):
        assert any(n.endswith(tail) for n in names), tail
    assert not [n for n in names if n.split("/")[0] in NOT_SHIPPED or "__pycache__" in n]


RUN_FROM_WHEEL = """
import json, sys
from importlib import import_module
from pathlib import Path
import django
django.setup()
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import get_template
from django.utils import translation

target = Path(sys.argv[1]).resolve()
def inside(path):
    return Path(path).resolve().is_relative_to(target)

templates = ["base.html", "404.html", "market/market_list.html", "legal_library/search.html",
             "portal/home.html", "reports/dashboard.html",
             "volunteers/visit_form.html", "trainings/session_list.html"]
for pdf_module in ("kit.pdf", "chuprong.pdf"):
    try:
        pdf = import_module(pdf_module)
        break
    except ImportError:
        continue
pdf.register_fonts()
from market.bank_directory import BANKS_TSV
with translation.override("vi"):
    vietnamese = str(translation.gettext("Markets"))
print(json.dumps({
    "settings": inside(settings.BASE_DIR),
    "templates": [inside(get_template(name).origin.name) for name in templates],
    "static": [inside(finders.find(name) or "/") for name in ("css/site.css", "js/reports.js")],
    "vietnamese": vietnamese,
    "fonts": inside(pdf.FONT_DIR) and (Path(pdf.FONT_DIR) / "DejaVuSans.ttf").is_file(),
    "banks": inside(BANKS_TSV) and BANKS_TSV.stat().st_size > 0,
}))
"""


def test_an_install_of_the_wheel_alone_serves_the_portal(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"),
            *("--no-compile", "--target", str(target), str(wheel)),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env |= {
        "PYTHONPATH": str(target),  # before the editable install of the checkout
        "DJANGO_SETTINGS_MODULE": "chuprong.settings",
        "DEBUG": "1",
        "CHUPRONG_IGNORE_DOTENV": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", RUN_FROM_WHEEL, str(target)],
        cwd=elsewhere,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found == {
        "settings": True,
        "templates": [True] * 8,
        "static": [True, True],
        "vietnamese": "Chợ",
        "fonts": True,
        "banks": True,
    }


def test_constraints_pin_every_declared_dependency_within_its_range():
    """constraints.txt is what CI installs: it names every dependency, inside pyproject's range."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = [Requirement(r) for r in project["dependencies"]]
    declared += [Requirement(r) for r in project["optional-dependencies"]["dev"]]
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = Version(version)
    build_tools = {"setuptools", "wheel"}  # pip freeze leaves them out; venv and build provide
    unpinned = [
        r.name
        for r in declared
        if r.name not in build_tools and canonicalize_name(r.name) not in pins
    ]
    assert unpinned == [], "run `make constraints`"
    outside = [
        f"{r.name}=={pins[canonicalize_name(r.name)]} (wants {r.specifier})"
        for r in declared
        if r.name not in build_tools and pins[canonicalize_name(r.name)] not in r.specifier
    ]
    assert outside == [], "run `make constraints`"
