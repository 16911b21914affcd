"""What workers ask, counted: the dashboard's and the report's figures, as dataclasses.

Every query reads a range of local days from the question log's covering index
(day, topic, source, outcome, feedback, user_pseudonym), so a month of figures costs the same
on a log of a thousand questions or a million. Views and the CLI only format these results.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import ColumnElement, case, distinct, func, select

from ..db import db
from ..models import QuestionRecord, Worksite
from ..models.questions import local_day
from .similarity import QuestionGroup, group_questions

WAGE_TOPIC = "欠薪与工资支付"
NO_TOPIC = "（未归类）"
# Outcomes where the FAQ did not give one confident answer.
UNANSWERED_OUTCOMES = ("fallback", "out_of_scope", "choices")
WORKSITE_PREFIX = "ws:"
NO_SOURCE = "unattributed"
UNKNOWN_TOWNSHIP = "（未登记工地）"


@dataclass(frozen=True)
class Period:
    """Local calendar days start..end, both included."""

    start: date
    end: date

    @classmethod
    def last(cls, days: int, today: date | None = None) -> Period:
        """The `days` days ending today."""
        if days < 1:
            raise ValueError("a period is at least one day")
        end = today or local_day()
        return cls(end - timedelta(days=days - 1), end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of equal length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def each_day(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(self.days)]


@dataclass(frozen=True)
class TopicShare:
    topic: str
    count: int
    share: float  # of all questions in the period, 0..1
    previous: int  # count in the previous period
    change: float | None  # relative change against the previous period; None if it was 0


@dataclass(frozen=True)
class DailyByTopic:
    days: list[date]
    series: dict[str, list[int]]  # topic -> count per day, aligned with days


@dataclass(frozen=True)
class SourceRow:
    """One worksite (or other QR scene) in the period."""

    source: str  # worksite code for ws:<code>, else the raw scene
    is_worksite: bool
    name: str
    township: str
    questions: int
    users: int
    wage_questions: int
    unanswered: int


@dataclass(frozen=True)
class TownshipRow:
    township: str
    worksites: int  # worksites with questions in the period
    questions: int
    wage_questions: int
    unanswered: int


@dataclass(frozen=True)
class FeedbackRow:
    topic: str
    answered: int
    helpful: int
    not_helpful: int

    @property
    def rated(self) -> int:
        return self.helpful + self.not_helpful

    @property
    def helpful_rate(self) -> float | None:
        return self.helpful / self.rated if self.rated else None

    @property
    def response_rate(self) -> float | None:
        return self.rated / self.answered if self.answered else None


@dataclass(frozen=True)
class FeedbackRates:
    total: FeedbackRow
    by_topic: list[FeedbackRow] = field(default_factory=list)


@dataclass(frozen=True)
class Totals:
    questions: int
    users: int
    answered: int
    unanswered: int
    previous_questions: int


def source_key(source: str | None) -> str:
    """How a source is named in reports: the worksite code for ws:<code>, else the scene."""
    if not source:
        return NO_SOURCE
    return source[len(WORKSITE_PREFIX):] if source.startswith(WORKSITE_PREFIX) else source


def _in(period: Period) -> ColumnElement[bool]:
    return QuestionRecord.day.between(period.start, period.end)


def totals(period: Period) -> Totals:
    """Questions, distinct workers and outcomes in the period."""
    q = QuestionRecord
    row = db.session.execute(
        select(
            func.count(),
            func.count(distinct(q.user_pseudonym)),
            func.coalesce(func.sum(case((q.outcome.in_(UNANSWERED_OUTCOMES), 1), else_=0)), 0),
        ).where(_in(period))
    ).one()
    previous = db.session.scalar(select(func.count()).where(_in(period.previous()))) or 0
    questions, users, unanswered = int(row[0]), int(row[1]), int(row[2])
    return Totals(questions, users, questions - unanswered, unanswered, int(previous))


def _topic_counts(period: Period) -> dict[str, int]:
    rows = db.session.execute(
        select(QuestionRecord.topic, func.count()).where(_in(period))
        .group_by(QuestionRecord.topic)
    ).all()
    return {(topic or NO_TOPIC): int(count) for topic, count in rows}


def topic_shares(period: Period) -> list[TopicShare]:
    """Each topic's count and share in the period, and its trend against the period before."""
    now, before = _topic_counts(period), _topic_counts(period.previous())
    total = sum(now.values())
    shares = []
    for topic in set(now) | set(before):
        count, previous = now.get(topic, 0), before.get(topic, 0)
        shares.append(TopicShare(
            topic=topic,
            count=count,
            share=count / total if total else 0.0,
            previous=previous,
            change=(count - previous) / previous if previous else None,
        ))
    return sorted(shares, key=lambda s: (-s.count, -s.previous, s.topic))


