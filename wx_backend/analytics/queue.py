"""The question log's durable hand-off: a Redis stream, drained into the database in batches.

With Redis, a request does not wait for a database commit: before the reply is sent, the
finished question-log row is appended to a Redis stream (XADD). Redis outlives a SIGKILL of
the app, so an acknowledged question is never lost. A flusher thread in each worker reads the
stream through a consumer group, inserts batches with INSERT … ON CONFLICT DO NOTHING and
acknowledges (XACK + XDEL) only after the commit. An entry whose flusher died before its
acknowledgement stays pending in the group: `pufa serve` drains everything left over before it
starts serving, and live flushers claim entries that have been pending too long. A row can
therefore be inserted twice; the unique message key makes the second insert a no-op.

Rows are pseudonymised and scrubbed before they are queued: no openid or phone number waits
in Redis. With the in-process store (embedded default, one process) there is no queue and the
row is inserted synchronously (analytics.recorder.record_question).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

import redis
from flask import Flask
from sqlalchemy import Table, TextClause, make_url, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError

from ..db import db
from ..models import QuestionRecord
from ..store import RedisStore, ThreadConnections
from .recorder import insert_question_rows

log = logging.getLogger(__name__)

GROUP = "flushers"
BATCH = 500
BLOCK_MS = 1000
# An entry read but not acknowledged for this long belongs to a flusher that died (a worker
# killed mid-batch); a live flusher commits a batch in milliseconds.
STALE_MS = 30_000
# After a partial batch the flusher pauses this long, so rows are inserted a few hundred at a
# time under load instead of one commit per message.
PAUSE_SECONDS = 0.25
EXTENSION_KEY = "pufa_question_queue"
# XADD the row, then SET the stored reply: atomic like MULTI/EXEC, but one command to send and
# one reply to parse instead of four.
_PUT_AND_SET = """
redis.call('XADD', KEYS[1], '*', 'row', ARGV[1])
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
return 1
"""


def queue_key(database_url: str) -> str:
    """One stream per database: apps on one Redis but different databases never mix rows."""
    url = make_url(database_url).set(password=None).render_as_string(hide_password=True)
    return f"pufa:question-queue:{hashlib.sha256(url.encode()).hexdigest()[:16]}"


def _encode(row: dict[str, Any]) -> str:
    return json.dumps(
        {k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in row.items()},
        ensure_ascii=False,
    )


def _decode(payload: str) -> dict[str, Any]:
    row: dict[str, Any] = json.loads(payload)
    row["created_at"] = datetime.fromisoformat(row["created_at"])
    row["day"] = date.fromisoformat(row["day"])
    return row


class QuestionQueue:
    """The stream of question-log rows waiting for the database, for one app."""

    def __init__(self, client: redis.Redis, key: str, store_prefix: str = "") -> None:
        self.client = client
        self.key = key
        self.store_prefix = store_prefix  # the RedisStore's key prefix, for put(also_set=…)
        self._group_ready = False
        # Sent as EVALSHA on this thread's own connection; EVAL once if the server forgot it
        # (restart, SCRIPT FLUSH), which also loads it again.
        self._put_and_set_sha = hashlib.sha1(_PUT_AND_SET.encode()).hexdigest()
        self._lane = ThreadConnections(client)

    def ensure_group(self) -> None:
        if self._group_ready:
            return
        try:
            self.client.xgroup_create(self.key, GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    def put(self, row: dict[str, Any], also_set: tuple[str, str, int] | None = None) -> None:
        """Hand one row over durably (returns once Redis has it).

        `also_set` (store key, value, ttl) is written by the same server-side script: the
        message path stores the reply for WeChat's retries with its record, in one round
        trip and one command, and a reply is never stored without its record (the script
        stops at a failed XADD, before the SET).
        """
        if also_set is None:
            self.client.xadd(self.key, {"row": _encode(row)})
            return
        key, value, ttl = also_set
        arguments = (2, self.key, self.store_prefix + key, _encode(row), value, ttl)
        try:
            self._lane.execute("EVALSHA", self._put_and_set_sha, *arguments)
        except redis.exceptions.NoScriptError:
            self._lane.execute("EVAL", _PUT_AND_SET, *arguments)

    def pending_count(self) -> int:
        """Rows handed over but not yet committed to the database (queued or in a batch)."""
        return int(self.client.xlen(self.key))  # acknowledged entries are deleted

    # ---- the consuming side --------------------------------------------------------------
    def read(self, consumer: str, *, new: bool, block_ms: int | None = None,
             count: int = BATCH) -> list[tuple[str, dict[str, str]]]:
        """New entries (`new`), or this consumer's own unacknowledged ones (after a failure)."""
        self.ensure_group()
        answer = self.client.xreadgroup(GROUP, consumer, {self.key: ">" if new else "0"},
                                        count=count, block=block_ms)
        return list(answer[0][1]) if answer else []  # type: ignore[index,arg-type]

    def claim_stale(self, consumer: str, min_idle_ms: int,
                    count: int = BATCH) -> list[tuple[str, dict[str, str]]]:
        """Take over entries another consumer read and never acknowledged."""
        self.ensure_group()
        result = self.client.xautoclaim(self.key, GROUP, consumer, min_idle_ms, "0-0",
                                        count=count)
        return [(i, f) for i, f in result[1] if f]

    def acknowledge(self, ids: Sequence[str]) -> None:
        if not ids:
            return
        pipe = self.client.pipeline(transaction=True)
        pipe.xack(self.key, GROUP, *ids)
        pipe.xdel(self.key, *ids)
        pipe.execute()


