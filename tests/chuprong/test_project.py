"""Project-wide checks: migrations, deploy checks, no asset from the internet."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(settings.BASE_DIR)


@pytest.mark.django_db
def test_no_model_change_without_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_check_deploy_is_clean_with_production_values(run_django):
    result = run_django(
        "from django.core.management import call_command\n"
        "call_command('check', deploy=True, fail_level='WARNING')\n",
        {
            "DEBUG": "0",
            "SECRET_KEY": "k9#vR2!pQ7zL0xW4sT8yB1nM6cF3hJ5dG-aE_uK@oI*Y-r4Nd0m-t3sT-kEy",
            "ALLOWED_HOSTS": "portal.example.vn",
            "CSRF_TRUSTED_ORIGINS": "https://portal.example.vn",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        },
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_templates_and_static_load_nothing_from_the_internet():
    pattern = re.compile(r"""(src|href)\s*=\s*["'](https?:)?//""", re.IGNORECASE)
    css_url = re.compile(r"url\(\s*['\"]?(https?:)?//|@import", re.IGNORECASE)
    offenders = []
    for path in list((ROOT / "templates").rglob("*.html")) + list((ROOT / "static").rglob("*")):
        if path.suffix not in {".html", ".css", ".js", ".svg"}:
            continue
        text = path.read_text(encoding="utf-8")
        if pattern.search(text) or (path.suffix == ".css" and css_url.search(text)):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
