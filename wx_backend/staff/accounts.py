"""Staff accounts: create, change role or password, and check a log-in with lock-out.

Failed log-ins are counted in the store (Redis in production) per user name, so every worker
sees the same count and a lock-out survives a worker restart.
"""

from __future__ import annotations

import re
import secrets
from enum import Enum

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from wx_backend.models import StaffUser
from wx_backend.models.base import utcnow
from wx_backend.models.staff import ROLES
from wx_backend.staff.audit import record_action
from wx_backend.store import Store

MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60
MIN_PASSWORD_LENGTH = 10
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")
# Checked against when the user name is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password-" + secrets.token_hex(8))


class AccountError(ValueError):
    """A bad user name, role or password; the message says what to change."""


class LoginResult(Enum):
    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    LOCKED = "locked"


def _failures_key(username: str) -> str:
    return f"staff:login-failures:{username.strip().lower()}"


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r} (roles: {', '.join(ROLES)})")
    return role


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    return password


def find_user(session: Session, username: str) -> StaffUser | None:
    """Return the account with this user name (case-insensitive), or None."""
    return session.scalar(
        select(StaffUser).where(func.lower(StaffUser.username) == username.strip().lower())
    )


def list_users(session: Session) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).order_by(StaffUser.username)))


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    *,
    display_name: str = "",
    actor: tuple[int | None, str] = (None, "system"),
) -> StaffUser:
    """Add an account (the caller commits); the password is stored as a scrypt hash."""
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise AccountError("user name: 2–64 letters, digits, '.', '_' or '-'")
    if find_user(session, username) is not None:
        raise AccountError(f"user {username!r} already exists")
    user = StaffUser(
        username=username,
        display_name=display_name.strip() or username,
        password_hash=generate_password_hash(_check_password(password)),
        role=_check_role(role),
        active=True,
        session_token=secrets.token_hex(16),
    )
    session.add(user)
    session.flush()
    record_action(session, actor_id=actor[0], actor_name=actor[1], action="user_create",
                  target_type="user", target_id=username, detail=f"role={role}")
    return user


def set_role(
    session: Session, user: StaffUser, role: str, *, actor: tuple[int | None, str]
) -> None:
    old = user.role
    user.role = _check_role(role)
    record_action(session, actor_id=actor[0], actor_name=actor[1], action="user_set_role",
                  target_type="user", target_id=user.username, detail=f"{old} → {role}")


def set_password(
    session: Session, user: StaffUser, password: str, *, actor: tuple[int | None, str]
) -> None:
    """Change the password and end the user's open sessions."""
    user.password_hash = generate_password_hash(_check_password(password))
    user.session_token = secrets.token_hex(16)
    record_action(session, actor_id=actor[0], actor_name=actor[1], action="user_set_password",
                  target_type="user", target_id=user.username)


def set_active(
    session: Session, user: StaffUser, active: bool, *, actor: tuple[int | None, str]
) -> None:
    """Enable or disable an account; disabling ends its open sessions."""
    user.active = active
    if not active:
        user.session_token = secrets.token_hex(16)
    record_action(session, actor_id=actor[0], actor_name=actor[1],
                  action="user_enable" if active else "user_disable",
                  target_type="user", target_id=user.username)


def unlock(store: Store, username: str) -> None:
    """Clear the failed log-in count (an admin lifting a lock-out)."""
    store.delete(_failures_key(username))


def is_locked(store: Store, username: str) -> bool:
    count = store.get(_failures_key(username))
    return count is not None and int(count) >= MAX_FAILURES


def authenticate(
    session: Session, store: Store, username: str, password: str
) -> tuple[LoginResult, StaffUser | None]:
    """Check a log-in attempt; count failures; refuse every attempt while locked out.

    The caller commits (the audit entries are in the session).
    """
    name = username.strip()[:64]
    if is_locked(store, name):
        record_action(session, actor_id=None, actor_name=name or "?", action="login_refused",
                      target_type="user", target_id=name, detail="locked out")
        return LoginResult.LOCKED, None
    user = find_user(session, name) if name else None
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is not None and user.active and valid:
        store.delete(_failures_key(name))
        user.last_login_at = utcnow()
        record_action(session, actor_id=user.id, actor_name=user.username, action="login",
                      target_type="user", target_id=user.username)
        return LoginResult.OK, user
    failures = store.incr(_failures_key(name), LOCK_SECONDS)
    record_action(session, actor_id=None, actor_name=name or "?", action="login_failed",
                  target_type="user", target_id=name, detail=f"failure {failures}")
    if failures >= MAX_FAILURES:
        return LoginResult.LOCKED, None
    return LoginResult.BAD_CREDENTIALS, None
