"""Rate limits per IP and per user, counted in the store: Redis in production, shared by all."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api_helpers import api_app, bearer, token_for
from tests.conftest import REDIS_URL
from wx_backend.store import MemoryStore, RedisStore, Store


@pytest.fixture(params=["redis", "memory"])
def store(request: pytest.FixtureRequest) -> Store:
    if request.param == "redis":
        redis_store: RedisStore = request.getfixturevalue("redis_store")
        return redis_store
    return MemoryStore()


def limited(tmp_path: Path, sqlite_template: Path, store: Store, **limits: int) -> Flask:
    return api_app(tmp_path, sqlite_template, store,
                   **{f"API_RATE_{k.upper()}": v for k, v in limits.items()})


def get(client: FlaskClient, ip: str = "198.51.100.7", **headers: str) -> tuple[int, dict]:
    response = client.get("/api/v1/topics", environ_base={"REMOTE_ADDR": ip}, headers=headers)
    return response.status_code, dict(response.headers)


def test_the_ip_limit_answers_429_with_retry_after_and_spares_other_addresses(
    tmp_path: Path, sqlite_template: Path, store: Store
) -> None:
    client = limited(tmp_path, sqlite_template, store, ip=3).test_client()
    assert [get(client)[0] for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/v1/topics", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert "at most 3 a minute per ip" in response.get_json()["error"]["message"]
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert get(client, ip="203.0.113.9")[0] == 200


def test_the_user_limit_follows_the_worker_not_the_token(
    tmp_path: Path, sqlite_template: Path, store: Store
) -> None:
    app = limited(tmp_path, sqlite_template, store, user=2, ip=1000)
    client = app.test_client()

    def ask(token: str) -> int:
        return client.post("/api/v1/ask", json={"question": "你好"},
                           headers=bearer(token)).status_code

    first = token_for(app, "oWorkerA")
    assert [ask(first), ask(first), ask(first)] == [200, 200, 429]
    assert ask(token_for(app, "oWorkerA")) == 429  # logging in again does not reset the count
    assert ask(token_for(app, "oWorkerB")) == 200


def test_requests_refused_for_the_ip_limit_do_not_reach_token_checks(
    tmp_path: Path, sqlite_template: Path, store: Store
) -> None:
    client = limited(tmp_path, sqlite_template, store, ip=2).test_client()
    statuses = [client.post("/api/v1/ask", json={"question": "x"},
                            headers=bearer(f"guess-{n}")).status_code for n in range(4)]
    assert statuses == [401, 401, 429, 429]  # token guessing is throttled too


def test_every_worker_process_counts_in_the_same_redis_window(
    tmp_path: Path, sqlite_template: Path, redis_store: RedisStore
) -> None:
    # Two app instances stand for two gunicorn workers (or hosts) sharing one Redis.
    prefix = redis_store._prefix  # the same key space, through separate connections
    one = limited(tmp_path, sqlite_template, redis_store, ip=4).test_client()
    two = limited(tmp_path, sqlite_template, RedisStore(REDIS_URL, prefix),
                  ip=4).test_client()
    statuses = [get(one)[0], get(two)[0], get(one)[0], get(two)[0], get(one)[0], get(two)[0]]
    assert statuses == [200, 200, 200, 200, 429, 429]
    ttl = redis_store.ttl("rl:ip:198.51.100.7")
    assert ttl is not None and 0 < ttl <= 60  # a fixed one-minute window, started by the first hit
