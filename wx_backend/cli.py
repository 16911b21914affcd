"""`pufa`: Flask's CLI group with the service's own commands."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from . import config as settings
from . import create_app
from .db import db
from .migrate import pending_changes, upgrade
from .site import SiteConfigError

# Steps that bring a fresh instance to a serving state (content loaders register here).
# Each takes the app inside an app context and must be idempotent.
STARTUP_STEPS: list[Callable[[Flask], None]] = []


def startup_step(func: Callable[[Flask], None]) -> Callable[[Flask], None]:
    STARTUP_STEPS.append(func)
    return func


def prepare(app: Flask) -> None:
    """Migrate the database and run every startup step (what `pufa serve` does first)."""
    with app.app_context():
        upgrade(db.engine)
        for step in STARTUP_STEPS:
            step(app)


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False)
def cli() -> None:
    """普法 WeChat backend."""


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="default: PUFA_WORKERS (2)")
@with_appcontext
def serve_command(host: str, port: int, workers: int | None) -> None:
    """Migrate, load content and serve with gunicorn."""
    from .server import serve

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    prepare(app)
    # gunicorn forks the workers from this process: they must not inherit (and share) its
    # pooled database connections, which corrupts PostgreSQL sessions under load.
    db.engine.dispose()
    count = workers or app.config["WORKERS"]
    store = app.extensions["pufa_store"]
    if count > 1 and not store.shared_between_processes:
        click.echo(
            f"Note: {count} workers with the in-process store: dedup and conversation state are "
            "per worker. Set PUFA_REDIS_URL in production, or use --workers 1.",
            err=True,
        )
    base = f"http://{host}:{port}"
    click.echo(f"pufa: serving on {base}  (health: {base}/healthz, WeChat URL: {base}/wechat)")
    if app.config.get("DEMO"):
        click.echo(f"Demo mode. Try it in a browser: {base}/")
        click.echo(f"  WeChat token : {app.config['WECHAT_TOKEN']}")
        click.echo(f"  Kept in      : {Path(app.instance_path) / settings.DEMO_SECRETS_FILE}")
    serve(app, host, port, count)


@cli.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade_command() -> None:
    """Apply every pending migration."""
    upgrade(db.engine)
    click.echo("database is at the newest schema")


@db_group.command("check")
@with_appcontext
def db_check_command() -> None:
    """Fail when the models and the migrations disagree."""
    changes = pending_changes(db.engine)
    if changes:
        for change in changes:
            click.echo(f"pending: {change}")
        sys.exit(1)
    click.echo("models and migrations agree")


@cli.group("content")
def content_group() -> None:
    """Content folders (faq/, cases_explained/, content/) and the database."""


def _add_staff_and_publishing_commands() -> None:
    from .publishing.commands import cases_group, content_sync_command, sync_cases_at_start
    from .staff.commands import users_group

    cli.add_command(users_group)
    cli.add_command(cases_group)
    content_group.add_command(content_sync_command)
    startup_step(sync_cases_at_start)


_add_staff_and_publishing_commands()


def _add_content_check_command() -> None:
    from .content_check import content_check_command

    content_group.add_command(content_check_command)


_add_content_check_command()


def _add_analytics_commands() -> None:
    from .analytics.commands import log_group, purge_at_start, report_command, warnings_group
    from .worksites.commands import qr_group, worksites_group

    for command in (log_group, report_command, warnings_group, worksites_group, qr_group):
        cli.add_command(command)
    startup_step(purge_at_start)


_add_analytics_commands()


def _add_api_commands() -> None:
    from .api.commands import miniprogram_code_command
    from .worksites.commands import qr_group

    qr_group.add_command(miniprogram_code_command)


_add_api_commands()


def _add_dialogue_commands() -> None:
    from .dialogue.commands import ask_command, eval_command, warm_brain

    cli.add_command(ask_command)
    cli.add_command(eval_command)
    startup_step(warm_brain)


_add_dialogue_commands()


def _add_question_queue() -> None:
    # Questions a killed server acknowledged but never committed reach the log before serving.
    from .analytics.queue import drain_at_start

    startup_step(drain_at_start)


_add_question_queue()


def main() -> None:
    """Console entry point: with nothing configured, run in demo mode with kept secrets."""
    if settings.is_unconfigured(os.environ):
        instance = Path(os.environ.get("PUFA_INSTANCE_PATH") or Flask(__package__).instance_path)
        os.environ.setdefault("PUFA_INSTANCE_PATH", str(instance))
        for key, value in settings.ensure_demo_secrets(instance).items():
            os.environ["PUFA_" + key] = value
        os.environ["PUFA_DEMO"] = "true"
    try:
        cli.main(prog_name="pufa")
    except (settings.ConfigError, SiteConfigError) as exc:
        click.echo(f"configuration error: {exc}", err=True)
        sys.exit(2)
