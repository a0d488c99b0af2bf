"""The admin's slug helper (static/admin/js/urlify.js) gives the server's slugs.

Django's own urlify.js turns "Định" into "djnh"; ours replaces it project-wide
(STATICFILES_DIRS is searched before the apps' static folders) for every
``prepopulated_fields`` slug, and must agree with kit.text.slugify.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from kit.text import slugify

ROOT = Path(__file__).resolve().parents[2]
OURS = ROOT / "static" / "admin" / "js" / "urlify.js"
TITLES = [
    "Định danh điện tử",
    "Làng Kte, Chư Prông",
    "ĐOÀN THANH NIÊN Cộng sản Hồ Chí Minh",
    "Luật Hôn nhân và Gia đình 2014",
    "  Nghị định 13/2023/NĐ-CP — bảo vệ dữ liệu  ",
    "!!!",
]


def test_the_admin_loads_our_urlify_not_djangos():
    assert Path(finders.find("admin/js/urlify.js")) == OURS


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the admin script")
def test_the_admin_slug_is_the_server_slug():
    script = (
        f"const URLify = require({json.dumps(str(OURS))});"
        f"const titles = {json.dumps(TITLES)};"
        "console.log(JSON.stringify(titles.map((t) => URLify(t, 50, false))));"
    )
    result = subprocess.run(
        ["node", "-e", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    assert json.loads(result.stdout) == [slugify(t, max_length=50) for t in TITLES]
    assert json.loads(result.stdout)[0] == "dinh-danh-dien-tu"
