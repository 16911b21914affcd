"""Recording questions and user events: exactly once, never breaking the reply.

A record is written in its own short transaction before the reply is acknowledged, so what
the worker was answered is on disk; the unique message key makes a retried delivery a no-op.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..db import db
from ..models import QuestionRecord, UserEvent
from ..models.base import utcnow
from ..models.questions import local_day
from .privacy import pseudonym, scrub

HELPFUL = "helpful"
NOT_HELPFUL = "not_helpful"

log = logging.getLogger(__name__)


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


def record_question(secret_key: str, event: QuestionEvent) -> bool:
    """Store one answered question; False when it was already stored or storage failed."""
    now = utcnow()
    record = QuestionRecord(
        created_at=now,
        day=local_day(now),
        message_key=event.message_key,
        reply_id=event.reply_id,
        channel=event.channel,
        source=event.source,
        user_pseudonym=pseudonym(secret_key, event.user_id),
        message_type=event.message_type,
        text=scrub(event.text)[:2000],
        topic=event.topic,
        entry_id=event.entry_id,
        score=event.score,
        outcome=event.outcome,
    )
    return _insert(record)


def record_user_event(
    secret_key: str, *, event_key: str, user_id: str, channel: str, event: str,
    source: str | None = None,
) -> bool:
    """Store a follow/unfollow/scan/visit once."""
    return _insert(
        UserEvent(
            event_key=event_key,
            user_pseudonym=pseudonym(secret_key, user_id),
            channel=channel,
            event=event,
            source=source,
        )
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


def _insert(row: QuestionRecord | UserEvent) -> bool:
    session = db.session
    try:
        session.add(row)
        session.commit()
        return True
    except IntegrityError:
        session.rollback()  # already recorded: a retry, counted once
        return False
    except SQLAlchemyError:
        session.rollback()
        # The worker still gets the reply; the operator sees the failure in the log.
        log.exception("could not record %s", type(row).__name__)
        return False
