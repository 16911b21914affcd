"""The full /wechat path under the production server, beside an echo floor, at 1/10/50 senders.

    . scripts/services.sh && python bench/message_path.py [--seconds 5] [--levels 1,10,50]

Starts `pufa serve` (gunicorn, 2 workers, Redis store, PostgreSQL when PUFA_TEST_POSTGRES_URL
is set, else SQLite) and, with the same server settings, an echo floor: a minimal Flask +
wechatpy handler that checks the signature, parses (decrypts in safe mode) and returns a fixed
text. Senders on loopback post signed text messages with distinct MsgIds, in plaintext and
safe mode, keep-alive connections; prints messages/s, p50/p99 latency and pufa/floor ratios.
The texts are drawn at random from every FAQ question and similar question in faq/ (about
3,000 distinct questions as workers phrase them) plus menu words and numbered choices, so the
matcher's decision cache only helps where real traffic repeats itself. After the run it waits
for the question queue to drain and checks that the log holds one row per answered message.
Target: >= 0.7x the floor's throughput and p99 < 50 ms at 10 senders. Asserts nothing.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import itertools
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOKEN = "bench-token"
APPID = "wxbench000000000"
AES_KEY = base64.b64encode(secrets.token_bytes(32)).decode().rstrip("=")
MENU_WORDS = ["你好", "菜单", "帮助", "1", "2", "3", "劳动合同法第八十二条", "人工"]
# MsgIds unique to this run: dedup keys outlive a run, and others share the Redis.
_ids = itertools.count(random.randrange(10**15, 10**16) * 1000)


def question_pool() -> list[str]:
    """Every FAQ question and similar question, as workers phrase them, plus menu words."""
    import yaml

    pool: list[str] = []
    for path in sorted((ROOT / "faq").glob("*.yaml")):
        for entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("entries", []):
            pool += [str(entry["question"]), *(str(q) for q in entry.get("similar", []))]
    # Menu words and digits are about one message in twenty, as on the live account.
    return pool + MENU_WORDS * max(1, len(pool) // (20 * len(MENU_WORDS)))


# ---- the echo floor ---------------------------------------------------------------------
def echo_app():  # type: ignore[no-untyped-def]
    """Minimal Flask + wechatpy: verify, parse (decrypt), reply a fixed text."""
    from flask import Flask, request
    from wechatpy import parse_message
    from wechatpy.crypto import WeChatCrypto
    from wechatpy.replies import TextReply
    from wechatpy.utils import check_signature

    app = Flask("echo")
    crypto = WeChatCrypto(TOKEN, AES_KEY_ENV(), APPID)

    @app.post("/wechat")
    def wechat():  # type: ignore[no-untyped-def]
        args = request.args
        body = request.get_data()
        if args.get("encrypt_type") == "aes":
            xml = crypto.decrypt_message(body, args["msg_signature"], args["timestamp"],
                                         args["nonce"])
            message = parse_message(xml)
            reply = TextReply(content="收到", message=message).render()
            return crypto.encrypt_message(reply, args["nonce"], args["timestamp"])
        check_signature(TOKEN, args["signature"], args["timestamp"], args["nonce"])
        message = parse_message(body)
        return TextReply(content="收到", message=message).render()

    return app


def AES_KEY_ENV() -> str:
    return os.environ["BENCH_AES_KEY"]


def run_echo_server(port: int) -> None:
    from wx_backend.server import serve

    serve(echo_app(), "127.0.0.1", port, workers=2)


# ---- requests ---------------------------------------------------------------------------
def _sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def _encrypt(xml: str) -> str:
    from tests.wechat_helpers import encrypt

    return encrypt(xml, AES_KEY, APPID)


def build_request(mode: str, user: str, text: str) -> tuple[str, bytes]:
    now = str(int(time.time()))
    nonce = uuid.uuid4().hex[:10]
    xml = (f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName>"
           f"<FromUserName><![CDATA[{user}]]></FromUserName><CreateTime>{now}</CreateTime>"
           f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{text}]]></Content>"
           f"<MsgId>{next(_ids)}</MsgId></xml>")
    query = f"signature={_sign(TOKEN, now, nonce)}&timestamp={now}&nonce={nonce}&openid={user}"
    if mode == "plain":
        return f"/wechat?{query}", xml.encode()
    encrypted = _encrypt(xml)
    query += f"&encrypt_type=aes&msg_signature={_sign(TOKEN, now, nonce, encrypted)}"
    body = (f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName>"
            f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>")
    return f"/wechat?{query}", body.encode()


@dataclass
class Result:
    target: str
    mode: str
    senders: int
    count: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


UNIQUE_OPENINGS = ("我在{n}号工地干活，", "你好，我是{n}车间的，", "请问一下，我干了{n}个月了，",
                   "老乡问的，{n}号楼那边，", "我们班组{n}个人，")


def drive(port: int, target: str, mode: str, senders: int, seconds: float,
          pool: list[str], unique: bool = False) -> Result:
    """Run `senders` keep-alive clients for `seconds`; each waits for its reply (like WeChat)."""
    # Requests are prepared ahead so the senders measure the server, not the signing.
    per_sender = max(50, int(seconds * 2500 / max(senders, 1)) + 50)
    rng = random.Random(f"{target}{mode}{senders}{seconds}")

    def pick() -> str:
        text = rng.choice(pool)
        if unique:  # a different opening every time: no decision is ever served from cache
            text = rng.choice(UNIQUE_OPENINGS).format(n=rng.randrange(1, 10**6)) + text
        return text

    prepared = [[build_request(mode, f"oBench{s:03d}", pick()) for _ in range(per_sender)]
                for s in range(senders)]
    latencies: list[list[float]] = [[] for _ in range(senders)]
    errors = [0] * senders
    stop = threading.Event()
    start_barrier = threading.Barrier(senders + 1)

    def sender(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        start_barrier.wait()
        for path, body in prepared[index]:
            if stop.is_set():
                break
            began = time.perf_counter()
            try:
                connection.request("POST", path, body, {"Content-Type": "text/xml"})
                response = connection.getresponse()
                payload = response.read()
                ok = response.status == 200 and payload.startswith(b"<xml>")
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            if ok:
                latencies[index].append(time.perf_counter() - began)
            else:
                errors[index] += 1
        connection.close()

    threads = [threading.Thread(target=sender, args=(i,)) for i in range(senders)]
    for thread in threads:
        thread.start()
    start_barrier.wait()
    began = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    flat = [x for per in latencies for x in per]
    return Result(target, mode, senders, len(flat), sum(errors), elapsed, flat)


# ---- servers ----------------------------------------------------------------------------
def wait_ready(port: int, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server on {port} exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz" if port % 2 == 0 else "/wechat")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server on {port} did not start")


def scratch_database() -> tuple[str, str | None]:
    url = os.environ.get("PUFA_TEST_POSTGRES_URL", "")
    if not url:
        return "", None
    from sqlalchemy import create_engine, make_url, text
    from sqlalchemy.pool import NullPool

    name = f"pufa_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False), name


def drop_database(name: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    admin = create_engine(os.environ["PUFA_TEST_POSTGRES_URL"], isolation_level="AUTOCOMMIT",
                          poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def start_pufa(port: int, instance: Path, database_url: str) -> subprocess.Popen[bytes]:
    redis = os.environ.get("PUFA_TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUFA_")}
    env.update(PUFA_WECHAT_TOKEN=TOKEN, PUFA_WECHAT_APPID=APPID, PUFA_WECHAT_AES_KEY=AES_KEY,
               PUFA_SECRET_KEY=secrets.token_urlsafe(32), PUFA_REDIS_URL=redis,
               PUFA_INSTANCE_PATH=str(instance), PUFA_PUBLIC_BASE_URL="https://pufa.example.org")
    if database_url:
        env["PUFA_DATABASE_URL"] = database_url
    pufa = Path(sys.executable).with_name("pufa")
    return subprocess.Popen([str(pufa), "serve", "--port", str(port), "--workers", "2"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def start_echo(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "BENCH_AES_KEY": AES_KEY}
    return subprocess.Popen([sys.executable, __file__, "--echo-server", str(port)], env=env,
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--levels", default="1,10,50")
    parser.add_argument("--unique", action="store_true",
                        help="give every message a different opening, so no matcher decision "
                             "comes from the cache (the cold, worst case)")
    parser.add_argument("--hot", type=int, default=0, metavar="N",
                        help="draw every text from only N distinct ones, so after the warm-up "
                             "every decision comes from the cache: the ceiling of the path "
                             "with a matcher that costs nothing")
    parser.add_argument("--echo-server", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.echo_server:
        run_echo_server(args.echo_server)
        return
    levels = [int(x) for x in args.levels.split(",")]
    answered = 0
    pool: list[str] = []
    pufa_port, echo_port = 18000, 18001
    database_url, db_name = scratch_database()
    with tempfile.TemporaryDirectory() as tmp:
        pufa = start_pufa(pufa_port, Path(tmp), database_url)
        echo = start_echo(echo_port)
        try:
            wait_ready(pufa_port, pufa)
            wait_ready(echo_port, echo)
            results: list[Result] = []
            pool = question_pool()
            if args.hot:
                pool = random.Random(0).sample(sorted(set(pool)), args.hot)
            for mode in ("plain", "safe"):
                for senders in levels:
                    for target, port in (("pufa", pufa_port), ("floor", echo_port)):
                        warm = drive(port, target, mode, senders, 1.0, pool, args.unique)
                        results.append(drive(port, target, mode, senders, args.seconds, pool,
                                             args.unique))
                        if target == "pufa":
                            answered += warm.count + results[-1].count
            logged, lag = wait_for_log(database_url, answered)
        finally:
            stop(pufa)
            stop(echo)
            if db_name:
                drop_database(db_name)
    report(results, "PostgreSQL" if database_url else "SQLite")
    if args.hot:
        print(f"texts: {args.hot} distinct ones, each seen in the warm-up: every decision comes "
              "from the cache (the path's ceiling with a free matcher)")
    elif args.unique:
        print(f"texts: {len(set(pool))} FAQ questions, similar questions and menu words, each "
              "with a different opening: every message is new to the decision cache")
    else:
        print(f"texts: drawn at random from {len(set(pool))} distinct ones (FAQ questions, "
              "similar questions, menu words); repeats hit the matcher's decision cache")
    print(f"question log: {logged} rows for {answered} answered messages "
          f"({'all recorded' if logged == answered else 'MISMATCH'}), "
          f"{lag:.1f} s after the last reply")


def wait_for_log(database_url: str, answered: int, timeout: float = 60) -> tuple[int, float]:
    """Rows in the question log once the queue has drained, and how long that took."""
    from sqlalchemy import create_engine, func, select
    from sqlalchemy.pool import NullPool

    from wx_backend.models import QuestionRecord

    if not database_url:
        return -1, 0.0
    engine = create_engine(database_url, poolclass=NullPool)
    began = time.perf_counter()
    count = 0
    while time.perf_counter() - began < timeout:
        with engine.connect() as conn:
            count = int(conn.scalar(select(func.count()).select_from(QuestionRecord)) or 0)
        if count >= answered:
            break
        time.sleep(0.1)
    engine.dispose()
    return count, time.perf_counter() - began


def _pick(results: list[Result], target: str, mode: str, senders: int) -> Result:
    return next(r for r in results if (r.target, r.mode, r.senders) == (target, mode, senders))


def report(results: list[Result], database: str) -> None:
    print(f"/wechat message path — gunicorn gthread, 2 workers x 4 threads, Redis store, "
          f"{database}; {os.cpu_count()} CPUs; senders on loopback")
    print(f"{'mode':6} {'senders':>7} | {'pufa msg/s':>10} {'p50 ms':>7} {'p99 ms':>7} "
          f"{'err':>4} | {'floor msg/s':>11} {'p50 ms':>7} {'p99 ms':>7} | {'ratio':>5}")
    for mode in ("plain", "safe"):
        for senders in sorted({r.senders for r in results}):
            ours = _pick(results, "pufa", mode, senders)
            floor = _pick(results, "floor", mode, senders)
            print(f"{mode:6} {senders:7d} | {ours.rate:10.0f} {ours.pct(0.5):7.1f} "
                  f"{ours.pct(0.99):7.1f} {ours.errors:4d} | {floor.rate:11.0f} "
                  f"{floor.pct(0.5):7.1f} {floor.pct(0.99):7.1f} | {ours.rate / floor.rate:5.2f}")
    ten = [r for r in results if r.target == "pufa" and r.senders == 10]
    for r in ten:
        floor = _pick(results, "floor", r.mode, 10)
        verdict = "meets" if r.rate >= 0.7 * floor.rate and r.pct(0.99) < 50 else "MISSES"
        print(f"target at 10 senders ({r.mode}): >=0.7x floor and p99 < 50 ms: {verdict}")


if __name__ == "__main__":
    main()
