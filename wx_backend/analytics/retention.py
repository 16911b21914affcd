"""Raw question text is kept for LOG_RETENTION_DAYS, then erased; the counts stay.

Purging blanks the text column and keeps the row: every aggregate (per day, topic, worksite,
outcome, feedback, warning) is computed from the other columns, so the figures for past
months do not change when their text goes, and there is no second copy of the statistics to
keep in step with the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update

from ..db import db
from ..models import QuestionRecord
from ..models.base import utcnow


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime
    purged: int


def purge_raw_text(days: int, now: datetime | None = None) -> PurgeResult:
    """Erase the text of questions older than `days` days; running it again purges nothing."""
    if days < 1:
        raise ValueError("retention must be at least one day")
    cutoff = (now or utcnow()) - timedelta(days=days)
    with db.transaction() as session:
        result = session.execute(
            update(QuestionRecord)
            .where(QuestionRecord.created_at < cutoff, QuestionRecord.text.is_not(None))
            .values(text=None)
        )
    return PurgeResult(cutoff=cutoff, purged=int(getattr(result, "rowcount", 0) or 0))
