"""Reads of the portal: the health of the database and of the broker."""

import redis
from django.conf import settings
from django.db import DatabaseError, connection


def database_state() -> str:
    """``ok`` when a query round-trips to the database, ``error`` otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "error"
    return "ok"


def broker_state() -> str:
    """``eager`` without a broker (tasks run in-process), else ``ok``/``error``."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
    )
    try:
        client.ping()
    except redis.RedisError:
        return "error"
    finally:
        client.close()
    return "ok"
