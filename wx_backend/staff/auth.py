"""Log-in sessions and permission checks shared by every admin page.

Other admin blueprints use it like this::

    from wx_backend.staff.auth import protect_blueprint, role_required

    bp = Blueprint("analytics_admin", __name__, url_prefix="/admin/analytics")
    protect_blueprint(bp)             # CSRF check on every POST of the blueprint

    @bp.get("/")
    @role_required("inspector", "reviewer")   # admin always passes
    def dashboard(): ...

and their templates extend ``admin/base.html`` (blocks ``title`` and ``content``; forms add
``<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, Flask, abort, current_app, redirect, request, url_for
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import select

from wx_backend.db import db
from wx_backend.models import StaffUser

F = TypeVar("F", bound=Callable[..., Any])

ROLE_LABELS = {"editor": "编辑", "reviewer": "审核", "inspector": "监察（只读）", "admin": "管理员"}

login_manager = LoginManager()
csrf = CSRFProtect()


@dataclass(frozen=True)
class Staff:
    """The logged-in member of staff as Flask-Login sees it (detached from the DB session)."""

    id: int
    username: str
    display_name: str
    role: str
    session_token: str

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        # The token is part of the id: a password change or deactivation ends old sessions.
        return f"{self.id}:{self.session_token}"

    @property
    def actor(self) -> tuple[int, str]:
        """(id, name) as the audit log records it."""
        return self.id, self.username

    def has_role(self, *roles: str) -> bool:
        return self.role == "admin" or self.role in roles

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @classmethod
    def from_user(cls, user: StaffUser) -> Staff:
        return cls(user.id, user.username, user.display_name or user.username, user.role,
                   user.session_token)


def init_app(app: Flask) -> None:
    """Set up sessions and CSRF for the admin pages (the WeChat and API endpoints are exempt)."""
    # CSRF is checked per blueprint (protect_blueprint), not app-wide: /wechat and /api are
    # called by WeChat's servers and the mini-program, which carry no CSRF token.
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    app.config.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(hours=8))
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config.get("SESSION_COOKIE_SECURE", False))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "admin.login"
    login_manager.login_message = "请先登录。"
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_user)


def _load_user(user_id: str) -> Staff | None:
    raw_id, _, token = user_id.partition(":")
    if not raw_id.isdigit() or not token:
        return None
    user = db.session.scalar(select(StaffUser).where(StaffUser.id == int(raw_id)))
    if user is None or not user.active or user.session_token != token:
        return None
    return Staff.from_user(user)


def protect_blueprint(bp: Blueprint) -> None:
    """Check the CSRF token on every state-changing request to this blueprint."""

    @bp.before_request
    def _check_csrf() -> None:
        # csrf.protect() itself ignores WTF_CSRF_ENABLED, which tests switch off.
        if current_app.config.get("WTF_CSRF_ENABLED", True) and request.method not in (
            "GET", "HEAD", "OPTIONS"
        ):
            csrf.protect()


def current_staff() -> Staff | None:
    """The logged-in member of staff, or None."""
    user = current_user
    if getattr(user, "is_authenticated", False):
        return cast(Staff, user._get_current_object())
    return None


def role_required(*roles: str) -> Callable[[F], F]:
    """Allow a view to staff with one of these roles (admin passes every check).

    Not logged in: redirect to the log-in page. Logged in without the role: 403.
    With no roles given, any logged-in member of staff passes.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            staff = current_staff()
            if staff is None:
                return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))
            if roles and not staff.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator
