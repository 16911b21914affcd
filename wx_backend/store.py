"""The key-value store: dedup keys, reply cache, conversation context, rate limits, tokens.

Redis when PUFA_REDIS_URL is set (shared by every worker); otherwise an in-process store that
is correct for a single process only. Every operation is atomic in both (SET NX, INCR), so
callers never do get-then-set races.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

import redis


class Store(Protocol):
    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str, ttl: int) -> None: ...
    def set_nx(self, key: str, value: str, ttl: int) -> bool: ...
    def delete(self, key: str) -> None: ...
    def incr(self, key: str, ttl: int) -> int: ...
    def ttl(self, key: str) -> int | None: ...
    def ping(self) -> bool: ...

    @property
    def shared_between_processes(self) -> bool: ...


class MemoryStore:
    """A thread-safe dict with expiry; one process only."""

    shared_between_processes = False

    def __init__(self) -> None:
        self._data: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def _live(self, key: str, now: float) -> tuple[str, float] | None:
        item = self._data.get(key)
        if item is not None and item[1] <= now:
            del self._data[key]
            return None
        return item

    def get(self, key: str) -> str | None:
        with self._lock:
            item = self._live(key, time.monotonic())
            return item[0] if item else None

    def set(self, key: str, value: str, ttl: int) -> None:
        with self._lock:
            self._data[key] = (value, time.monotonic() + ttl)
            if len(self._data) > 50_000:
                self._sweep()

    def set_nx(self, key: str, value: str, ttl: int) -> bool:
        with self._lock:
            now = time.monotonic()
            if self._live(key, now) is not None:
                return False
            self._data[key] = (value, now + ttl)
            return True

    def delete(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)

    def incr(self, key: str, ttl: int) -> int:
        with self._lock:
            now = time.monotonic()
            item = self._live(key, now)
            if item is None:
                self._data[key] = ("1", now + ttl)
                return 1
            value = int(item[0]) + 1
            self._data[key] = (str(value), item[1])
            return value

    def ttl(self, key: str) -> int | None:
        with self._lock:
            item = self._live(key, time.monotonic())
            return None if item is None else max(0, round(item[1] - time.monotonic()))

    def ping(self) -> bool:
        return True

    def _sweep(self) -> None:
        now = time.monotonic()
        for key in [k for k, (_, expiry) in self._data.items() if expiry <= now]:
            del self._data[key]


class RedisStore:
    """The same operations on Redis, shared by all workers and hosts."""

    shared_between_processes = True

    def __init__(self, url: str, prefix: str = "pufa:") -> None:
        self._redis = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=2, socket_connect_timeout=2
        )
        self._prefix = prefix

    @property
    def client(self) -> redis.Redis:
        return self._redis

    def get(self, key: str) -> str | None:
        value = self._redis.get(self._prefix + key)
        return None if value is None else str(value)

    def set(self, key: str, value: str, ttl: int) -> None:
        self._redis.set(self._prefix + key, value, ex=ttl)

    def set_nx(self, key: str, value: str, ttl: int) -> bool:
        return bool(self._redis.set(self._prefix + key, value, ex=ttl, nx=True))

    def delete(self, key: str) -> None:
        self._redis.delete(self._prefix + key)

    def incr(self, key: str, ttl: int) -> int:
        full = self._prefix + key
        pipe = self._redis.pipeline()
        pipe.incr(full)
        # NX: the window starts at the first hit and is not extended by later ones.
        pipe.expire(full, ttl, nx=True)
        count, _ = pipe.execute()
        return int(count)

    def ttl(self, key: str) -> int | None:
        value = int(self._redis.ttl(self._prefix + key))
        return None if value < 0 else value

    def ping(self) -> bool:
        return bool(self._redis.ping())


def store_from_url(url: str, prefix: str = "pufa:") -> Store:
    return RedisStore(url, prefix) if url else MemoryStore()
