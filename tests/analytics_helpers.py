"""Helpers for the analytics and worksite tests: log questions as of any day."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta

from flask import Flask

from wx_backend.analytics.privacy import pseudonym
from wx_backend.db import db
from wx_backend.models import QuestionRecord
from wx_backend.models.questions import LOCAL_TZ, local_day
from wx_backend.worksites import registry

from .conftest import TEST_SECRET

_keys = itertools.count(1)
WAGES = "欠薪与工资支付"
INJURY = "工伤认定"


def today() -> date:
    return local_day()


def log_question(
    *, user: str = "oWorker1", topic: str | None = WAGES, outcome: str = "answer",
    source: str | None = None, days_ago: int = 0, text: str = "老板拖欠工资怎么办",
    entry_id: str | None = "qx-01", feedback: str | None = None,
) -> str:
    """Insert one question as if asked `days_ago` local days ago (call inside an app context)."""
    day = today() - timedelta(days=days_ago)
    moment = datetime.combine(day, time(10, 0), LOCAL_TZ).astimezone(UTC)
    key = f"t{next(_keys)}"
    db.session.add(QuestionRecord(
        message_key=key, reply_id=key + "r", channel="wechat", source=source,
        user_pseudonym=pseudonym(TEST_SECRET, user), message_type="text", text=text,
        topic=topic, entry_id=entry_id if outcome == "answer" else None, score=0.9,
        outcome=outcome, feedback=feedback, created_at=moment, day=day,
    ))
    db.session.commit()
    return key


def add_worksite(app: Flask, code: str, township: str = "壶镇镇", name: str | None = None) -> None:
    with app.app_context():
        item, problems = registry.validate(
            {"code": code, "name": name or f"{code} 工地", "township": township},
            app.extensions["pufa_site"].townships,
        )
        assert item is not None, problems
        registry.save(item)
