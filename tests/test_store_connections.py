"""The Redis store's per-thread connections: same answers as redis-py, and they heal."""

from __future__ import annotations

import threading

import pytest
import redis

from wx_backend.store import RedisStore

pytestmark = pytest.mark.redis


def test_store_operations_answer_as_before(redis_store: RedisStore) -> None:
    assert redis_store.set_nx("k1", "p", 8) is True
    assert redis_store.set_nx("k1", "q", 8) is False  # NX: the first claim stands
    assert redis_store.get("k1") == "p"
    redis_store.set("k1", "r:reply", 300)
    assert redis_store.get("k1") == "r:reply"
    assert 295 <= (redis_store.ttl("k1") or 0) <= 300
    redis_store.delete("k1")
    assert redis_store.get("k1") is None
    assert redis_store.set_nx("k1", "p", 8) is True  # free again after delete
    redis_store.delete("k1")


def test_each_thread_talks_on_its_own_connection(redis_store: RedisStore) -> None:
    ids: list[int] = []

    def client_id() -> None:
        ids.append(int(redis_store.lane.execute("CLIENT", "ID")))

    threads = [threading.Thread(target=client_id) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client_id()
    client_id()  # the same thread keeps its connection
    assert len(set(ids)) == 4 and ids[-1] == ids[-2]


def test_a_connection_the_server_dropped_is_replaced(redis_store: RedisStore) -> None:
    own = int(redis_store.lane.execute("CLIENT", "ID"))
    redis_store.client.client_kill_filter(_id=own)  # only this connection
    assert redis_store.set_nx("k2", "p", 8) is True  # reconnected and sent once more
    assert int(redis_store.lane.execute("CLIENT", "ID")) != own
    redis_store.delete("k2")


def test_a_server_that_stays_away_raises_a_redis_error() -> None:
    store = RedisStore("redis://127.0.0.1:1/0")  # nothing listens on port 1
    with pytest.raises(redis.ConnectionError):
        store.set_nx("k3", "p", 8)
