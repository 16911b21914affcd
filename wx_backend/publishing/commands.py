"""`pufa content sync` (cases part), `pufa cases export|push|list`, and the start-up sync."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from wx_backend.db import db
from wx_backend.models import Case
from wx_backend.publishing.content import get_content
from wx_backend.publishing.sync import export_cases, sync_cases
from wx_backend.publishing.workflow import SYSTEM, find_case


def sync_cases_at_start(app: Flask) -> None:
    """Start-up step: load cases_explained/ (idempotent; bad files are logged, not fatal, so
    one typo in a case never keeps the WeChat service from starting)."""
    with db.transaction() as session:
        report = sync_cases(session, get_content(app))
    for problem in report.problems:
        app.logger.warning("case file skipped: %s", problem)
    app.logger.info("%s", report.summary())


@click.command("sync")
@click.option("--overwrite", multiple=True, metavar="SLUG",
              help="take this case's text from its file even though staff edited it")
@with_appcontext
def content_sync_command(overwrite: tuple[str, ...]) -> None:
    """Load cases_explained/ into the database (staff edits are kept; see README)."""
    with db.transaction() as session:
        report = sync_cases(session, get_content(), overwrite=overwrite)
    for label, slugs in (("added", report.created), ("updated", report.updated),
                         ("kept (edited by staff)", report.kept)):
        for slug in slugs:
            click.echo(f"{label}: {slug}")
    for problem in report.problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(report.summary())
    if report.problems:
        raise SystemExit(1)


@click.group("cases")
def cases_group() -> None:
    """Case explainers (以案释法)."""


@cases_group.command("list")
@with_appcontext
def cases_list() -> None:
    """Every case: slug, state, views, useful / not useful, title."""
    for case in db.session.scalars(select(Case).order_by(Case.slug)):
        online = "online" if case.live_version_id else "offline"
        click.echo(f"{case.slug}\t{case.status}\t{online}\tviews {case.view_count}\t"
                   f"useful {case.useful_count}/{case.not_useful_count}\t{case.title}")


@cases_group.command("export")
@click.argument("slugs", nargs=-1)
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="default: cases_explained/ in the content folder")
@click.option("--include-drafts", is_flag=True,
              help="also write cases that are not online (their working copy)")
@with_appcontext
def cases_export(slugs: tuple[str, ...], directory: Path | None, include_drafts: bool) -> None:
    """Write cases from the database back to Markdown files (published text by default)."""
    target = directory or Path(current_app.config["CONTENT_DIR"]) / "cases_explained"
    written = export_cases(db.session, target, slugs, include_drafts)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"{len(written)} case files written")


@cases_group.command("push")
@click.argument("slug")
@click.option("--publish", is_flag=True, help="also submit the draft for publication")
@with_appcontext
def cases_push(slug: str, publish: bool) -> None:
    """Push a published case to the official account's drafts (draft/add [+ freepublish])."""
    from wx_backend.publishing.wechat_push import PushError, push_case

    case = find_case(db.session, slug)
    if case is None:
        raise click.ClickException(f"no case {slug!r}")
    try:
        with db.transaction() as session:
            result = push_case(current_app._get_current_object(),  # type: ignore[attr-defined]
                               session, SYSTEM, case, publish=publish)
    except PushError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(result.describe())
