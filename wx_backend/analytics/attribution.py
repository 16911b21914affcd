"""Which worksite a worker belongs to: the latest scan or landing visit within the window.

A scan of a worksite's QR code (subscribe with qrscene_…, SCAN, or a visit to /s/<code>)
attributes the worker there for ATTRIBUTION_DAYS, so the questions they ask later count at
that worksite. The events table is the durable record; the store only caches the answer.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from ..db import db
from ..extensions import get_store
from ..models import UserEvent
from ..models.base import utcnow
from .privacy import pseudonym
from .recorder import record_user_event

ATTRIBUTING_EVENTS = ("subscribe", "scan", "landing")
_NONE = "-"


def _cache_key(user_pseudonym: str) -> str:
    return f"attr:{user_pseudonym}"


def attribute(user_id: str, source: str, *, channel: str, event: str, event_key: str) -> None:
    """Record a scan or visit of `source` (e.g. 'ws:JY001') and attribute the user to it."""
    secret = current_app.config["SECRET_KEY"]
    record_user_event(
        secret, event_key=event_key, user_id=user_id, channel=channel, event=event, source=source
    )
    days = int(current_app.config["ATTRIBUTION_DAYS"])
    get_store().set(_cache_key(pseudonym(secret, user_id)), source, ttl=days * 86400)


def current_source(user_id: str) -> str | None:
    """The worksite or QR scene the user is attributed to now, if any."""
    user = pseudonym(current_app.config["SECRET_KEY"], user_id)
    store = get_store()
    cached = store.get(_cache_key(user))
    if cached is not None:
        return None if cached == _NONE else cached
    days = int(current_app.config["ATTRIBUTION_DAYS"])
    since = utcnow() - timedelta(days=days)
    row = db.session.execute(
        select(UserEvent.source, UserEvent.created_at)
        .where(
            UserEvent.user_pseudonym == user,
            UserEvent.event.in_(ATTRIBUTING_EVENTS),
            UserEvent.source.is_not(None),
            UserEvent.created_at >= since,
        )
        .order_by(UserEvent.created_at.desc(), UserEvent.id.desc())
        .limit(1)
    ).first()
    if row is None:
        store.set(_cache_key(user), _NONE, ttl=3600)
        return None
    remaining = days * 86400 - int((utcnow() - _aware(row.created_at)).total_seconds())
    store.set(_cache_key(user), row.source, ttl=max(60, remaining))
    return str(row.source)


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes for timezone-aware columns; they were stored as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
