"""Staff admin: log-in, log-out, user accounts and the audit log (under /admin)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import login_user, logout_user
from sqlalchemy import select

from ..db import db
from ..extensions import get_store
from ..models import AuditLog
from ..models.staff import ROLES
from ..staff import accounts
from ..staff.audit import record_action
from ..staff.auth import ROLE_LABELS, Staff, current_staff, protect_blueprint, role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
protect_blueprint(bp)

AUDIT_PAGE = 100


def _safe_next(target: str | None) -> str:
    """Only follow a same-site path after log-in (never //evil.example or http://…)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("admin.index")


@bp.after_request
def _no_store(response: Response) -> Response:
    # Admin pages hold unpublished drafts and personal data: never cache them.
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    return response


@bp.get("/")
@role_required()
def index() -> ResponseReturnValue:
    staff = current_staff()
    assert staff is not None  # role_required guarantees a logged-in user
    if staff.has_role("editor", "reviewer"):
        return redirect("/admin/cases")
    return redirect("/admin/analytics")


@bp.get("/login")
def login() -> ResponseReturnValue:
    if current_staff() is not None:
        return redirect(_safe_next(request.args.get("next")))
    return render_template("admin/login.html", next=request.args.get("next", ""))


@bp.post("/login")
def login_post() -> ResponseReturnValue:
    username = request.form.get("username", "")
    password = request.form.get("password", "")
    result, user = accounts.authenticate(db.session, get_store(), username, password)
    db.session.commit()
    if result is accounts.LoginResult.LOCKED:
        minutes = accounts.LOCK_SECONDS // 60
        flash(f"登录失败次数过多，该账号已临时锁定，请 {minutes} 分钟后再试或联系管理员解锁。",
              "error")
        return render_template("admin/login.html", next=request.form.get("next", "")), 429
    if result is not accounts.LoginResult.OK or user is None:
        flash("用户名或密码不正确。", "error")
        return render_template("admin/login.html", next=request.form.get("next", "")), 401
    # A fresh session on log-in: nothing from before the log-in carries over (fixation).
    session.clear()
    login_user(Staff.from_user(user))
    session.permanent = True
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    staff = current_staff()
    if staff is not None:
        record_action(db.session, actor_id=staff.id, actor_name=staff.username, action="logout",
                      target_type="user", target_id=staff.username)
        db.session.commit()
    logout_user()
    session.clear()
    flash("已退出登录。", "info")
    return redirect(url_for("admin.login"))


@bp.get("/users")
@role_required("admin")
def users() -> ResponseReturnValue:
    return render_template(
        "admin/users.html", users=accounts.list_users(db.session), roles=ROLES,
        role_labels=ROLE_LABELS,
        locked={u.username for u in accounts.list_users(db.session)
                if accounts.is_locked(get_store(), u.username)},
    )


@bp.post("/users")
@role_required("admin")
def users_create() -> ResponseReturnValue:
    staff = current_staff()
    assert staff is not None
    try:
        accounts.create_user(
            db.session, request.form.get("username", ""), request.form.get("password", ""),
            request.form.get("role", ""), display_name=request.form.get("display_name", ""),
            actor=staff.actor,
        )
    except accounts.AccountError as exc:
        db.session.rollback()
        flash(f"未能创建账号：{exc}", "error")
        return redirect(url_for("admin.users"))
    db.session.commit()
    flash("账号已创建。", "info")
    return redirect(url_for("admin.users"))


@bp.post("/users/<username>")
@role_required("admin")
def users_update(username: str) -> ResponseReturnValue:
    staff = current_staff()
    assert staff is not None
    user = accounts.find_user(db.session, username)
    if user is None:
        abort(404)
    action = request.form.get("action", "")
    try:
        if action == "set_role":
            if user.id == staff.id:
                raise accounts.AccountError("you cannot change your own role")
            accounts.set_role(db.session, user, request.form.get("role", ""), actor=staff.actor)
        elif action == "set_password":
            accounts.set_password(db.session, user, request.form.get("password", ""),
                                  actor=staff.actor)
        elif action in ("disable", "enable"):
            if user.id == staff.id:
                raise accounts.AccountError("you cannot disable your own account")
            accounts.set_active(db.session, user, action == "enable", actor=staff.actor)
        elif action == "unlock":
            accounts.unlock(get_store(), user.username)
            record_action(db.session, actor_id=staff.id, actor_name=staff.username,
                          action="user_unlock", target_type="user", target_id=user.username)
        else:
            abort(400)
    except accounts.AccountError as exc:
        db.session.rollback()
        flash(f"未能修改：{exc}", "error")
        return redirect(url_for("admin.users"))
    db.session.commit()
    flash(f"已更新账号 {user.username}。", "info")
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@role_required("reviewer", "inspector")
def audit_log() -> ResponseReturnValue:
    query = select(AuditLog).order_by(AuditLog.id.desc())
    target = request.args.get("target", "")
    if target:
        kind, _, ident = target.partition(":")
        query = query.where(AuditLog.target_type == kind, AuditLog.target_id == ident)
    before = request.args.get("before", type=int)
    if before:
        query = query.where(AuditLog.id < before)
    entries = list(db.session.scalars(query.limit(AUDIT_PAGE)))
    return render_template("admin/audit.html", entries=entries, target=target,
                           more=len(entries) == AUDIT_PAGE)
