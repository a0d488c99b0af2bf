"""Redis stops: pages keep answering, a report asked for meanwhile waits, then runs.

Everything runs as in production: gunicorn with the real settings (DEBUG off)
on a private PostgreSQL cluster and a private redis-server, which the test
kills with SIGKILL (nothing kept, as when its machine dies) and starts again.
"""

import subprocess
import time

import pytest
from django.core.cache.backends.redis import RedisCache

from kit.cache import ResilientRedisCache

from .conftest import app_env, django_json, wait_until

pytestmark = pytest.mark.failures

SLOW = 1.5  # seconds: a page must not wait on a dead Redis (timeouts 0.5 s, then the breaker)


def test_pages_admin_and_reports_survive_redis_going_down(
    private_postgres, private_redis, demo_urls, gunicorn, celery_worker
):
    private_postgres.psql("DELETE FROM chuprong_adoptionreport")
    env = app_env(database_url=private_postgres.url(), redis_url=private_redis.url)
    server = gunicorn(env, workers=1)
    visitor = server.browser()
    for name, path in demo_urls.items():  # while Redis is up: pages are cached in it
        assert visitor.get(path).status == 200, name
    officer = server.browser()
    officer.sign_in("canbo", "chuprong-demo")

    visits = "SELECT coalesce(sum(visits), 0) FROM legal_library_pointdailycount"
    counted = int(private_postgres.psql(visits))
    private_redis.kill()
    for name, path in demo_urls.items():
        for _ in range(2):  # the first call finds Redis gone, the second skips it
            response = visitor.get(path)
            assert response.status == 200, f"{name}: {response.status}\n{response.body[:500]}"
            assert response.seconds < SLOW, f"{name} took {response.seconds:.2f} s"
    # legal_library.counting: with Redis down, a visit is counted in the database.
    assert int(private_postgres.psql(visits)) == counted + 2
    assert officer.get("/admin/").status == 200
    assert officer.get("/admin/market/vendor/").status == 200
    health = visitor.get("/healthz")
    assert health.status == 200 and '"broker": "error"' in health.body

    # Sign-in still works, and its rate limit still counts (in the process's memory).
    late = server.browser()
    late.sign_in("canbo", "chuprong-demo")
    assert late.get("/admin/").status == 200
    intruder = server.browser()
    intruder.get("/accounts/login/")
    statuses = [
        intruder.post("/accounts/login/", {"login": "canbo", "password": f"wrong-{n}"}).status
        for n in range(7)
    ]
    assert statuses[:5] == [200] * 5  # the form again, "wrong password"
    assert 429 in statuses[5:]  # LOGIN_FAILED_RATE_LIMIT: 5 per 5 minutes per account

    # "Make a report now" while the broker is down: queued, the page does not fail.
    officer.get("/bao-cao/")
    response = officer.post("/bao-cao/lap/", {"period_kind": "month", "month": "2026-10"})
    assert response.status == 302, response.body[:2000]
    assert response.seconds < 5, f"queuing with the broker down took {response.seconds:.1f} s"
    report_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    assert officer.get(f"/bao-cao/{report_id}/").status == 200
    assert private_postgres.report(report_id) == "queued"
    assert "broker unreachable, left queued for the sweeper" in server.output()

    # Redis is back (empty: the message is lost), a worker runs; the sweeper resends
    # what waited more than 10 minutes (the row is aged instead of waiting).
    private_redis.start()
    celery_worker(env, "after-outage")
    private_postgres.age_report(report_id, "requested_at", 11)
    swept = django_json(
        env, "from reports.tasks import sweep_reports\nresult = sweep_reports.apply().get()"
    )
    assert swept["resent"] == 1

    def done():
        row = private_postgres.report(report_id, "status, attempts")
        return row if row.startswith(("done", "failed")) else None

    assert wait_until(done, seconds=60, what="the report to run") == "done|1"
    assert private_postgres.psql("SELECT count(*) FROM chuprong_adoptionreport") == "1"

    # The web process uses Redis again once its breaker lets it try (5 s).
    wait_until(
        lambda: (
            officer.get("/bao-cao/").status == 200 and "dashboard:" in _redis_keys(private_redis)
        ),
        seconds=15,
        what="the web process to cache in Redis again",
    )
    log = server.output()
    assert log.count("cache: Redis unreachable") == 1  # logged once per outage and process
    assert "cache: Redis answers again" in log


def _redis_keys(server) -> str:
    return subprocess.run(
        ["redis-cli", "-p", str(server.port), "--scan"], capture_output=True, text=True
    ).stdout


# ---------------------------------------------------------------- the backend alone
@pytest.fixture
def caches(private_redis):
    location = private_redis.url
    params = {"KEY_PREFIX": "t", "OPTIONS": {"socket_timeout": 0.5, "retry_after": 1}}
    return ResilientRedisCache(location, params), RedisCache(location, {"KEY_PREFIX": "t"})


def test_the_backend_falls_back_to_memory_and_skips_redis_while_it_is_down(caches, private_redis):
    cache, plain = caches
    cache.set("page", "cached in Redis")
    private_redis.kill()
    with pytest.raises(Exception, match=r"Connection refused|Error 111"):
        plain.get("page")  # what Django's RedisCache does: every page would be a 500
    assert cache.get("page") is None  # a miss, not an error
    assert cache.redis_down
    cache.set("limit", [1, 2])
    assert cache.get("limit") == [1, 2]  # rate limits keep counting, in memory
    assert cache.add("lock", 1) and not cache.add("lock", 1)
    started = time.monotonic()
    for _ in range(200):
        cache.get("page")
    assert time.monotonic() - started < 0.5


def test_writes_made_while_redis_was_down_reach_it_when_it_is_back(caches, private_redis):
    cache, plain = caches
    cache.set("image", b"old code")
    cache.set("version", 7, None)
    # Redis is cut off (a network cut, a failover) but keeps its data: the breaker
    # opens as after a failed call, and meanwhile an officer changes things.
    cache._trip(ConnectionError("test: Redis cut off"))
    cache.delete("image")  # market.qr.forget: the vendor's account changed
    try:  # legal_library.services.pages_changed
        cache.incr("version")
    except ValueError:
        cache.set("version", 2, None)
    assert cache.get("version") == 2  # this process already sees the change
    plain.set("image", b"old code")  # what Redis still holds from before
    plain.set("version", 7, None)
    assert plain.get("image") == b"old code"
    wait_until(lambda: not cache.redis_down, seconds=3, what="the breaker to close")
    assert cache.get("other") is None  # the first call to Redis replays the writes
    assert plain.get("image") is None
    assert plain.get("version") == 8
    # The memory copy was for that outage only: the next one starts empty, not stale.
    cache._trip(ConnectionError("test: cut off again"))
    assert cache.get("version") is None
