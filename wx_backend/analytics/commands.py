"""`pufa log purge`, `pufa report`, `pufa warnings digest`."""

from __future__ import annotations

import json

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .report import build_report
from .retention import purge_raw_text
from .warnings import LEVEL_LABELS, Thresholds, current_levels, default_since, digest


@click.group("log")
def log_group() -> None:
    """The question log."""


@log_group.command("purge")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="keep this many days of raw text (default: PUFA_LOG_RETENTION_DAYS)")
@with_appcontext
def purge_command(days: int | None) -> None:
    """Erase question text older than the retention period (counts are kept)."""
    keep = days or int(current_app.config["LOG_RETENTION_DAYS"])
    result = purge_raw_text(keep)
    click.echo(f"purged the text of {result.purged} question(s) asked before "
               f"{result.cutoff:%Y-%m-%d %H:%M} UTC (kept {keep} days)")


def purge_at_start(app: Flask) -> None:
    """Startup step: apply the retention period whenever the service starts."""
    purge_raw_text(int(app.config["LOG_RETENTION_DAYS"]))


@click.command("report")
@click.option("--days", type=click.IntRange(min=1, max=3660), default=30, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="print JSON for scripts")
@with_appcontext
def report_command(days: int, as_json: bool) -> None:
    """What workers asked in the last N days: topics, sources, unanswered, warnings."""
    report = build_report(days, Thresholds.from_config(current_app.config))
    data = report.to_json()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{report.period.start} – {report.period.end} ({days} days)")
    click.echo(f"questions: {data['questions_total']} from {data['users_total']} workers "
               f"(previous period {data['previous_period_questions']}); "
               f"answered {data['answered']}, not answered well {data['unanswered_total']}")
    click.echo("by topic:")
    for topic in report.topics:
        if topic.count or topic.previous:
            trend = "new" if topic.change is None else f"{topic.change:+.0%}"
            click.echo(f"  {topic.topic}: {topic.count} ({topic.share:.0%}, {trend})")
    click.echo("by source:")
    for source, count in data["by_source"].items():
        click.echo(f"  {source}: {count}")
    click.echo("not answered well (grouped):")
    for group in report.unanswered[:10]:
        click.echo(f"  {group.count} × {group.example}")
    click.echo("warnings:")
    for item in data["warnings"] or [{"code": "none"}]:
        if item["code"] == "none":
            click.echo("  none")
            continue
        click.echo(f"  {LEVEL_LABELS[item['level']]} {item['code']} {item['name']}: "
                   f"{item['users']} workers")


@click.group("warnings")
def warnings_group() -> None:
    """Wage-arrears early warning per worksite."""


@warnings_group.command("digest")
@click.option("--hours", type=click.IntRange(min=1), default=24, show_default=True,
              help="list rises to yellow or red in this many past hours")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def digest_command(hours: int, as_json: bool) -> None:
    """Evaluate the levels now and list worksites newly at yellow or red (run daily)."""
    items = digest(Thresholds.from_config(current_app.config), default_since(hours=hours))
    if as_json:
        click.echo(json.dumps([
            {"code": i.code, "name": i.name, "township": i.township, "level": i.level_to,
             "previous_level": i.level_from, "users": i.users, "at": i.at.isoformat()}
            for i in items
        ], ensure_ascii=False, indent=2))
        return
    if not items:
        click.echo(f"no worksite reached yellow or red in the last {hours} hours")
    for i in items:
        click.echo(f"{LEVEL_LABELS[i.level_to]}预警 {i.code} {i.name}（{i.township}）: "
                   f"{i.users} workers asked about unpaid wages (was {LEVEL_LABELS[i.level_from]})")


@warnings_group.command("list")
@with_appcontext
def list_command() -> None:
    """Every worksite at blue, yellow or red now."""
    thresholds = Thresholds.from_config(current_app.config)
    levels = [w for w in current_levels(thresholds, recent=0) if w.level != "none"]
    if not levels:
        click.echo("no worksite at a warning level")
    for w in levels:
        click.echo(f"{w.label} {w.code} {w.name}（{w.township}）: {w.users} workers, "
                   f"{w.questions} questions in {thresholds.days} days")
