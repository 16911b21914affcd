"""`pufa content check`: every content file validated at once, before it can reach a worker."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .faq import ContentError, load_catalog
from .laws import LawLibrary
from .publishing.content import get_content
from .publishing.documents import load_case_dir
from .site import SiteConfigError, load_site


def content_problems(content_dir: Path, site_key: str) -> tuple[list[str], dict[str, int]]:
    """Every problem in the site file, the FAQ (with topic guides) and the case explainers."""
    problems: list[str] = []
    counts: dict[str, int] = {}
    try:
        site = load_site(content_dir, site_key)
    except SiteConfigError as exc:
        problems.append(str(exc))
        site = None
    laws = LawLibrary.load(content_dir / "content" / "laws")
    counts["statutes"] = len(laws)
    try:
        catalog = load_catalog(content_dir / "faq", content_dir / "content" / "topics.yaml", laws,
                               require_all_files=True, enforce_minimum=True)
        counts["faq entries"] = len(catalog)
        counts["topics"] = len(catalog.topics)
    except ContentError as exc:
        problems.extend(exc.problems)
    documents, case_problems = load_case_dir(content_dir / "cases_explained")
    problems.extend(case_problems)
    counts["case explainers"] = len(documents)
    if site is not None:
        checker = get_content()
        for path, document in documents:
            problems.extend(checker.problems(document, f"{path.parent.name}/{path.name}"))
    return problems, counts


@click.command("check")
@with_appcontext
def content_check_command() -> None:
    """Validate faq/, content/ and cases_explained/; list every problem by file and field."""
    problems, counts = content_problems(
        Path(current_app.config["CONTENT_DIR"]), current_app.config["SITE"]
    )
    for problem in problems:
        click.echo(problem)
    summary = ", ".join(f"{value} {name}" for name, value in counts.items())
    if problems:
        click.echo(f"{len(problems)} problem(s); checked {summary}", err=True)
        sys.exit(1)
    click.echo(f"content is valid: {summary}")
