"""Recording questions and user events: exactly once, never breaking the reply.

A record is written in its own short transaction before the reply is acknowledged, so what
the worker was answered is on disk; the unique message key makes a retried delivery a no-op.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from ..db import db
from ..models import QuestionRecord, UserEvent
from ..models.base import utcnow
from ..models.questions import local_day
from .privacy import pseudonym, scrub

HELPFUL = "helpful"
NOT_HELPFUL = "not_helpful"

log = logging.getLogger(__name__)
_QUESTIONS = cast(Table, QuestionRecord.__table__)
_EVENTS = cast(Table, UserEvent.__table__)


@dataclass(frozen=True)
class QuestionEvent:
    message_key: str
    reply_id: str
    channel: str
    user_id: str
    message_type: str
    text: str
    outcome: str
    source: str | None = None
    topic: str | None = None
    entry_id: str | None = None
    score: float | None = None


def question_row(secret_key: str, event: QuestionEvent) -> dict[str, Any]:
    """The question-log row for an event: pseudonymised and scrubbed, ready to insert."""
    now = utcnow()
    return {
        "created_at": now,
        "day": local_day(now),
        "message_key": event.message_key,
        "reply_id": event.reply_id,
        "channel": event.channel,
        "source": event.source,
        "user_pseudonym": pseudonym(secret_key, event.user_id),
        "message_type": event.message_type,
        "text": scrub(event.text)[:2000],
        "topic": event.topic,
        "entry_id": event.entry_id,
        "score": event.score,
        "outcome": event.outcome,
    }


def record_question(secret_key: str, event: QuestionEvent) -> bool:
    """Store one answered question; False when it was already stored or storage failed."""
    return _insert(_QUESTIONS, question_row(secret_key, event))


def insert_question_rows(rows: Sequence[dict[str, Any]]) -> int:
    """Insert question_row() rows in one transaction, skipping ones already stored.

    Raises on storage failure (the caller — the queue flusher — keeps the rows and retries).
    """
    if not rows:
        return 0
    session = db.session
    table = _QUESTIONS
    try:
        # RETURNING counts the rows really inserted: executemany's rowcount is unreliable.
        result = session.execute(
            _insert_ignoring_duplicates(table).returning(table.c.id), list(rows)
        )
        stored = len(result.all())
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return stored


def record_user_event(
    secret_key: str, *, event_key: str, user_id: str, channel: str, event: str,
    source: str | None = None,
) -> bool:
    """Store a follow/unfollow/scan/visit once."""
    return _insert(
        _EVENTS,
        {
            "created_at": utcnow(),
            "event_key": event_key,
            "user_pseudonym": pseudonym(secret_key, user_id),
            "channel": channel,
            "event": event,
            "source": source,
        },
    )


def record_feedback(reply_id: str, helpful: bool) -> bool:
    """Mark the question answered by reply `reply_id` helpful or not; False if no such reply.

    A worker may change their mind: the latest feedback counts.
    """
    session = db.session
    try:
        result = session.execute(
            update(QuestionRecord)
            .where(QuestionRecord.reply_id == reply_id)
            .values(feedback=HELPFUL if helpful else NOT_HELPFUL, feedback_at=utcnow())
        )
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        log.exception("could not record feedback for reply %s", reply_id)
        return False
    return bool(getattr(result, "rowcount", 0))


def _insert_ignoring_duplicates(table: Table) -> Any:
    """INSERT … ON CONFLICT DO NOTHING: a retried delivery (same unique key) is a no-op."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    # config.validate() admits only these two, so this is a programming error if reached.
    raise ValueError(f"unsupported database dialect {dialect!r}: use SQLite or PostgreSQL")


def _insert(table: Table, row: dict[str, Any]) -> bool:
    # A Core statement, not the ORM unit of work: one round trip, no IntegrityError dance.
    session = db.session
    try:
        result = session.execute(_insert_ignoring_duplicates(table), row)
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        # The worker still gets the reply; the operator sees the failure in the log.
        log.exception("could not record a %s row", table.name)
        return False
    return int(getattr(result, "rowcount", 0) or 0) == 1  # 0: already recorded (a retry)
