import json

import pytest
from django.conf import settings

HEALTH = """
from django.test import Client
r = Client().get("/healthz")
print(r.status_code)
print(r.content.decode())
"""
ENV = {"DEBUG": "1", "ALLOWED_HOSTS": "testserver"}


@pytest.mark.django_db
def test_health_names_the_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    # eager on the embedded default, a real Redis ping when REDIS_URL is set
    assert body["broker"] == ("eager" if settings.CELERY_TASK_ALWAYS_EAGER else "ok")


def _health(run_django, **env):
    result = run_django(HEALTH, ENV | env)
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().split("\n", 1)
    return int(status), json.loads(body)


def test_unreachable_database_answers_503(run_django):
    # A real connection attempt to a port where no PostgreSQL listens.
    status, body = _health(
        run_django, DATABASE_URL="postgres://postgres@127.0.0.1:1/nothing", REDIS_URL=None
    )
    assert status == 503
    assert body == {"status": "error", "database": "error", "broker": "eager"}


def test_unopenable_sqlite_answers_503(run_django, tmp_path):
    missing = tmp_path / "no-such-dir" / "db.sqlite3"
    status, body = _health(run_django, DATABASE_URL=f"sqlite:///{missing}", REDIS_URL=None)
    assert status == 503
    assert body["database"] == "error"


def test_broker_down_is_reported_but_does_not_fail_the_check(run_django, tmp_path):
    status, body = _health(
        run_django,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:1/0",
    )
    assert status == 200
    assert body == {"status": "ok", "database": "ok", "broker": "error"}


def test_broker_up_on_real_redis(run_django, tmp_path):
    status, body = _health(
        run_django,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert (status, body["broker"]) == (200, "ok")
