"""One report of a period for the dashboard, `pufa report` and the CSV export."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from .aggregates import (
    NO_SOURCE,
    DailyByTopic,
    FeedbackRates,
    Period,
    SourceRow,
    TopicShare,
    Totals,
    TownshipRow,
    by_source,
    by_township,
    daily_by_topic,
    feedback_rates,
    topic_shares,
    totals,
    unanswered_groups,
)
from .similarity import QuestionGroup
from .warnings import Thresholds, WorksiteLevel, current_levels


@dataclass(frozen=True)
class Report:
    period: Period
    totals: Totals
    topics: list[TopicShare]
    daily: DailyByTopic
    sources: list[SourceRow]
    townships: list[TownshipRow]
    feedback: FeedbackRates
    unanswered: list[QuestionGroup]
    warnings: list[WorksiteLevel]
    thresholds: Thresholds

    def by_source_counts(self) -> dict[str, int]:
        counts = {row.source: row.questions for row in self.sources}
        attributed = sum(counts.values())
        if self.totals.questions > attributed:
            counts[NO_SOURCE] = self.totals.questions - attributed
        return counts

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON types, for scripts (`pufa report --json`)."""
        t = self.thresholds
        return {
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat(),
                       "days": self.period.days},
            "questions_total": self.totals.questions,
            "users_total": self.totals.users,
            "answered": self.totals.answered,
            "unanswered_total": self.totals.unanswered,
            "previous_period_questions": self.totals.previous_questions,
            "by_topic": {s.topic: s.count for s in self.topics if s.count},
            "topics": [
                {"topic": s.topic, "count": s.count, "share": round(s.share, 4),
                 "previous": s.previous,
                 "change": None if s.change is None else round(s.change, 4)}
                for s in self.topics
            ],
            "by_day": {
                day.isoformat(): {topic: counts[i] for topic, counts in self.daily.series.items()
                                  if counts[i]}
                for i, day in enumerate(self.daily.days)
            },
            "by_source": self.by_source_counts(),
            "worksites": [
                {"code": r.source, "name": r.name, "township": r.township,
                 "questions": r.questions, "users": r.users,
                 "wage_questions": r.wage_questions, "unanswered": r.unanswered}
                for r in self.sources if r.is_worksite
            ],
            "by_township": {r.township: r.questions for r in self.townships},
            "feedback": {
                "answered": self.feedback.total.answered,
                "helpful": self.feedback.total.helpful,
                "not_helpful": self.feedback.total.not_helpful,
                "helpful_rate": _round(self.feedback.total.helpful_rate),
                "response_rate": _round(self.feedback.total.response_rate),
            },
            "unanswered": [
                {"question": g.example, "count": g.count, "variants": g.variants,
                 "outcomes": g.outcomes}
                for g in self.unanswered
            ],
            "warnings": [
                {"code": w.code, "name": w.name, "township": w.township, "level": w.level,
                 "users": w.users, "questions": w.questions}
                for w in self.warnings if w.level != "none"
            ],
            "warning_thresholds": {"days": t.days, "blue": t.blue, "yellow": t.yellow,
                                   "red": t.red},
        }


def build_report(
    days: int, thresholds: Thresholds, today: date | None = None, unanswered_limit: int = 20
) -> Report:
    """Every aggregate of the last `days` days (ending today)."""
    period = Period.last(days, today)
    sources = by_source(period)
    return Report(
        period=period,
        totals=totals(period),
        topics=topic_shares(period),
        daily=daily_by_topic(period),
        sources=sources,
        townships=by_township(sources),
        feedback=feedback_rates(period),
        unanswered=unanswered_groups(period, limit=unanswered_limit),
        warnings=current_levels(thresholds, period.end),
        thresholds=thresholds,
    )


CSV_KINDS = ("daily", "topics", "worksites", "townships", "unanswered", "warnings")


def to_csv(report: Report, kind: str) -> str:
    """One table of the report as CSV (UTF-8 with BOM so Excel shows the Chinese)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = _SafeWriter(csv.writer(out))
    if kind == "daily":
        topics = list(report.daily.series)
        writer.writerow(["日期", *topics, "合计"])
        for i, day in enumerate(report.daily.days):
            counts = [report.daily.series[t][i] for t in topics]
            writer.writerow([day.isoformat(), *counts, sum(counts)])
    elif kind == "topics":
        writer.writerow(["主题", "问题数", "占比", "上期", "变化"])
        for s in report.topics:
            writer.writerow([s.topic, s.count, f"{s.share:.1%}", s.previous,
                             "" if s.change is None else f"{s.change:+.0%}"])
    elif kind == "worksites":
        writer.writerow(["编号", "名称", "乡镇街道", "问题数", "人数", "欠薪问题", "未答好"])
        for r in report.sources:
            writer.writerow([r.source, r.name, r.township, r.questions, r.users,
                             r.wage_questions, r.unanswered])
    elif kind == "townships":
        writer.writerow(["乡镇街道", "工地数", "问题数", "欠薪问题", "未答好"])
        for t in report.townships:
            writer.writerow([t.township, t.worksites, t.questions, t.wage_questions,
                             t.unanswered])
    elif kind == "unanswered":
        writer.writerow(["问题", "次数", "类似问法"])
        for g in report.unanswered:
            writer.writerow([g.example, g.count, "；".join(g.variants)])
    elif kind == "warnings":
        writer.writerow(["编号", "名称", "乡镇街道", "预警", "人数", "问题数"])
        for w in report.warnings:
            writer.writerow([w.code, w.name, w.township, w.label, w.users, w.questions])
    else:
        raise ValueError(f"unknown table {kind!r} (one of {', '.join(CSV_KINDS)})")
    return out.getvalue()


class _SafeWriter:
    """A csv writer that defuses cells Excel would run as formulas (question text is input)."""

    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def writerow(self, row: list[Any]) -> None:
        self._writer.writerow([_defuse(cell) for cell in row])


_NUMBER = re.compile(r"[+-]?\d[\d.,]*%?")


def _defuse(cell: Any) -> Any:
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return cell if _NUMBER.fullmatch(cell) else "'" + cell
    return cell


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
