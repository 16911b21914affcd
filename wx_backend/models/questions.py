"""What workers asked and what the service did: the question log and user events."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Date, DateTime, Float, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin

# All of China keeps one clock; the dashboard's "per day" means the bureau's calendar day.
LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def local_day(moment: datetime | None = None) -> date:
    """The bureau's calendar day of a moment (default: now)."""
    return (moment or datetime.now(LOCAL_TZ)).astimezone(LOCAL_TZ).date()


class QuestionRecord(CreatedAtMixin, Base):
    """One question as answered, recorded once even when WeChat retries the message."""

    __tablename__ = "question_log"
    __table_args__ = (
        Index("ix_question_log_topic_created", "topic", "created_at"),
        # The covering index for the dashboard and the warnings: every aggregate reads a day
        # range of these columns only, so neither database has to touch the table rows. (One
        # index on purpose: a second one led by topic tempted SQLite into slower plans.)
        Index(
            "ix_question_log_dashboard",
            "day", "topic", "source", "outcome", "feedback", "user_pseudonym",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # MsgId for official-account messages, a request id elsewhere: the unique key is what
    # makes a retried delivery count once.
    message_key: Mapped[str] = mapped_column(String(128), unique=True)
    reply_id: Mapped[str] = mapped_column(String(32), unique=True)
    channel: Mapped[str] = mapped_column(String(20), index=True)
    source: Mapped[str | None] = mapped_column(String(64), index=True)
    user_pseudonym: Mapped[str] = mapped_column(String(64), index=True)
    message_type: Mapped[str] = mapped_column(String(16))
    # Scrubbed of phone, ID-card and bank-card numbers and names; NULL once purged.
    text: Mapped[str | None] = mapped_column(Text)
    topic: Mapped[str | None] = mapped_column(String(32))
    entry_id: Mapped[str | None] = mapped_column(String(32), index=True)
    score: Mapped[float | None] = mapped_column(Float)
    outcome: Mapped[str] = mapped_column(String(16), index=True)
    feedback: Mapped[str | None] = mapped_column(String(16))
    feedback_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Local calendar day of created_at, stored so aggregates group without date arithmetic.
    day: Mapped[date] = mapped_column(Date, default=local_day)


class UserEvent(CreatedAtMixin, Base):
    """A follow, unfollow, QR scan or landing-page visit, for attribution and reach."""

    __tablename__ = "user_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(128), unique=True)
    user_pseudonym: Mapped[str] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    event: Mapped[str] = mapped_column(String(20), index=True)
    source: Mapped[str | None] = mapped_column(String(64), index=True)
