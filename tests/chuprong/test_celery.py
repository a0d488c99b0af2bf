"""The Celery app runs tasks in-process without a broker and through Redis with one."""

import pytest
from celery import shared_task
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from chuprong.celery import app


@shared_task(name="tests.multiply")
def multiply(a: int, b: int) -> int:
    return a * b


def test_configuration_follows_the_broker():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.timezone == "Asia/Ho_Chi_Minh"
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit < 3600
    if settings.REDIS_URL:
        assert app.conf.task_always_eager is False
        assert app.conf.broker_url == settings.REDIS_URL
    else:
        assert app.conf.task_always_eager is True


@pytest.mark.skipif(bool(settings.REDIS_URL), reason="the embedded default has no broker")
def test_tasks_run_in_process_without_a_broker():
    assert multiply.delay(6, 7).get(timeout=1) == 42


@pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL is not set")
def test_tasks_run_in_a_worker_through_redis():
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = multiply.delay(6, 7)
        assert result.get(timeout=20) == 42
