"""`pufa users …`: manage staff accounts from the command line (the first admin starts here)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from wx_backend.db import db
from wx_backend.models.staff import ROLES
from wx_backend.staff import accounts

CLI_ACTOR = (None, "cli")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@click.group("users")
def users_group() -> None:
    """Staff accounts for the admin pages."""


@users_group.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", "display_name", default="", help="name shown in the admin")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
@with_appcontext
def users_create(username: str, role: str, display_name: str, password_stdin: bool) -> None:
    """Create an account (prompts for the password)."""
    password = _read_password(password_stdin)
    try:
        with db.transaction() as session:
            accounts.create_user(session, username, password, role,
                                 display_name=display_name, actor=CLI_ACTOR)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created {username} ({role})")


@users_group.command("list")
@with_appcontext
def users_list() -> None:
    """List accounts: user name, role, state, last log-in."""
    for user in accounts.list_users(db.session):
        state = "active" if user.active else "disabled"
        last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never"
        click.echo(f"{user.username}\t{user.role}\t{state}\tlast login {last}")


@users_group.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
@with_appcontext
def users_set_role(username: str, role: str) -> None:
    """Change an account's role."""
    with db.transaction() as session:
        user = accounts.find_user(session, username)
        if user is None:
            raise click.ClickException(f"no user {username!r}")
        accounts.set_role(session, user, role, actor=CLI_ACTOR)
    click.echo(f"{username} is now {role}")


@users_group.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
@with_appcontext
def users_set_password(username: str, password_stdin: bool) -> None:
    """Set a new password (ends the user's open sessions and lifts a lock-out)."""
    password = _read_password(password_stdin)
    try:
        with db.transaction() as session:
            user = accounts.find_user(session, username)
            if user is None:
                raise click.ClickException(f"no user {username!r}")
            accounts.set_password(session, user, password, actor=CLI_ACTOR)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    from wx_backend.extensions import get_store

    accounts.unlock(get_store(), username)
    click.echo(f"password changed for {username}")