def store_rows(app: Flask, queue: QuestionQueue,
               entries: Sequence[tuple[str, dict[str, str]]]) -> int:
    """Insert entries' rows and acknowledge them; returns rows newly stored.

    A database outage raises and leaves the entries unacknowledged (they are retried). A row
    the database refuses on its own (too long for a column, …) would block the stream
    forever, so a refused batch is retried row by row and the refused row is logged and
    dropped — exactly what a synchronous insert did with it.
    """
    ids = [entry_id for entry_id, _ in entries]
    payloads = [str(fields.get("row", "")) for _, fields in entries]
    with app.app_context():
        try:
            stored = _insert_batch(payloads)
        except (DataError, IntegrityError, ValueError, KeyError, TypeError):
            stored = 0
            for entry_id, payload in zip(ids, payloads, strict=True):
                try:
                    stored += insert_question_rows([_decode(payload)])
                except (ValueError, KeyError, TypeError):
                    log.error("question queue: dropping unreadable entry %s: %r", entry_id,
                              payload)
                except (DataError, IntegrityError):
                    log.exception("question queue: the database refused entry %s", entry_id)
    queue.acknowledge(ids)
    return stored


def _insert_batch(payloads: list[str]) -> int:
    """Insert queued rows (JSON) in one statement; on PostgreSQL the JSON goes in as is."""
    session = db.session
    if session.get_bind().dialect.name != "postgresql":
        return insert_question_rows([_decode(payload) for payload in payloads])
    # One jsonb parameter, unpacked by the server: no per-row Python work on the flusher.
    try:
        result = session.execute(_json_insert(), {"rows": "[" + ",".join(payloads) + "]"})
        stored = len(result.all())
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return stored


_JSON_INSERT: TextClause | None = None


def _json_insert() -> TextClause:
    global _JSON_INSERT
    if _JSON_INSERT is None:
        table = cast(Table, QuestionRecord.__table__)
        dialect = postgresql.dialect()
        columns = [c for c in table.columns if c.name not in ("id", "feedback", "feedback_at")]
        names = ", ".join(c.name for c in columns)
        typed = ", ".join(f"{c.name} {c.type.compile(dialect=dialect)}" for c in columns)
        _JSON_INSERT = text(
            f"INSERT INTO {table.name} ({names}) SELECT {names} "
            f"FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r({typed}) "
            "ON CONFLICT DO NOTHING RETURNING id"
        )
    return _JSON_INSERT


def drain(app: Flask, queue: QuestionQueue | None = None) -> int:
    """Store every row still in the queue, including ones a dead flusher had read.

    `pufa serve` runs this before serving, so what a killed server acknowledged reaches the
    database on restart. Safe while flushers run: a row inserted twice is stored once.
    """
    queue = queue or question_queue(app)
    if queue is None:
        return 0
    consumer = f"drain:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    stored = 0
    try:
        while True:
            entries = queue.claim_stale(consumer, 0) or queue.read(consumer, new=True)
            if not entries:
                break
            stored += store_rows(app, queue, entries)
    finally:
        queue.client.xgroup_delconsumer(queue.key, GROUP, consumer)
    return stored


