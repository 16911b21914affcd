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


def limited(tmp_path: Path, sqlite_template: Path, store: Store, *, ip: int = 1000,
            user: int = 1000, trusted_proxies: int = 0) -> Flask:
    return api_app(tmp_path, sqlite_template, store, API_RATE_IP=ip, API_RATE_USER=user,
                   API_TRUSTED_PROXIES=trusted_proxies)


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


def test_behind_a_trusted_proxy_each_worker_address_has_its_own_window(
    tmp_path: Path, sqlite_template: Path, store: Store
) -> None:
    client = limited(tmp_path, sqlite_template, store, ip=2, trusted_proxies=1).test_client()

    def via_nginx(forwarded_for: str) -> int:
        return get(client, "127.0.0.1", **{"X-Forwarded-For": forwarded_for})[0]

    assert [via_nginx("203.0.113.1"), via_nginx("203.0.113.1"), via_nginx("203.0.113.1")] == [
        200, 200, 429]
    assert via_nginx("203.0.113.2") == 200
    # A client cannot pick its own window: only the entry our proxy appended counts.
    assert via_nginx("198.18.0.99, 203.0.113.1") == 429


def test_without_trusted_proxies_x_forwarded_for_is_ignored(
    tmp_path: Path, sqlite_template: Path, store: Store
) -> None:
    client = limited(tmp_path, sqlite_template, store, ip=1).test_client()
    assert get(client, "198.51.100.7", **{"X-Forwarded-For": "203.0.113.1"})[0] == 200
    assert get(client, "198.51.100.7", **{"X-Forwarded-For": "203.0.113.2"})[0] == 429
