"""PostgreSQL restarts under load: requests fail cleanly (503), then succeed again.

gunicorn (2 workers, the production settings, persistent connections with
health checks) serves a private PostgreSQL cluster; a client thread keeps
asking for pages while the cluster is restarted with `pg_ctl restart -m fast`,
which ends every connection the workers hold.
"""

import threading
import time

import pytest
from django.utils import translation
from django.utils.translation import gettext

from .conftest import app_env

pytestmark = pytest.mark.failures

PAGES = ["/", "/tap-huan/lich/", "/phap-luat/"]  # each reads the database on every request
TIMEOUT = 10  # seconds: no request may hang longer (connect_timeout is 5 s)


def test_requests_fail_with_503_during_a_restart_and_recover_without_restarting_gunicorn(
    private_postgres, gunicorn
):
    env = app_env(database_url=private_postgres.url(), redis_url=None, CONN_MAX_AGE="600")
    server = gunicorn(env, workers=2)
    browser = server.browser()
    for path in PAGES:  # both workers now hold a persistent connection
        for _ in range(4):
            assert browser.get(path).status == 200, path

    answers: list[tuple[float, str, int, str, float]] = []
    stop = threading.Event()

    def load():
        client = server.browser()
        n = 0
        while not stop.is_set():
            path = PAGES[n % len(PAGES)]
            n += 1
            try:
                r = client.get(path, timeout=TIMEOUT)
                answers.append((time.monotonic(), path, r.status, r.body, r.seconds))
            except OSError as exc:  # a timeout or a dropped connection: not clean
                answers.append((time.monotonic(), path, 0, repr(exc), TIMEOUT))
            time.sleep(0.02)

    threads = [threading.Thread(target=load) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    private_postgres.pg_ctl("stop", "-m", "fast")
    time.sleep(2)  # down for a while: every request in this window needs the database
    private_postgres.pg_ctl("start")
    restarted = time.monotonic()
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join(timeout=TIMEOUT + 5)

    statuses = {status for _, _, status, _, _ in answers}
    failures = [a for a in answers if a[2] != 200]
    assert failures, "no request reached the portal while PostgreSQL was down"
    assert statuses <= {200, 503}, [(a[1], a[2], a[3][:300]) for a in failures if a[2] != 503]
    assert max(a[4] for a in answers) < TIMEOUT
    with translation.override("vi"):
        title = gettext("The portal is briefly unavailable")
    for _, _path, _, body, _ in failures:
        assert title in body, body[:500]
        assert 'lang="vi"' in body and "Traceback" not in body
    # After the restart the same gunicorn answers again, on every page and worker.
    after = [a for a in answers if a[0] > restarted + 1.5]
    assert after and all(a[2] == 200 for a in after), [(a[1], a[2]) for a in after]
    for path in PAGES:
        for _ in range(4):
            assert browser.get(path).status == 200, path
    health = browser.get("/healthz")
    assert health.status == 200 and '"database": "ok"' in health.body


UNREACHABLE_PAGE = """
from django.test import Client
r = Client(raise_request_exception=False).get("/", HTTP_HOST="127.0.0.1")
print(r.status_code, r["Retry-After"])
print(r.content.decode())
"""


def test_an_unreachable_database_answers_the_503_page_not_a_traceback(run_django):
    # A real connection attempt to a port where nothing listens; DEBUG off.
    result = run_django(
        UNREACHABLE_PAGE,
        {
            "DEBUG": "0",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nothing",
            "REDIS_URL": None,
        },
    )
    assert result.returncode == 0, result.stderr
    head, body = result.stdout.split("\n", 1)
    assert head == "503 30"
    with translation.override("vi"):
        assert gettext("The portal is briefly unavailable") in body
    assert 'lang="vi"' in body and "OperationalError" not in body
