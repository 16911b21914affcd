"""Early warning of wage arrears per worksite: blue / yellow / red (红黄蓝预警).

Over a rolling window of WARNING_DAYS local days, count the DISTINCT workers who asked about
unpaid wages (topic 欠薪与工资支付) from each worksite. One worried worker asking ten times
is one worker; ten workers asking once each is what the bureau must hear about. The counts
map to levels by the WARNING_BLUE / _YELLOW / _RED thresholds.

Each evaluation stores the level per worksite and logs every change, so the daily digest can
list the worksites that newly reached yellow or red.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.exc import IntegrityError

from ..db import db
from ..models import QuestionRecord, WarningChange, Worksite, WorksiteWarning
from ..models.base import utcnow
from ..models.questions import local_day
from .aggregates import WAGE_TOPIC, WORKSITE_PREFIX, Period, source_key

log = logging.getLogger(__name__)

LEVELS = ("none", "blue", "yellow", "red")
LEVEL_LABELS = {"none": "无", "blue": "蓝色", "yellow": "黄色", "red": "红色"}


@dataclass(frozen=True)
class Thresholds:
    days: int
    blue: int
    yellow: int
    red: int

    @classmethod
    def from_config(cls, config: Any) -> Thresholds:
        return cls(
            days=int(config["WARNING_DAYS"]),
            blue=int(config["WARNING_BLUE"]),
            yellow=int(config["WARNING_YELLOW"]),
            red=int(config["WARNING_RED"]),
        )

    def level(self, users: int) -> str:
        if users >= self.red:
            return "red"
        if users >= self.yellow:
            return "yellow"
        if users >= self.blue:
            return "blue"
        return "none"


@dataclass(frozen=True)
class WorksiteLevel:
    code: str
    name: str
    township: str
    level: str
    users: int
    questions: int
    recent: list[str]  # latest scrubbed wage questions asked there, newest first

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.level]


@dataclass(frozen=True)
class DigestItem:
    code: str
    name: str
    township: str
    level_from: str
    level_to: str
    users: int
    at: datetime

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.level_to]


def current_levels(
    thresholds: Thresholds, today: Any = None, recent: int = 5
) -> list[WorksiteLevel]:
    """Every worksite with wage questions in the window, highest level first."""
    period = Period.last(thresholds.days, today)
    q = QuestionRecord
    rows = db.session.execute(
        select(q.source, func.count(distinct(q.user_pseudonym)), func.count())
        .where(
            q.topic == WAGE_TOPIC,
            q.day.between(period.start, period.end),
            q.source.like(WORKSITE_PREFIX + "%"),
        )
        .group_by(q.source)
    ).all()
    sites = _worksites([source_key(r[0]) for r in rows])
    warned = [str(r[0]) for r in rows if thresholds.level(int(r[1])) != "none"]
    texts = _recent_questions(warned, period, recent)
    levels = []
    for source, users, questions in rows:
        code = source_key(source)
        site = sites.get(code)
        levels.append(WorksiteLevel(
            code=code,
            name=site.name if site else "（未登记）",
            township=site.township if site else "",
            level=thresholds.level(int(users)),
            users=int(users),
            questions=int(questions),
            recent=texts.get(str(source), []),
        ))
    return sorted(levels, key=lambda w: (-LEVELS.index(w.level), -w.users, w.code))


def evaluate(thresholds: Thresholds, now: datetime | None = None) -> list[WarningChange]:
    """Compare the current levels with the stored ones; store and log every change."""
    now = now or utcnow()
    current = {w.code: w for w in current_levels(thresholds, local_day(now), recent=0)}
    session = db.session
    stored = {w.worksite_code: w for w in session.scalars(select(WorksiteWarning))}
    changes: list[WarningChange] = []
    for code in sorted(set(current) | set(stored)):
        level = current[code].level if code in current else "none"
        users = current[code].users if code in current else 0
        row = stored.get(code)
        before = row.level if row else "none"
        if row is None:
            if level == "none":
                continue
            row = WorksiteWarning(worksite_code=code, level=level, users=users,
                                  changed_at=now, evaluated_at=now)
            session.add(row)
        row.users, row.evaluated_at = users, now
        if before != level:
            row.level, row.changed_at = level, now
            change = WarningChange(worksite_code=code, level_from=before, level_to=level,
                                   users=users, created_at=now)
            session.add(change)
            changes.append(change)
    try:
        session.commit()
    except IntegrityError:
        # Another process evaluated at the same moment; its result stands.
        session.rollback()
        log.info("warning evaluation raced with another process; skipped")
        return []
    return changes


def digest(
    thresholds: Thresholds, since: datetime, now: datetime | None = None
) -> list[DigestItem]:
    """Evaluate, then list worksites that rose to yellow or red since `since`."""
    evaluate(thresholds, now)
    rows = db.session.scalars(
        select(WarningChange)
        .where(WarningChange.created_at > since, WarningChange.level_to.in_(("yellow", "red")))
        .order_by(WarningChange.created_at, WarningChange.id)
    ).all()
    rises = [r for r in rows if LEVELS.index(r.level_to) > LEVELS.index(r.level_from)]
    sites = _worksites([r.worksite_code for r in rises])
    items = []
    for change in rises:
        site = sites.get(change.worksite_code)
        items.append(DigestItem(
            code=change.worksite_code,
            name=site.name if site else "（未登记）",
            township=site.township if site else "",
            level_from=change.level_from,
            level_to=change.level_to,
            users=change.users,
            at=change.created_at,
        ))
    return sorted(items, key=lambda i: (-LEVELS.index(i.level_to), -i.users, i.code))


def default_since(now: datetime | None = None, hours: int = 24) -> datetime:
    return (now or utcnow()) - timedelta(hours=hours)


def _worksites(codes: list[str]) -> dict[str, Worksite]:
    if not codes:
        return {}
    return {w.code: w for w in db.session.scalars(select(Worksite).where(Worksite.code.in_(codes)))}


def _recent_questions(sources: list[str], period: Period, limit: int) -> dict[str, list[str]]:
    """The latest `limit` wage questions of each source, in one query over the window."""
    if limit <= 0 or not sources:
        return {}
    q = QuestionRecord
    rows = db.session.execute(
        select(q.source, q.text)
        .where(q.topic == WAGE_TOPIC, q.day.between(period.start, period.end),
               q.source.in_(sources), q.text.is_not(None))
        .order_by(q.created_at.desc(), q.id.desc())
    ).all()
    found: dict[str, list[str]] = {}
    for source, text in rows:
        texts = found.setdefault(str(source), [])
        if len(texts) < limit:
            texts.append(str(text))
    return found
