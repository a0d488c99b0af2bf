"""Settings are read from the environment; good values work, bad ones stop the start."""

import json

import pytest

SHOW = """
import json
from chuprong import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "SECRET_KEY": s.SECRET_KEY,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "CSRF_TRUSTED_ORIGINS": s.CSRF_TRUSTED_ORIGINS,
    "DB": {k: str(v) for k, v in s.DATABASES["default"].items() if k != "OPTIONS"},
    "CACHE": s.CACHES["default"]["BACKEND"],
    "EAGER": s.CELERY_TASK_ALWAYS_EAGER,
    "BROKER": s.CELERY_BROKER_URL,
    "EMAIL_BACKEND": s.EMAIL_BACKEND,
    "TIME_ZONE": s.TIME_ZONE,
    "LANGUAGE_CODE": s.LANGUAGE_CODE,
    "PROXY_COUNT": s.ALLAUTH_TRUSTED_PROXY_COUNT,
}))
"""

PROD = {
    "DEBUG": "0",
    "SECRET_KEY": "s" * 60,
    "ALLOWED_HOSTS": "portal.example.vn",
    "DATABASE_URL": None,
    "REDIS_URL": None,
}


def settings_with(run_django, **env):
    result = run_django(SHOW, env, setup=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def settings_error(run_django, **env) -> str:
    result = run_django(SHOW, env, setup=False)
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured" in result.stderr
    return result.stderr


def test_embedded_default(run_django):
    s = settings_with(
        run_django,
        DEBUG="1",
        SECRET_KEY=None,
        ALLOWED_HOSTS=None,
        DATABASE_URL=None,
        REDIS_URL=None,
    )
    assert s["DEBUG"] is True
    assert s["SECRET_KEY"].startswith("django-insecure-")
    assert s["DB"]["ENGINE"] == "django.db.backends.sqlite3"
    assert s["DB"]["NAME"].endswith("db.sqlite3")
    assert s["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"
    assert s["EAGER"] is True
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert s["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert (s["TIME_ZONE"], s["LANGUAGE_CODE"]) == ("Asia/Ho_Chi_Minh", "vi")


def test_production_values(run_django):
    s = settings_with(
        run_django,
        **PROD
        | {
            "DATABASE_URL": "postgres://portal:pw@db.internal:5433/chuprong",
            "REDIS_URL": "redis://cache.internal:6379/2",
            "ALLOWED_HOSTS": "portal.example.vn,www.portal.example.vn",
            "CSRF_TRUSTED_ORIGINS": "https://portal.example.vn",
            "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.vn:587",
            "TRUSTED_PROXY_COUNT": "1",
            "TIME_ZONE": "UTC",
        },
    )
    assert s["DEBUG"] is False
    assert s["SECRET_KEY"] == "s" * 60
    assert s["DB"]["ENGINE"] == "django.db.backends.postgresql"
    assert (s["DB"]["NAME"], s["DB"]["HOST"], s["DB"]["PORT"]) == (
        "chuprong",
        "db.internal",
        "5433",
    )
    assert s["DB"]["CONN_MAX_AGE"] == "60"
    assert s["CACHE"] == "kit.cache.ResilientRedisCache"  # RedisCache that survives Redis down
    assert s["EAGER"] is False
    assert s["BROKER"] == "redis://cache.internal:6379/2"
    assert s["ALLOWED_HOSTS"] == ["portal.example.vn", "www.portal.example.vn"]
    assert s["CSRF_TRUSTED_ORIGINS"] == ["https://portal.example.vn"]
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert s["PROXY_COUNT"] == 1
    assert s["TIME_ZONE"] == "Asia/Ho_Chi_Minh"  # fixed, whatever the environment says


def test_production_refuses_to_start_without_secret_key(run_django):
    assert "SECRET_KEY is not set" in settings_error(run_django, **PROD | {"SECRET_KEY": None})


def test_production_refuses_to_start_without_allowed_hosts(run_django):
    assert "ALLOWED_HOSTS" in settings_error(run_django, **PROD | {"ALLOWED_HOSTS": None})


@pytest.mark.parametrize("value", ["ture", "2", "maybe", "enabled"])
def test_a_boolean_typo_stops_the_start(run_django, value):
    assert "is not a boolean" in settings_error(run_django, **PROD | {"DEBUG": value})


@pytest.mark.parametrize("value", ["Yes", " on ", "TRUE", "1"])
def test_boolean_spellings(run_django, value):
    assert settings_with(run_django, **PROD | {"DEBUG": value})["DEBUG"] is True


def test_an_unknown_database_scheme_stops_the_start(run_django):
    settings_error(run_django, **PROD | {"DATABASE_URL": "oracle-ish://nowhere/db"})


def test_a_bad_number_stops_the_start(run_django):
    result = run_django(SHOW, PROD | {"TRUSTED_PROXY_COUNT": "one"}, setup=False)
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT" in result.stderr or "invalid literal" in result.stderr


def test_celery_time_limits_must_fit_the_visibility_timeout(run_django):
    settings_error(run_django, **PROD | {"CELERY_TASK_TIME_LIMIT": "7200"})
