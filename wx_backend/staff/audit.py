"""The audit log: one row per staff (or system) action, written in the caller's transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from wx_backend.models import AuditLog

SYSTEM_ACTOR = "system"


def record_action(
    session: Session,
    *,
    actor_id: int | None,
    actor_name: str,
    action: str,
    target_type: str,
    target_id: str,
    detail: str = "",
) -> AuditLog:
    """Add an audit entry to the session; it commits (or rolls back) with the action itself."""
    entry = AuditLog(
        actor_id=actor_id,
        actor_name=actor_name or SYSTEM_ACTOR,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        detail=detail,
    )
    session.add(entry)
    return entry
