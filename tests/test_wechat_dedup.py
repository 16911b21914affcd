"""WeChat retries a slow request up to 3 times: one reply, one recorded question."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import wechat_helpers as wx
from tests.dialogue_support import fixture_content_dir
from wx_backend.analytics.queue import drain
from wx_backend.db import db
from wx_backend.dialogue.engine import Dialogue
from wx_backend.models import QuestionRecord
from wx_backend.store import MemoryStore
from wx_backend.wechat import Deduplicator, parse_message
from wx_backend.wechat.dedup import message_key


def recorded(app: Flask) -> int:
    """Rows in the question log once everything handed to the question queue is stored."""
    drain(app)  # with Redis the record waits in the queue; a no-op with the in-process store
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(QuestionRecord)) or 0)


def slow_dialogue(monkeypatch: pytest.MonkeyPatch, started: threading.Event,
                  release: threading.Event) -> list[str]:
    """Make the first answer wait until released, so the retries arrive while it works."""
    calls: list[str] = []
    original = Dialogue.respond

    def respond(self: Dialogue, incoming):  # type: ignore[no-untyped-def]
        calls.append(incoming.text)
        started.set()
        release.wait(5)
        return original(self, incoming)

    monkeypatch.setattr(Dialogue, "respond", respond)
    return calls


def concurrently(count: int, action: Callable[[], bytes]) -> list[bytes]:
    results: list[bytes] = [b""] * count
    barrier = threading.Barrier(count)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = action()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return results


@pytest.mark.parametrize("mode", ["plain", "safe"])
def test_three_concurrent_deliveries_get_one_identical_reply_and_one_record(
    backend_app: Flask, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    backend_app.config["WECHAT_AES_KEY"] = wx.TEST_AES_KEY if mode == "safe" else ""
    backend_app.config["CONTENT_DIR"] = str(fixture_content_dir())
    started, release = threading.Event(), threading.Event()
    calls = slow_dialogue(monkeypatch, started, release)
    wechat = wx.WeChat(backend_app.test_client(), mode=mode)
    xml = wx.text("老板拖欠工资三个月了怎么办", msg_id=987654321)
    query, body = wechat.envelope(xml)

    def deliver() -> bytes:
        client = backend_app.test_client()
        response = client.post("/wechat", query_string=query, data=body)
        assert response.status_code == 200
        return response.get_data()

    # Let the deliveries pile up on the first one, then let it finish.
    timer = threading.Timer(0.3, release.set)
    timer.start()
    bodies = concurrently(3, deliver)
    timer.join()

    replies = [wx.read_reply(b) for b in bodies]
    assert all(r is not None for r in replies)
    assert len({r["Content"] for r in replies if r}) == 1
    assert "系统有点忙" not in replies[0]["Content"]  # type: ignore[index]
    assert calls == ["老板拖欠工资三个月了怎么办"]
    assert recorded(backend_app) == 1


def test_a_later_retry_is_answered_from_the_stored_reply(backend_app: Flask) -> None:
    backend_app.config["CONTENT_DIR"] = str(fixture_content_dir())
    wechat = wx.WeChat(backend_app.test_client())
    xml = wx.event("subscribe", "qrscene_ws:JY009", create_time=1_800_000_123)
    first, second = wechat.post(xml).get_data(), wechat.post(xml).get_data()
    assert first == second and b"qrscene" not in first


# ---- the deduplicator itself ------------------------------------------------------------
class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def test_message_key_uses_msgid_and_for_events_user_and_time() -> None:
    text = parse_message(wx.text("你好", msg_id=55).encode())
    assert message_key(text) == "m55"
    subscribe = parse_message(wx.event("subscribe", user="oX", create_time=1700).encode())
    assert message_key(subscribe) == "eoX:1700:subscribe"


def test_retry_waits_with_backoff_and_returns_the_stored_reply() -> None:
    store, clock = MemoryStore(), FakeClock()
    first = Deduplicator(store)
    assert first.claim("m1").first
    retry = Deduplicator(store, sleep=clock.sleep, clock=clock)

    # the reply lands while the retry is polling
    def sleep_then_complete(seconds: float) -> None:
        clock.sleep(seconds)
        if len(clock.sleeps) == 3:
            first.complete("m1", "<xml>reply</xml>")

    retry._sleep = sleep_then_complete
    claim = retry.claim("m1")
    assert (claim.first, claim.reply) == (False, "<xml>reply</xml>")
    assert clock.sleeps == [0.005, 0.01, 0.02]


def test_retry_gives_up_well_inside_five_seconds() -> None:
    store, clock = MemoryStore(), FakeClock()
    Deduplicator(store).claim("m2")
    claim = Deduplicator(store, sleep=clock.sleep, clock=clock, wait_seconds=3.0).claim("m2")
    assert (claim.first, claim.reply) == (False, None)
    assert 3.0 <= clock.now < 3.1 and max(clock.sleeps) == 0.05


def test_an_abandoned_claim_is_taken_over_by_the_retry() -> None:
    store, clock = MemoryStore(), FakeClock()
    first = Deduplicator(store)
    first.claim("m3")
    first.abandon("m3")
    assert Deduplicator(store, sleep=clock.sleep, clock=clock).claim("m3").first


class TtlSpy(MemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.ttls: dict[str, int] = {}

    def set(self, key: str, value: str, ttl: int) -> None:
        self.ttls[value[:2]] = ttl
        super().set(key, value, ttl)

    def set_nx(self, key: str, value: str, ttl: int) -> bool:
        self.ttls[value[:2]] = ttl
        return super().set_nx(key, value, ttl)


def test_a_claim_left_by_a_killed_request_expires_before_wechats_next_retry() -> None:
    store = TtlSpy()
    dedup = Deduplicator(store)
    dedup.claim("m4")
    dedup.complete("m4", "<xml>reply</xml>")
    # pending: shorter than the ~5 s between WeChat's retries plus their 3 s wait;
    # the finished reply: kept for every retry WeChat could still send
    assert store.ttls == {"p": 8, "r:": 300}


def test_empty_reply_is_shared_too() -> None:
    store = MemoryStore()
    dedup = Deduplicator(store)
    dedup.claim("e1")
    dedup.complete("e1", "")
    assert dedup.claim("e1").reply == ""


@pytest.mark.redis
def test_dedup_on_real_redis(redis_store) -> None:  # type: ignore[no-untyped-def]
    a, b = Deduplicator(redis_store), Deduplicator(redis_store)
    assert a.claim("m9").first
    a.complete("m9", "<xml>r</xml>")
    assert b.claim("m9") .reply == "<xml>r</xml>"
