"""Anonymous read counts: a point's visits, a document's reads and plays of its audio
readings (``LISTEN``, in the same daily row as its reads), per day.

Nothing personal is kept: no address, no cookie, no user; a request counts
once if it is a GET from something that is not an obvious bot or a prefetch —
neither the browser's (``Sec-Purpose``/``Purpose``) nor the copies the library's
service worker makes in the background for reading offline (``PREFETCH_HEADER``).
A page read offline from those copies never reaches the server and is not counted.
With Redis (production) a count is one ``HINCRBY`` on the request and the
``flush_counts`` task (every minute, Celery beat) adds the totals to the
database; without Redis (the embedded default) it is one upsert.
"""

import datetime as dt
import re
import uuid

import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import DocumentDailyCount, PointDailyCount

BOTS = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|preview|facebookexternalhit|embedly|curl/|wget/|"
    r"python-requests|python-urllib|httpx|go-http-client|java/|okhttp|headless|lighthouse|"
    r"pingdom|uptime|monitor|scan",
    re.IGNORECASE,
)
KEY = "library:counts"
# Sent by the service worker (/sw.js) with every copy it makes in the background.
PREFETCH_HEADER = "X-Chuprong-Prefetch"
VISIT, READ, LISTEN = "visit", "read", "listen"
_TABLES = {
    VISIT: (PointDailyCount, "point_id", "visits"),
    READ: (DocumentDailyCount, "document_id", "reads"),
    LISTEN: (DocumentDailyCount, "document_id", "listens"),
}
_client = None


def countable(request) -> bool:
    """A person's GET: not HEAD, not a bot, not a browser's or our service worker's prefetch."""
    if request.method != "GET" or PREFETCH_HEADER in request.headers:
        return False
    agent = request.headers.get("User-Agent", "")
    if not agent or BOTS.search(agent):
        return False
    purpose = (request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", "")).lower()
    return "prefetch" not in purpose and "prerender" not in purpose


def _redis():
    global _client  # noqa: PLW0603 - one client per process, made on first use
    if _client is None:
        _client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5
        )
    return _client


def record(kind: str, object_id: int, *, day: dt.date | None = None, delta: int = 1) -> None:
    """Count one visit of a point, one read of a document or one play of its audio
    (``kind``: VISIT, READ or LISTEN, ``object_id`` the point's or the document's);
    ``delta=-1`` takes back a count made for a page that was not served after all."""
    day = day or timezone.localdate()
    if settings.REDIS_URL:
        try:
            _redis().hincrby(KEY, f"{kind}:{day.isoformat()}:{object_id}", delta)
        except redis.RedisError:
            pass  # Redis is down: count straight into the database instead
        else:
            return
    add_counts({(kind, day, object_id): delta})


def record_and_read(kind: str, object_id: int, raw_key: str) -> tuple[bool, bytes | None]:
    """Count one, as ``record``, and read the Redis string at ``raw_key`` in the same
    round trip (an early cached page checks the library's version so).

    Returns (True, the value or None) with Redis; (False, None) without it or when it
    failed, the count then made as ``record`` makes it.
    """
    if settings.REDIS_URL:
        day = timezone.localdate()
        try:
            pipe = _redis().pipeline(transaction=False)
            pipe.hincrby(KEY, f"{kind}:{day.isoformat()}:{object_id}", 1)
            pipe.get(raw_key)
            _count, value = pipe.execute()
        except redis.RedisError:
            pass
        else:
            return True, value
    record(kind, object_id)
    return False, None


def add_counts(counts: dict[tuple[str, dt.date, int], int]) -> None:
    """Add counts to the daily tables in one upsert per table (PostgreSQL and SQLite)."""
    tables: dict = {}  # model → (column, its count fields, {(day, id): {field: n}})
    for kind, (model, column, field) in _TABLES.items():
        fields = tables.setdefault(model, (column, [], {}))
        fields[1].append(field)
        for (k, day, object_id), n in counts.items():
            if k == kind:
                fields[2].setdefault((day, object_id), {})[field] = n
    for model, (column, fields, rows) in tables.items():
        if rows:
            _upsert(model, column, fields, rows)


def _upsert(model, column: str, fields: list[str], rows: dict) -> None:
    # Only our own table and column names are formatted in; the values are parameters.
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(fields)
    values = ", ".join([f"(%s, %s{', %s' * len(fields)})"] * len(rows))
    sums = ", ".join(f"{field} = {table}.{field} + excluded.{field}" for field in fields)
    sql = (
        f"INSERT INTO {table} (day, {column}, {names}) VALUES {values} "  # noqa: S608
        f"ON CONFLICT (day, {column}) DO UPDATE SET {sums}"
    )
    params = [
        value
        for (day, object_id), added in rows.items()
        for value in (day, object_id, *(added.get(field, 0) for field in fields))
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def flush() -> int:
    """Move the counts buffered in Redis into the database; returns how many were moved.

    The buffer is renamed first, so counts arriving meanwhile go to a new one; a
    buffer whose flush failed is picked up again next time.
    """
    if not settings.REDIS_URL:
        return 0
    client = _redis()
    if client.exists(KEY):
        client.rename(KEY, f"{KEY}:flushing:{uuid.uuid4().hex}")
    moved = 0
    for name in client.scan_iter(f"{KEY}:flushing:*"):
        counts = {}
        for field, value in client.hgetall(name).items():
            kind, day, object_id = field.decode().split(":")
            if kind in _TABLES:
                key = (kind, dt.date.fromisoformat(day), int(object_id))
                counts[key] = counts.get(key, 0) + int(value)
        with transaction.atomic():
            _drop_deleted(counts)
            add_counts(counts)
        client.delete(name)
        moved += sum(counts.values())
    return moved


def _drop_deleted(counts: dict) -> None:
    """Counts of a point or document deleted since the request are dropped."""
    for kind, (model, column, _field) in _TABLES.items():
        related = model._meta.get_field(column.removesuffix("_id")).related_model
        ids = {object_id for (k, _day, object_id) in counts if k == kind}
        existing = set(related.objects.filter(pk__in=ids).values_list("pk", flat=True))
        for key in [key for key in counts if key[0] == kind and key[2] not in existing]:
            del counts[key]
