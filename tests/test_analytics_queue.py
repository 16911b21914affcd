"""The question log's durable hand-off: Redis holds a record from the reply until its commit.

With Redis, /wechat appends the finished record to a stream before replying; flushers insert
batches and acknowledge after the commit. What is acknowledged is never lost (a flusher that
dies mid-batch leaves its entries pending, and the next start drains them), nothing is counted
twice, a database outage only delays the log, and a Redis outage falls back to a direct insert.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest
import redis
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from tests import wechat_helpers as wx
from tests.conftest import (
    POSTGRES_URL,
    REDIS_URL,
    TEST_SECRET,
    _need,
    drop_postgres,
    fresh_postgres_url,
    fresh_redis_store,
    make_test_app,
)
from tests.dialogue_support import fixture_content_dir
from wx_backend.analytics import queue as question_queue_module
from wx_backend.analytics.queue import Flusher, QuestionQueue, drain, question_queue, queue_key
from wx_backend.analytics.recorder import QuestionEvent, question_row
from wx_backend.db import db
from wx_backend.models import QuestionRecord


@pytest.fixture(params=["sqlite+redis", "postgres+redis"])
def queued_app(request: pytest.FixtureRequest, tmp_path: Path,
               sqlite_template: Path) -> Iterator[Flask]:
    _need(REDIS_URL, "Redis")
    if request.param == "sqlite+redis":
        db_file = tmp_path / "pufa.sqlite3"
        shutil.copy(sqlite_template, db_file)
        app = make_test_app(tmp_path, f"sqlite:///{db_file}", fresh_redis_store(),
                            CONTENT_DIR=str(fixture_content_dir()))
        yield app
        _forget_stream(app)
        return
    _need(POSTGRES_URL, "PostgreSQL")
    url, name = fresh_postgres_url(request.getfixturevalue("postgres_template"))
    app = make_test_app(tmp_path, url, fresh_redis_store(), CONTENT_DIR=str(fixture_content_dir()))
    yield app
    _forget_stream(app)
    app.extensions["pufa_db"][0].dispose()
    drop_postgres(name)


def _forget_stream(app: Flask) -> None:
    queue = question_queue(app)
    assert queue is not None
    queue.client.delete(queue.key)


def _queue(app: Flask) -> QuestionQueue:
    queue = question_queue(app)
    assert queue is not None, "a Redis store gives the app a question queue"
    return queue


def _row(key: str, text: str = "老板拖欠工资怎么办", **overrides: object) -> dict[str, object]:
    event = QuestionEvent(message_key=key, reply_id=f"r{key}", channel="wechat",
                          user_id="oQueue1", message_type="text", text=text, outcome="answer")
    return {**question_row(TEST_SECRET, event), **overrides}


def _logged(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(
            select(QuestionRecord.message_key).order_by(QuestionRecord.message_key)))


def test_an_answered_message_is_queued_before_the_reply_and_stored_once(queued_app: Flask) -> None:
    wechat = wx.WeChat(queued_app.test_client())
    xml = wx.text("我叫张三，电话13812345678，老板拖欠工资怎么办", msg_id=4242)
    first = wechat.post(xml)
    again = wechat.post(xml)  # WeChat's retry
    assert first.get_data() == again.get_data() and b"<xml>" in first.get_data()
    queue = _queue(queued_app)
    assert queue.pending_count() == 1, "the reply left only after its record was in Redis"
    assert _logged(queued_app) == []  # not yet committed: the flusher's job
    # Nothing personal waits in Redis: the row is pseudonymised and scrubbed before queuing.
    raw = str(queue.client.xrange(queue.key))
    assert "13812345678" not in raw and "张三" not in raw and "oUser0001" not in raw

    assert drain(queued_app) == 1
    assert _logged(queued_app) == ["m4242"]
    assert queue.pending_count() == 0


def test_the_flusher_stores_batches_and_counts_a_row_queued_twice_once(queued_app: Flask) -> None:
    queue = _queue(queued_app)
    rows = {key: _row(key, topic="wages", entry_id="gz-01", score=0.75, source="ws:JY001")
            for key in ("m1", "m2", "m3")}
    for key in ("m1", "m2", "m1", "m3"):  # m1 twice: a hand-off repeated after a crash
        queue.put(rows[key])
    flusher = Flusher(queued_app, queue)
    assert flusher.step() == 3
    assert queue.pending_count() == 0
    assert _logged(queued_app) == ["m1", "m2", "m3"]
    with queued_app.app_context():
        stored = db.session.scalars(select(QuestionRecord).order_by(QuestionRecord.id)).first()
        assert stored is not None
        expected = rows[stored.message_key]
        for name in ("reply_id", "channel", "source", "user_pseudonym", "message_type", "text",
                     "topic", "entry_id", "score", "outcome", "day"):
            assert getattr(stored, name) == expected[name], name
        moment = stored.created_at
        # SQLite hands back naive UTC; PostgreSQL an aware timestamp: the same instant.
        assert (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) == expected["created_at"]


def test_an_unreadable_entry_is_dropped_and_the_rest_stored(queued_app: Flask) -> None:
    queue = _queue(queued_app)
    queue.put(_row("m41"))
    queue.client.xadd(queue.key, {"row": "{not json"})
    queue.put(_row("m42"))
    assert Flusher(queued_app, queue).step() == 2
    assert _logged(queued_app) == ["m41", "m42"] and queue.pending_count() == 0


def test_the_flusher_thread_keeps_the_log_current(queued_app: Flask) -> None:
    queue = _queue(queued_app)
    flusher = Flusher(queued_app, queue)
    flusher.start()
    try:
        for i in range(20):
            queue.put(_row(f"m{100 + i}"))
        deadline = time.monotonic() + 30
        while queue.pending_count() and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        flusher.stop()
    assert not flusher.is_alive()
    assert _logged(queued_app) == [f"m{100 + i}" for i in range(20)]


def test_rows_a_dead_flusher_had_read_are_drained_at_the_next_start(queued_app: Flask) -> None:
    queue = _queue(queued_app)
    queue.put(_row("m7"))
    queue.put(_row("m8"))
    # A worker read both and was SIGKILLed before its commit: pending, unacknowledged.
    assert len(queue.read("host:4711:dead", new=True)) == 2
    assert queue.read("host:4712:alive", new=True) == []  # not delivered to anyone else
    question_queue_module.drain_at_start(queued_app)
    assert _logged(queued_app) == ["m7", "m8"]
    assert queue.pending_count() == 0


def test_a_database_outage_keeps_the_rows_in_redis_until_it_is_back(
    queued_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue = _queue(queued_app)
    queue.put(_row("m21"))
    flusher = Flusher(queued_app, queue)

    def down(payloads: object) -> int:
        raise OperationalError("INSERT", {}, Exception("connection refused"))

    monkeypatch.setattr(question_queue_module, "_insert_batch", down)
    with pytest.raises(OperationalError):
        flusher.step()
    assert queue.pending_count() == 1 and _logged(queued_app) == []
    monkeypatch.undo()
    assert flusher.step() == 1  # its own unacknowledged entries come first
    assert _logged(queued_app) == ["m21"] and queue.pending_count() == 0


def test_a_row_the_database_refuses_does_not_block_the_others(queued_app: Flask) -> None:
    if queued_app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("SQLite does not enforce column lengths")
    queue = _queue(queued_app)
    queue.put(_row("m31"))
    queue.put(_row("m32", entry_id="x" * 200))  # longer than the column allows
    queue.put(_row("m33"))
    assert Flusher(queued_app, queue).step() == 2
    assert _logged(queued_app) == ["m31", "m33"] and queue.pending_count() == 0


def test_with_redis_unavailable_the_record_is_written_directly(
    queued_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: QuestionQueue, row: object, also_set: object = None) -> None:
        raise redis.ConnectionError("Redis is restarting")

    monkeypatch.setattr(QuestionQueue, "put", refuse)
    response = wx.WeChat(queued_app.test_client()).post(wx.text("加班费怎么算", msg_id=5151))
    assert response.status_code == 200 and b"<xml>" in response.get_data()
    assert _logged(queued_app) == ["m5151"]


def test_each_database_has_its_own_queue() -> None:
    a = queue_key("postgresql+psycopg://pufa:secret@db/pufa")
    b = queue_key("postgresql+psycopg://pufa:secret@db/pufa_staging")
    assert a != b and "secret" not in a
    assert queue_key("postgresql+psycopg://pufa:other@db/pufa") == a  # a new password: same log


def test_the_in_process_store_has_no_queue_and_records_at_once(app: Flask) -> None:
    app.config["CONTENT_DIR"] = str(fixture_content_dir())
    assert question_queue(app) is None
    wx.WeChat(app.test_client()).post(wx.text("加班费怎么算", msg_id=6161))
    assert _logged(app) == ["m6161"]


def test_the_reply_is_stored_with_its_record_or_not_at_all(queued_app: Flask) -> None:
    queue = _queue(queued_app)
    store_key = "wx:dedup:m5151"
    queue.put(_row("m5151"), also_set=(store_key, "r:<xml>reply</xml>", 300))
    stored = queue.store_prefix + store_key
    assert queue.client.get(stored) == "r:<xml>reply</xml>"
    assert 295 <= int(queue.client.ttl(stored)) <= 300
    assert queue.pending_count() == 1
    # A record that cannot be appended (here: the stream key holds a string) leaves no
    # stored reply behind, so WeChat's retry cannot be answered without a record.
    broken = QuestionQueue(queue.client, queue.key + ":broken", queue.store_prefix)
    queue.client.set(broken.key, "not a stream")
    try:
        with pytest.raises(redis.ResponseError):
            broken.put(_row("m5152"), also_set=("wx:dedup:m5152", "r:x", 300))
        assert queue.client.get(queue.store_prefix + "wx:dedup:m5152") is None
    finally:
        queue.client.delete(broken.key, stored)


def test_the_put_script_is_loaded_again_after_the_server_forgot_it(queued_app: Flask) -> None:
    queue = _queue(queued_app)
    queue.client.script_flush()
    queue.put(_row("m5153"), also_set=("wx:dedup:m5153", "r:y", 300))
    assert queue.client.get(queue.store_prefix + "wx:dedup:m5153") == "r:y"
    assert queue.pending_count() == 1
    queue.client.delete(queue.store_prefix + "wx:dedup:m5153")