class Flusher(threading.Thread):
    """Moves rows from the stream into the database, in the background of one worker."""

    def __init__(self, app: Flask, queue: QuestionQueue) -> None:
        super().__init__(name="question-log-flusher", daemon=True)
        self.app = app
        self.queue = queue
        self.consumer = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.stopping = threading.Event()
        self._failures = 0
        self._owing = False  # holds entries it read and has not acknowledged

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        self.join(timeout)

    def run(self) -> None:
        next_claim = 0.0
        while not self.stopping.is_set():
            try:
                claim = time.monotonic() >= next_claim
                if claim:
                    next_claim = time.monotonic() + STALE_MS / 1000
                stored = self.step(claim=claim)
                self._failures = 0
                if 0 < stored < BATCH:
                    # Let rows gather: one insert per PAUSE, not one commit per message. They
                    # are already durable in Redis, so waiting costs only freshness.
                    self.stopping.wait(PAUSE_SECONDS)
            except (redis.RedisError, SQLAlchemyError, OSError):
                # Database or Redis away: the rows stay in Redis; try again, backing off.
                self._failures += 1
                log.exception("question queue: flush failed (attempt %d)", self._failures)
                self.stopping.wait(min(30.0, 0.5 * 2 ** min(self._failures, 6)))

    def step(self, *, claim: bool = False) -> int:
        """One round: own unacknowledged entries first, then stale ones, then new ones."""
        entries: list[tuple[str, dict[str, str]]] = []
        if self._owing:  # a failed batch is still ours and unacknowledged: retry it first
            entries = self.queue.read(self.consumer, new=False)
            self._owing = bool(entries)
        if not entries and claim:
            entries = self.queue.claim_stale(self.consumer, STALE_MS)
        if not entries:
            entries = self.queue.read(self.consumer, new=True, block_ms=BLOCK_MS)
        if not entries:
            return 0
        self._owing = True
        stored = store_rows(self.app, self.queue, entries)
        self._owing = False
        return stored


_start_lock = threading.Lock()


def question_queue(app: Flask) -> QuestionQueue | None:
    """The app's queue when its store is Redis (shared by workers); None in-process."""
    cached = app.extensions.get(EXTENSION_KEY)
    if cached is not None:
        queue: QuestionQueue | None = cached[0]
        return queue
    store = app.extensions["pufa_store"]
    queue = None
    if isinstance(store, RedisStore):
        # The store has no public accessor for its prefix; put(also_set=…) writes a store
        # key directly, so it needs the same prefix RedisStore.set would add.
        prefix = str(getattr(store, "_prefix", "pufa:"))
        queue = QuestionQueue(store.client, queue_key(app.config["DATABASE_URL"]), prefix)
    app.extensions[EXTENSION_KEY] = (queue, {})
    return queue


def ensure_flusher(app: Flask) -> Flusher | None:
    """Start this process's flusher on first use (gunicorn forks workers after loading).

    Test apps (TESTING) start none: a thread per short-lived test app would outlive its
    database; tests call drain() or run a Flusher themselves.
    """
    queue = question_queue(app)
    if queue is None or app.config.get("TESTING"):
        return None
    flushers: dict[int, Flusher] = app.extensions[EXTENSION_KEY][1]
    pid = os.getpid()
    flusher = flushers.get(pid)
    if flusher is not None and flusher.is_alive():
        return flusher
    with _start_lock:
        flusher = flushers.get(pid)
        if flusher is None or not flusher.is_alive():
            flusher = Flusher(app, queue)
            flushers.clear()  # a forked child does not own its parent's thread
            flushers[pid] = flusher
            flusher.start()
    return flusher


def drain_at_start(app: Flask) -> None:
    """Startup step: rows a previous run acknowledged but never stored reach the database.

    A failure here does not stop the service: the rows stay in Redis and the workers'
    flushers claim them once they have been pending for STALE_MS.
    """
    queue = question_queue(app)
    if queue is None:
        return
    try:
        stored = drain(app, queue)
        _forget_idle_consumers(queue)
    except (redis.RedisError, SQLAlchemyError):
        log.exception("question queue: could not drain at start; the flushers will")
        return
    if stored:
        log.info("question queue: stored %d rows left from the previous run", stored)


def _forget_idle_consumers(queue: QuestionQueue, idle_ms: int = 3_600_000) -> None:
    """Drop consumers of past worker processes (each restart adds new names)."""
    for consumer in queue.client.xinfo_consumers(queue.key, GROUP):
        if int(consumer["pending"]) == 0 and int(consumer["idle"]) > idle_ms:
            queue.client.xgroup_delconsumer(queue.key, GROUP, consumer["name"])
