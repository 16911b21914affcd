"""Nothing acknowledged is lost, nothing is counted twice: SIGKILL the real server mid-load.

The production server (`pufa serve`: gunicorn, 2 workers, Redis store) takes a stream of
signed text messages, some delivered twice at once as WeChat's retries are. Mid-load the whole
process group is killed with SIGKILL — no shutdown handlers run. The server is started again,
every message that got no HTTP answer is sent again (as WeChat would retry it), and then the
question log must hold every answered message exactly once, and nothing else but messages
that were in flight at the kill.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import requests
from sqlalchemy import create_engine, func, make_url, select, text
from sqlalchemy.pool import NullPool

from tests import wechat_helpers as wx
from tests.conftest import POSTGRES_URL, REDIS_URL, TEST_SECRET, TEST_TOKEN, _need, drop_postgres
from wx_backend.analytics.queue import QuestionQueue, queue_key
from wx_backend.models import QuestionRecord

pytestmark = pytest.mark.slow

MESSAGES = 90
SENDERS = 8
KILL_AFTER = 30  # acknowledged messages before the SIGKILL
BUSY = "系统有点忙"
QUESTIONS = ("老板拖欠工资三个月了怎么办", "在工地摔伤了算工伤吗", "没签劳动合同能要双倍工资吗",
             "包工头跑了工资找谁要", "加班费怎么算")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    env: dict[str, str]
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as handle:  # the child keeps its own copy of the fd
            self.process = subprocess.Popen(
                [sys.executable, "-c", "from wx_backend.cli import main; main()", "serve",
                 "--host", "127.0.0.1", "--port", str(self.port), "--workers", "2"],
                env=self.env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"server exited: {self.log.read_text(errors='replace')[-3000:]}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        pytest.fail("server did not become healthy")

    def kill(self) -> None:
        """SIGKILL the server's whole process group (arbiter and workers)."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def _post(url: str, xml: str) -> str | None:
    """Deliver one message as WeChat does; the reply text, or None when none came back."""
    stamp, nonce = str(int(time.time())), str(random.randrange(10**9))
    query = {"signature": wx.wechat_signature(TEST_TOKEN, stamp, nonce), "timestamp": stamp,
             "nonce": nonce, "openid": "o"}
    try:
        response = requests.post(f"{url}/wechat", params=query, data=xml.encode(),
                                 headers={"Content-Type": "text/xml"}, timeout=10)
    except requests.RequestException:
        return None
    if response.status_code != 200:
        return None
    fields = wx.read_reply(response.content)
    return "" if fields is None else str(fields.get("Content", ""))


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kill.sqlite3'}"
        return
    _need(POSTGRES_URL, "PostgreSQL")
    name = f"pufa_kill_{random.randrange(16**8):08x}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    drop_postgres(name)


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[Server]:
    _need(REDIS_URL, "Redis")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUFA_")}
    env.update({
        "PUFA_SECRET_KEY": TEST_SECRET, "PUFA_WECHAT_TOKEN": TEST_TOKEN,
        "PUFA_DATABASE_URL": database_url, "PUFA_REDIS_URL": REDIS_URL,
        "PUFA_INSTANCE_PATH": str(tmp_path / "instance"),
        "PUFA_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
    })
    srv = Server(f"http://127.0.0.1:{port}", env, port, tmp_path / "server.log")
    srv.start()
    yield srv
    srv.stop()


def test_sigkill_mid_load_loses_nothing_acknowledged_and_counts_nothing_twice(
    server: Server, database_url: str
) -> None:
    # MsgIds unique to this run: the Redis dedup keys outlive a test run.
    base = random.randrange(10**15, 10**16) * 1000
    messages = {
        f"m{base + i}": wx.text(QUESTIONS[i % len(QUESTIONS)] + f"（{i}）",
                                user=f"oKillUser{i % 12:04d}", msg_id=base + i)
        for i in range(MESSAGES)
    }
    replies: dict[str, str] = {}
    lock = threading.Lock()
    killed = threading.Event()

    def deliver(key: str) -> None:
        if killed.is_set():
            return
        xml = messages[key]
        if int(key[1:]) % 4 == 0:
            # WeChat's retry: the same message again while the first is still in flight.
            with ThreadPoolExecutor(2) as pair:
                results = list(pair.map(lambda _: _post(server.url, xml), range(2)))
            got = next((r for r in results if r is not None), None)
        else:
            got = _post(server.url, xml)
        if got is None:
            return
        with lock:
            replies[key] = got
            if len(replies) >= KILL_AFTER and not killed.is_set():
                killed.set()
                server.kill()

    with ThreadPoolExecutor(SENDERS) as pool:
        list(pool.map(deliver, messages))
    assert killed.is_set(), "the server was never killed"
    in_flight = set(messages) - set(replies)
    assert in_flight, "everything was answered before the kill; nothing was tested"

    server.start()
    # WeChat retries what got no answer; one acknowledged message is delivered again too.
    again = [*sorted(in_flight), sorted(replies)[0]]
    with ThreadPoolExecutor(16) as pool:
        for key, got in zip(again, pool.map(lambda k: _post(server.url, messages[k]), again),
                            strict=True):
            assert got is not None, f"{key} unanswered after the restart"
            replies.setdefault(key, got)
    assert set(replies) == set(messages)
    # With Redis the server hands each record to its question queue before replying and
    # commits it moments later; the restarted server drains what the killed one left.
    queue = QuestionQueue(redis.Redis.from_url(REDIS_URL, decode_responses=True),
                          queue_key(database_url))
    deadline = time.monotonic() + 30
    while queue.pending_count() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert queue.pending_count() == 0, "the server left records in its queue"

    engine = create_engine(database_url, poolclass=NullPool)
    with engine.connect() as conn:
        logged = [row[0] for row in conn.execute(select(QuestionRecord.message_key))]
        users = conn.execute(select(func.count(func.distinct(QuestionRecord.user_pseudonym))))
        distinct_users = users.scalar()
    engine.dispose()

    answered = {key for key, reply in replies.items() if reply and BUSY not in reply}
    assert len(logged) == len(set(logged)), "a message was logged twice"
    assert answered <= set(logged), f"answered but not logged: {sorted(answered - set(logged))}"
    # The only logged messages whose answer never reached the sender are ones that were
    # being processed at the kill (logged, then killed before the reply left).
    assert set(logged) - answered <= in_flight
    assert set(logged) <= set(messages)
    assert distinct_users == 12
