"""Staff accounts and log-in for every admin page: Flask-Login sessions, Flask-WTF CSRF."""

from wx_backend.staff.accounts import (
    LOCK_SECONDS,
    MAX_FAILURES,
    AccountError,
    LoginResult,
    authenticate,
    create_user,
    find_user,
    list_users,
    set_active,
    set_password,
    set_role,
    unlock,
)
from wx_backend.staff.audit import record_action
from wx_backend.staff.auth import Staff, csrf, init_app, role_required

__all__ = [
    "LOCK_SECONDS",
    "MAX_FAILURES",
    "AccountError",
    "LoginResult",
    "Staff",
    "authenticate",
    "create_user",
    "csrf",
    "find_user",
    "init_app",
    "list_users",
    "record_action",
    "role_required",
    "set_active",
    "set_password",
    "set_role",
    "unlock",
]
