"""`pufa worksites import|list` and `pufa qr poster`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..extensions import get_site
from . import registry
from .printing import write_posters
from .qr import QrError


@click.group("worksites")
def worksites_group() -> None:
    """The worksite registry."""


@worksites_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(file: Path) -> None:
    """Add or update worksites from a CSV file (code,name,township,…); all rows or none."""
    try:
        result = registry.import_file(file, get_site().townships)
    except registry.WorksiteError as exc:
        for problem in exc.problems:
            click.echo(f"{file}: {problem}", err=True)
        click.echo("nothing imported", err=True)
        sys.exit(1)
    click.echo(f"{file}: {len(result.created)} created, {len(result.updated)} updated, "
               f"{len(result.unchanged)} unchanged")


@worksites_group.command("list")
@with_appcontext
def list_command() -> None:
    """Every worksite: code, township, name, contractor, period, QR status."""
    sites = registry.list_worksites()
    if not sites:
        click.echo("no worksites yet (pufa worksites import FILE.csv)")
    for s in sites:
        period = f"{s.starts_on or ''}~{s.ends_on or ''}" if s.starts_on or s.ends_on else ""
        flags = [] if s.active else ["retired"]
        if s.wechat_qr_url:
            flags.append("wechat-qr")
        click.echo("\t".join([s.code, s.township, s.name, s.contractor, period, ",".join(flags)]))


@click.group("qr")
def qr_group() -> None:
    """QR codes and posters for worksites."""


@qr_group.command("poster")
@click.argument("code", required=False)
@click.option("--all", "all_sites", is_flag=True, help="every active worksite")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("posters"), show_default=True)
@click.option("--no-png", is_flag=True, help="PDF only")
@with_appcontext
def poster_command(code: str | None, all_sites: bool, out_dir: Path, no_png: bool) -> None:
    """Write A4 posters (PDF and PNG) for one worksite or --all, plus one batch PDF."""
    if bool(code) == all_sites:
        raise click.UsageError("give a worksite CODE or --all (not both)")
    if all_sites:
        sites = registry.list_worksites(active_only=True)
        if not sites:
            click.echo("no active worksites", err=True)
            sys.exit(1)
    else:
        site = registry.get_worksite(str(code))
        if site is None:
            click.echo(f"no worksite with code {code!r} (pufa worksites list)", err=True)
            sys.exit(1)
        sites = [site]
    try:
        result = write_posters(sites, out_dir, with_png=not no_png)
    except QrError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    for path in result.files:
        click.echo(str(path))
