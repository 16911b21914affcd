"""Dashboard queries on a large question log, on SQLite and PostgreSQL.

    python bench/analytics.py [--rows 1000000] [--postgres URL] [--sqlite-only]

Fills a fresh database with synthetic questions spread over a year (13 topics, 200 worksites,
50,000 workers, a quarter not answered confidently), then times every dashboard query for
the default 30-day view and for a 365-day view that spans the whole log. Target: each query
under one second. PostgreSQL runs when --postgres or PUFA_TEST_POSTGRES_URL is given.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wx_backend import create_app
from wx_backend.analytics import aggregates as agg
from wx_backend.analytics.report import build_report
from wx_backend.analytics.warnings import Thresholds, current_levels
from wx_backend.migrate import upgrade
from wx_backend.models.questions import local_day

TOPICS = ["欠薪与工资支付", "工伤认定", "工伤待遇与鉴定", "劳动合同订立", "试用期",
          "解除终止与经济补偿", "加班工时休假", "社会保险", "维权渠道与仲裁", "新就业形态",
          "职业中介与招聘", "劳务派遣与用工形式", "女职工与特殊保护"]
WEIGHTS = [22, 12, 6, 10, 3, 12, 9, 9, 6, 4, 2, 3, 2]
OUTCOMES = ["answer"] * 70 + ["choices"] * 15 + ["fallback"] * 12 + ["out_of_scope"] * 3
PHRASES = ["包工头跑了工资找谁要", "外地户口能交社保吗", "工地摔伤老板不认怎么办", "辞职要提前几天",
           "加班费怎么算", "没签合同能要双倍工资吗", "试用期被辞退有补偿吗", "怀孕被辞退怎么办"]
COLUMNS = ("message_key", "reply_id", "channel", "source", "user_pseudonym", "message_type",
           "text", "topic", "entry_id", "score", "outcome", "feedback", "feedback_at", "day",
           "created_at")
BATCH = 50_000


def synthetic_rows(count: int, today: date, seed: int = 7) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed)
    run = uuid.uuid4().hex[:6]
    users = [f"{rng.getrandbits(128):032x}" for _ in range(50_000)]
    sites = [f"ws:W{n:03d}" for n in range(1, 201)]
    for i in range(count):
        day = today - timedelta(days=rng.randrange(365))
        created = datetime(day.year, day.month, day.day, rng.randrange(24), rng.randrange(60),
                           tzinfo=UTC)
        outcome = rng.choice(OUTCOMES)
        topic = rng.choices(TOPICS, WEIGHTS)[0] if outcome != "out_of_scope" else None
        answered = outcome == "answer"
        feedback = rng.choice(("helpful", "helpful", "not_helpful")) if answered and \
            rng.random() < 0.1 else None
        yield (
            f"b{run}{i}", f"r{run}{i}", rng.choice(("wechat", "wechat", "miniprogram")),
            rng.choice(sites) if rng.random() < 0.6 else None, rng.choice(users), "text",
            f"{rng.choice(PHRASES)}{rng.choice(('', '？', '啊', '呢'))}{rng.randrange(40)}",
            topic, f"qx-{rng.randrange(1, 30):02d}" if answered else None,
            round(rng.random(), 3), outcome, feedback, created if feedback else None, day,
            created,
        )


def load_sqlite(engine: Any, rows: Iterator[tuple[Any, ...]]) -> None:
    placeholders = ", ".join("?" for _ in COLUMNS)
    sql = f"INSERT INTO question_log ({', '.join(COLUMNS)}) VALUES ({placeholders})"
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(tuple(
                v.isoformat(" ") if isinstance(v, datetime) else
                v.isoformat() if isinstance(v, date) else v for v in row))
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
        raw.commit()
        cursor.execute("ANALYZE")
    finally:
        raw.close()


def load_postgres(engine: Any, rows: Iterator[tuple[Any, ...]]) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy(f"COPY question_log ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE question_log"))


def timed(fn: Callable[[], Any], repeat: int = 3) -> float:
    fn()  # warm the cache, as a dashboard in use is
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def run(label: str, url: str, rows: int) -> None:
    engine = create_engine(url, poolclass=NullPool)
    upgrade(engine)
    today = local_day()
    start = time.perf_counter()
    (load_sqlite if url.startswith("sqlite") else load_postgres)(
        engine, synthetic_rows(rows, today))
    print(f"\n{label}: loaded {rows:,} questions in {time.perf_counter() - start:.1f} s")
    engine.dispose()

    instance = tempfile.mkdtemp(prefix="pufa-bench-")
    os.environ["PUFA_INSTANCE_PATH"] = instance
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url})
    thresholds = Thresholds.from_config(app.config)
    worst = 0.0
    with app.app_context():
        for days in (30, 365):
            period = agg.Period.last(days, today)
            queries: dict[str, Callable[[], Any]] = {
                "totals": lambda p=period: agg.totals(p),
                "topic share + trend": lambda p=period: agg.topic_shares(p),
                "per day by topic": lambda p=period: agg.daily_by_topic(p),
                "per worksite/township": lambda p=period: agg.by_township(agg.by_source(p)),
                "feedback rates": lambda p=period: agg.feedback_rates(p),
                "unanswered, grouped": lambda p=period: agg.unanswered_groups(p),
                "warning levels": lambda: current_levels(thresholds, today),
                "whole dashboard": lambda d=days: build_report(d, thresholds, today),
            }
            in_window = agg.totals(period).questions
            print(f"  {days}-day view ({in_window:,} questions in the period):")
            for name, fn in queries.items():
                seconds = timed(fn)
                if name != "whole dashboard":
                    worst = max(worst, seconds)
                print(f"    {name:<24} {seconds * 1000:8.1f} ms")
    print(f"  slowest single query: {worst * 1000:.0f} ms "
          f"({'within' if worst < 1 else 'OVER'} the 1 s target)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("PUFA_TEST_POSTGRES_URL", ""))
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pufa-bench-") as folder:
        run("SQLite", f"sqlite:///{folder}/bench.sqlite3", args.rows)
    if args.postgres and not args.sqlite_only:
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        name = f"pufa_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
            run("PostgreSQL", url, args.rows)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
