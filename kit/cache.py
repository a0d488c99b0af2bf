"""The shared cache on Redis, which keeps pages working when Redis does not answer.

Django's ``RedisCache`` raises ``redis.ConnectionError`` on every call while
Redis is down, so every page that reads the cache would answer 500. This
backend catches connection errors and timeouts instead:

* the error is logged (once per outage and process), and for ``retry_after``
  seconds (a circuit breaker) this process does not try Redis at all, so a
  Redis that hangs costs one socket timeout per process every few seconds, not
  one per cache call;
* meanwhile every call is served by a small cache in the process's memory:
  pages and images are built again (a miss, then cached locally), and sign-in
  rate limits (django-allauth keeps them in this cache) go on counting, per
  process: with N web processes an address gets at most N times its limit;
* keys written while Redis was away (an image dropped because an account
  changed, the library's page version bumped) are written again when it
  answers: deleted there, or a counter increased by what it missed, so nothing
  cached before the outage outlives a change made during it.

Errors that are not about reaching Redis (a wrong type of value, a missing key
for ``incr``) behave as in ``RedisCache``.
"""

import contextlib
import logging
import threading
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

UNREACHABLE = (redis.ConnectionError, redis.TimeoutError)
MAX_MISSED = 10_000  # keys remembered for replay; beyond this the oldest writes are lost


class _SharedClients(RedisCacheClient):
    """Django makes a ``redis.Redis`` object for every cache call (tens of µs in redis-py
    8, a large share of a cached page's cost); one per connection pool serves every
    thread just as well (redis-py clients are thread-safe: connections come from the pool)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):  # noqa: ARG002 - Django's signature
        # the stubs do not declare Django's private helpers this mirrors
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            made = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            client = self._clients.setdefault(id(pool), made)
        return client


class ResilientRedisCache(RedisCache):
    """``RedisCache`` that degrades to a per-process memory cache while Redis is down.

    ``OPTIONS["retry_after"]`` (seconds, default 5) is how long a process
    leaves Redis alone after a failed call; the other options go to redis-py.
    """

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("retry_after", 5))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._class = _SharedClients
        self._local = LocMemCache(
            f"redis-fallback-{id(self)}",
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
                "OPTIONS": {"MAX_ENTRIES": 2000},
            },
        )
        self._down_until = 0.0
        self._lock = threading.Lock()
        # (key, version) -> counter increment to replay, or None: delete it in Redis
        self._missed: dict[tuple[str, int | None], int | None] = {}

    # ------------------------------------------------------------ the breaker
    @property
    def redis_down(self) -> bool:
        """True while this process serves the cache from memory."""
        return time.monotonic() < self._down_until

    def _call(self, name: str, *args, **kwargs):
        if not self.redis_down:
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except UNREACHABLE as exc:
                self._trip(exc)
            else:
                if self._down_until:
                    self._recovered()
                return result
        return getattr(self._local, name)(*args, **kwargs)

    def _trip(self, exc: Exception) -> None:
        with self._lock:
            first = not self._down_until
            self._down_until = time.monotonic() + self.retry_after
        if first:
            logger.warning(
                "cache: Redis unreachable (%s); serving from process memory, retrying every %s s",
                exc,
                self.retry_after,
            )

    def _remember(self, keys, version, delta: int | None = None) -> None:
        with self._lock:
            for key in keys:
                entry = (key, version)
                if delta is not None and entry in self._missed and self._missed[entry] is None:
                    continue  # it is deleted on replay: no older value survives anyway
                if delta is not None:
                    self._missed[entry] = (self._missed.get(entry) or 0) + delta
                elif entry not in self._missed:
                    self._missed[entry] = None
                if len(self._missed) > MAX_MISSED:
                    self._missed.pop(next(iter(self._missed)))

    def _recovered(self) -> None:
        """Redis answered after an outage: write again what was written meanwhile."""
        with self._lock:
            missed, self._missed = self._missed, {}
            self._down_until = 0.0
        self._local.clear()  # never served again after this outage, nor in the next one
        try:
            while missed:
                (key, version), delta = next(iter(missed.items()))
                if delta is None:
                    super().delete(key, version=version)
                else:
                    # a counter gone from Redis meanwhile: its readers start again anyway
                    with contextlib.suppress(ValueError):
                        super().incr(key, delta, version=version)
                del missed[(key, version)]  # done: never replayed twice
        except UNREACHABLE as exc:  # down again: keep what is left for next time
            with self._lock:
                for entry, delta in missed.items():
                    self._missed.setdefault(entry, delta)
            self._trip(exc)
            return
        logger.warning("cache: Redis answers again; writes made meanwhile were replayed")

    def _writing(self, keys, version, delta: int | None = None) -> None:
        if self.redis_down:
            self._remember(keys, version, delta)

    # ------------------------------------------------------------ the cache API
    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        result = self._call("add", key, value, timeout, version)
        self._writing([key], version)
        return result

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call("set", key, value, timeout, version)
        self._writing([key], version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        result = self._call("set_many", data, timeout, version)
        self._writing(list(data), version)
        return result

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        result = self._call("delete", key, version)
        self._writing([key], version)
        return result

    def delete_many(self, keys, version=None):
        keys = list(keys)
        self._call("delete_many", keys, version)
        self._writing(keys, version)

    def incr(self, key, delta=1, version=None):
        try:
            return self._call("incr", key, delta, version)
        finally:
            self._writing([key], version, delta)

    def clear(self):
        self._local.clear()
        return self._call("clear")