def daily_by_topic(period: Period) -> DailyByTopic:
    """Questions per day per topic, zero-filled, for the stacked chart."""
    q = QuestionRecord
    rows = db.session.execute(
        select(q.day, q.topic, func.count()).where(_in(period)).group_by(q.day, q.topic)
    ).all()
    days = period.each_day()
    position = {day: i for i, day in enumerate(days)}
    series: dict[str, list[int]] = defaultdict(lambda: [0] * len(days))
    for day, topic, count in rows:
        series[topic or NO_TOPIC][position[_as_date(day)]] = int(count)
    ordered = sorted(series.items(), key=lambda item: (-sum(item[1]), item[0]))
    return DailyByTopic(days=days, series=dict(ordered))


def by_source(period: Period) -> list[SourceRow]:
    """Questions per worksite or QR scene, with the registry's names and townships."""
    q = QuestionRecord
    rows = db.session.execute(
        select(
            q.source,
            func.count(),
            func.count(distinct(q.user_pseudonym)),
            func.sum(case((q.topic == WAGE_TOPIC, 1), else_=0)),
            func.sum(case((q.outcome.in_(UNANSWERED_OUTCOMES), 1), else_=0)),
        )
        .where(_in(period), q.source.is_not(None))
        .group_by(q.source)
    ).all()
    codes = [source_key(r[0]) for r in rows if str(r[0]).startswith(WORKSITE_PREFIX)]
    sites = {
        w.code: w
        for w in db.session.scalars(select(Worksite).where(Worksite.code.in_(codes)))
    } if codes else {}
    result = []
    for source, count, users, wage, unanswered in rows:
        key = source_key(source)
        is_worksite = str(source).startswith(WORKSITE_PREFIX)
        site = sites.get(key) if is_worksite else None
        result.append(SourceRow(
            source=key,
            is_worksite=is_worksite,
            name=site.name if site else ("（未登记）" if is_worksite else "二维码场景"),
            township=site.township if site else (UNKNOWN_TOWNSHIP if is_worksite else ""),
            questions=int(count),
            users=int(users),
            wage_questions=int(wage or 0),
            unanswered=int(unanswered or 0),
        ))
    return sorted(result, key=lambda r: (-r.questions, r.source))


def by_township(sources: list[SourceRow]) -> list[TownshipRow]:
    """Worksite rows summed per township (other QR scenes have no township)."""
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in sources:
        if not row.is_worksite:
            continue
        item = acc[row.township]
        item[0] += 1
        item[1] += row.questions
        item[2] += row.wage_questions
        item[3] += row.unanswered
    rows = [TownshipRow(t, *values) for t, values in acc.items()]
    return sorted(rows, key=lambda r: (-r.questions, r.township))


def feedback_rates(period: Period) -> FeedbackRates:
    """How often answered questions were rated, and how often helpful, overall and by topic."""
    q = QuestionRecord
    rows = db.session.execute(
        select(q.topic, q.feedback, func.count())
        .where(_in(period), q.outcome.not_in(UNANSWERED_OUTCOMES))
        .group_by(q.topic, q.feedback)
    ).all()
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for topic, feedback, count in rows:
        item = acc[topic or NO_TOPIC]
        item[0] += int(count)
        if feedback == "helpful":
            item[1] += int(count)
        elif feedback == "not_helpful":
            item[2] += int(count)
    by_topic = sorted(
        (FeedbackRow(topic, *values) for topic, values in acc.items()),
        key=lambda r: (-r.answered, r.topic),
    )
    total = FeedbackRow(
        "全部",
        sum(r.answered for r in by_topic),
        sum(r.helpful for r in by_topic),
        sum(r.not_helpful for r in by_topic),
    )
    return FeedbackRates(total=total, by_topic=by_topic)


def unanswered_groups(
    period: Period, limit: int = 20, source: str | None = None, scan: int = 2000
) -> list[QuestionGroup]:
    """The questions the FAQ could not answer confidently, grouped by similarity.

    Reads the `scan` most frequent distinct texts (purged rows have none) and groups them.
    """
    q = QuestionRecord
    query = (
        select(q.text, q.outcome, func.count().label("n"))
        .where(_in(period), q.outcome.in_(UNANSWERED_OUTCOMES), q.text.is_not(None))
        .group_by(q.text, q.outcome)
        .order_by(func.count().desc())
        .limit(scan)
    )
    if source is not None:
        query = query.where(q.source == source)
    rows = [(str(t), str(o), int(n)) for t, o, n in db.session.execute(query).all()]
    return group_questions(rows)[:limit]


def top_questions_at(source: str, period: Period, limit: int = 3) -> list[tuple[str, int]]:
    """The FAQ entries most often answered for questions from one source: (entry id, count)."""
    q = QuestionRecord
    rows = db.session.execute(
        select(q.entry_id, func.count())
        .where(q.source == source, _in(period), q.entry_id.is_not(None),
               q.outcome.not_in(UNANSWERED_OUTCOMES))
        .group_by(q.entry_id)
        .order_by(func.count().desc(), q.entry_id)
        .limit(limit)
    ).all()
    return [(str(entry), int(count)) for entry, count in rows]


def _as_date(value: object) -> date:
    # SQLite hands back dates from GROUP BY as ISO strings.
    return value if isinstance(value, date) else date.fromisoformat(str(value))
