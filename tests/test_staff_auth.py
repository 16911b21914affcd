"""Staff log-in: hashed passwords, lock-out, roles, CSRF, secure cookies, the users CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Blueprint, Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import make_test_app
from tests.staff_helpers import PASSWORD, login, make_user
from wx_backend.cli import cli
from wx_backend.db import db
from wx_backend.models import AuditLog, StaffUser
from wx_backend.staff import MAX_FAILURES
from wx_backend.staff.auth import role_required
from wx_backend.store import MemoryStore


def test_passwords_are_stored_hashed_never_in_clear(app: Flask) -> None:
    make_user(app, "alice", "editor")
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.username == "alice"))
        assert user is not None
        assert PASSWORD not in user.password_hash
        assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_admin_pages_send_anonymous_visitors_to_the_login_page(client: FlaskClient) -> None:
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=/admin/users")


def test_login_then_logout(app: Flask, client: FlaskClient) -> None:
    make_user(app, "root", "admin")
    login(client, "root")
    page = client.get("/admin/users")
    assert page.status_code == 200
    assert "root" in page.get_data(as_text=True)
    assert client.post("/admin/logout").status_code == 302
    assert client.get("/admin/users").status_code == 302


def test_wrong_password_is_refused_with_one_message_for_every_cause(
    app: Flask, client: FlaskClient
) -> None:
    make_user(app, "alice", "editor")
    wrong = client.post("/admin/login", data={"username": "alice", "password": "nope-nope-nope"})
    unknown = client.post("/admin/login", data={"username": "nobody", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    # The same words for both: the page does not reveal which user names exist.
    assert "用户名或密码不正确" in wrong.get_data(as_text=True)
    assert "用户名或密码不正确" in unknown.get_data(as_text=True)


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    app: Flask, client: FlaskClient
) -> None:
    make_user(app, "alice", "editor")
    for _ in range(MAX_FAILURES):
        client.post("/admin/login", data={"username": "alice", "password": "guess-guess-1"})
    locked = client.post("/admin/login", data={"username": "alice", "password": PASSWORD})
    assert locked.status_code == 429
    assert "临时锁定" in locked.get_data(as_text=True)
    with app.app_context():
        actions = list(db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)))
    assert actions.count("login_failed") == MAX_FAILURES
    assert actions[-1] == "login_refused"


def test_an_admin_can_lift_a_lock_out(app: Flask, client: FlaskClient) -> None:
    make_user(app, "root", "admin")
    make_user(app, "alice", "editor")
    for _ in range(MAX_FAILURES):
        client.post("/admin/login", data={"username": "alice", "password": "guess-guess-1"})
    admin = app.test_client()
    login(admin, "root")
    assert "已锁定" in admin.get("/admin/users").get_data(as_text=True)
    admin.post("/admin/users/alice", data={"action": "unlock"})
    login(client, "alice")


def test_lock_out_is_counted_in_the_shared_store(backend_app: Flask) -> None:
    make_user(backend_app, "alice", "editor")
    first, second = backend_app.test_client(), backend_app.test_client()
    for index in range(MAX_FAILURES):
        # Failures from different browsers (or workers) add up.
        (first if index % 2 else second).post(
            "/admin/login", data={"username": "alice", "password": "guess-guess-1"}
        )
    response = first.post("/admin/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 429


def test_role_required_admits_the_roles_named_and_admin(app: Flask) -> None:
    bp = Blueprint("probe", __name__)

    @bp.get("/admin/probe")
    @role_required("inspector")
    def probe() -> str:
        return "dashboard"

    app.register_blueprint(bp)
    for name, role in (("ed", "editor"), ("insp", "inspector"), ("root", "admin")):
        make_user(app, name, role)
    expected = {"ed": 403, "insp": 200, "root": 200}
    for name, status in expected.items():
        browser = app.test_client()
        login(browser, name)
        assert browser.get("/admin/probe").status_code == status, name


def test_only_admins_manage_users(app: Flask) -> None:
    make_user(app, "rev", "reviewer")
    browser = app.test_client()
    login(browser, "rev")
    assert browser.get("/admin/users").status_code == 403
    forged = browser.post(
        "/admin/users", data={"username": "mallory", "password": PASSWORD, "role": "admin"}
    )
    assert forged.status_code == 403


def test_admin_creates_an_account_in_the_browser(app: Flask, client: FlaskClient) -> None:
    make_user(app, "root", "admin")
    login(client, "root")
    client.post("/admin/users", data={"username": "wang", "display_name": "王编辑",
                                      "password": PASSWORD, "role": "editor"})
    login(app.test_client(), "wang")


def test_disabling_an_account_ends_its_open_session(app: Flask) -> None:
    make_user(app, "root", "admin")
    make_user(app, "alice", "editor")
    alice = app.test_client()
    login(alice, "alice")
    assert alice.get("/admin/").status_code == 302
    assert alice.get("/admin/").headers["Location"] == "/admin/cases"
    admin = app.test_client()
    login(admin, "root")
    admin.post("/admin/users/alice", data={"action": "disable"})
    assert alice.get("/admin/").headers["Location"].startswith("/admin/login")


def test_login_redirects_only_to_same_site_paths(app: Flask, client: FlaskClient) -> None:
    make_user(app, "root", "admin")
    response = client.post("/admin/login", data={
        "username": "root", "password": PASSWORD, "next": "//evil.example/phish"})
    assert response.headers["Location"] == "/admin/"


def test_admin_forms_need_a_csrf_token(tmp_path: Path, sqlite_template: Path) -> None:
    import shutil

    db_file = tmp_path / "csrf.sqlite3"
    shutil.copy(sqlite_template, db_file)
    app = make_test_app(tmp_path, f"sqlite:///{db_file}", MemoryStore(), WTF_CSRF_ENABLED=True)
    make_user(app, "root", "admin")
    client = app.test_client()
    refused = client.post("/admin/login", data={"username": "root", "password": PASSWORD})
    assert refused.status_code == 400
    page = client.get("/admin/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    accepted = client.post("/admin/login", data={
        "username": "root", "password": PASSWORD, "csrf_token": token})
    assert accepted.status_code == 302


def test_session_cookies_are_secure_on_https_sites(app: Flask, client: FlaskClient) -> None:
    make_user(app, "root", "admin")
    response = client.post("/admin/login", data={"username": "root", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_users_cli_creates_lists_and_changes_roles(app: Flask) -> None:
    runner = app.test_cli_runner()
    created = runner.invoke(cli, args=["users", "create", "root", "--role", "admin",
                                  "--password-stdin"], input=PASSWORD + "\n")
    assert created.exit_code == 0, created.output
    listed = runner.invoke(cli, args=["users", "list"])
    assert "root\tadmin\tactive" in listed.output
    changed = runner.invoke(cli, args=["users", "set-role", "root", "reviewer"])
    assert changed.exit_code == 0
    assert "root\treviewer" in runner.invoke(cli, args=["users", "list"]).output
    login(app.test_client(), "root")


@pytest.mark.parametrize("password", ["short", ""])
def test_users_cli_refuses_weak_passwords(app: Flask, password: str) -> None:
    result = app.test_cli_runner().invoke(
        cli, args=["users", "create", "root", "--role", "admin", "--password-stdin"],
        input=password + "\n",
    )
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output


def test_users_cli_prompts_for_the_password_twice(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        cli, args=["users", "create", "root", "--role", "admin"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
