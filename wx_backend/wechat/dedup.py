"""Exactly-once replies under WeChat's retries (it re-sends a slow request up to 3 times).

The first delivery claims the message key with SET NX and, once it has a reply, stores it
under the same key. A retry that arrives meanwhile polls the store briefly (backing off from
5 ms to 50 ms, bounded well inside WeChat's 5 s) and returns the identical reply, so the
worker sees one answer and the question is recorded once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from wx_backend.wechat.messages import Inbound

_PENDING = "p"
_DONE = "r:"


class KeyValueStore(Protocol):
    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str, ttl: int) -> None: ...
    def set_nx(self, key: str, value: str, ttl: int) -> bool: ...
    def delete(self, key: str) -> None: ...


def message_key(message: Inbound) -> str:
    """MsgId for messages; FromUserName + CreateTime (+ event) for events, which have none."""
    if message.msg_id:
        return f"m{message.msg_id}"
    return f"e{message.user}:{message.create_time}:{message.event}"


@dataclass(frozen=True)
class Claim:
    """The outcome of claiming a message key."""

    key: str
    first: bool  # this request must produce (and then complete) the reply
    reply: str | None = None  # for a retry: the stored reply, or None when it never came


class Deduplicator:
    """Claim message keys and share replies between deliveries of the same message."""

    def __init__(
        self,
        store: KeyValueStore,
        *,
        ttl: int = 300,
        pending_ttl: int = 8,
        wait_seconds: float = 3.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._ttl = ttl
        # A claim still pending after this long belongs to a request that died (a killed
        # worker): WeChat's next retry (about 5 s apart) may then take over and answer. A slow
        # but living first request cannot cause a double count: the question log's unique
        # message key keeps one row.
        self._pending_ttl = pending_ttl
        self._wait = wait_seconds
        self._sleep = sleep
        self._clock = clock

    @staticmethod
    def _key(key: str) -> str:
        return f"wx:dedup:{key}"

    def claim(self, key: str) -> Claim:
        """Claim key, or wait (bounded) for the reply of whoever claimed it first."""
        full = self._key(key)
        if self._store.set_nx(full, _PENDING, self._pending_ttl):
            return Claim(key, first=True)
        deadline = self._clock() + self._wait
        delay = 0.005
        while True:
            value = self._store.get(full)
            if value is None:
                # The first delivery gave up (abandon); this one takes over.
                if self._store.set_nx(full, _PENDING, self._pending_ttl):
                    return Claim(key, first=True)
                continue
            if value.startswith(_DONE):
                return Claim(key, first=False, reply=value[len(_DONE):])
            if self._clock() >= deadline:
                return Claim(key, first=False, reply=None)
            self._sleep(delay)
            delay = min(delay * 2, 0.05)

    def completion(self, key: str, reply: str) -> tuple[str, str, int]:
        """The (store key, value, ttl) complete() writes: for callers that batch the write."""
        return self._key(key), _DONE + reply, self._ttl

    def complete(self, key: str, reply: str) -> None:
        """Store the reply for retries of the same message ("" means "success")."""
        self._store.set(*self.completion(key, reply))

    def abandon(self, key: str) -> None:
        """Release a claim whose reply could not be produced, so a retry can try again."""
        self._store.delete(self._key(key))
