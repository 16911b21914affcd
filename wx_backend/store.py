"""The key-value store: dedup keys, reply cache, conversation context, rate limits, tokens.

Redis when PUFA_REDIS_URL is set (shared by every worker); otherwise an in-process store that
is correct for a single process only. Every operation is atomic in both (SET NX, INCR), so
callers never do get-then-set races.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import weakref
from typing import Any, Protocol

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


class ThreadConnections:
    """One Redis connection per thread for the few commands every message sends.

    redis-py's general path (connection pool checkout, retry wrapper, event and metrics
    hooks) costs about as much client CPU as the round trip itself; the message path sends
    two commands per message, so it sends them straight on a connection this thread owns
    (same settings as the client's pool). A connection the server dropped (restart, idle
    kill) is replaced and the command sent once more, like redis-py's own retry; a second
    failure raises the same redis exceptions callers already handle. A forked child never
    reuses its parent's connection.
    """

    def __init__(self, client: redis.Redis) -> None:
        self._pool = client.connection_pool
        self._local = threading.local()
        # Every connection handed out, with its thread: closed when the thread has ended (a
        # worker's thread pool keeps its threads; tests start many) or this object goes.
        self._owned: list[tuple[threading.Thread, Any]] = []
        self._lock = threading.Lock()
        weakref.finalize(self, _disconnect_all, self._owned)

    def _connection(self) -> Any:
        local = self._local
        connection = getattr(local, "connection", None)
        if connection is None or local.pid != os.getpid():
            connection = self._pool.connection_class(**self._pool.connection_kwargs)
            local.connection, local.pid = connection, os.getpid()
            with self._lock:
                ended = [item for item in self._owned if not item[0].is_alive()]
                self._owned[:] = [item for item in self._owned if item[0].is_alive()]
                self._owned.append((threading.current_thread(), connection))
            _disconnect_all(ended)
        return connection

    def execute(self, *args: Any) -> Any:
        """Send one command and return its decoded reply (error replies raise)."""
        connection = self._connection()
        try:
            connection.send_command(*args)
            return connection.read_response()
        except (redis.ConnectionError, redis.TimeoutError):
            connection.disconnect()
        connection.send_command(*args)
        try:
            return connection.read_response()
        except (redis.ConnectionError, redis.TimeoutError):
            connection.disconnect()
            raise

    def close(self) -> None:
        """Close every connection (tests, shutdown); the next command opens a new one."""
        with self._lock:
            owned, self._owned[:] = list(self._owned), []
        self._local = threading.local()
        _disconnect_all(owned)


def _disconnect_all(owned: list[tuple[threading.Thread, Any]]) -> None:
    for _, connection in owned:
        # Best effort: the socket may already be gone.
        with contextlib.suppress(Exception):
            connection.disconnect()


class RedisStore:
    """The same operations on Redis, shared by all workers and hosts."""

    shared_between_processes = True

    def __init__(self, url: str, prefix: str = "pufa:") -> None:
        self._redis = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=2, socket_connect_timeout=2
        )
        self._prefix = prefix
        # get/set/set_nx/delete are what a message sends (dedup claim, per-user state).
        self.lane = ThreadConnections(self._redis)

    @property
    def client(self) -> redis.Redis:
        return self._redis

    def get(self, key: str) -> str | None:
        value = self.lane.execute("GET", self._prefix + key)
        return None if value is None else str(value)

    def set(self, key: str, value: str, ttl: int) -> None:
        self.lane.execute("SET", self._prefix + key, value, "EX", ttl)

    def set_nx(self, key: str, value: str, ttl: int) -> bool:
        return self.lane.execute("SET", self._prefix + key, value, "EX", ttl, "NX") is not None

    def delete(self, key: str) -> None:
        self.lane.execute("DEL", self._prefix + key)

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
