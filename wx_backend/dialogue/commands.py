"""`pufa ask` and `pufa eval`: the real dialogue path from the command line."""

from __future__ import annotations

import contextlib
import sys
import uuid
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from wx_backend.dialogue.engine import Dialogue
from wx_backend.dialogue.service import app_brain, make_dialogue, public_base_url, visible_text
from wx_backend.dialogue.types import Incoming
from wx_backend.faq import FaqEntry

KNOWN_OUTCOMES = ("answer", "choices", "fallback", "out_of_scope")


def warm_brain(app: Flask) -> None:
    """Build the FAQ brain before the server forks, so workers share it and never build it."""
    brain = app_brain(app)
    click.echo(f"pufa: {len(brain.catalog)} FAQ entries ready", err=True)


def _ready_instance() -> None:
    """Migrate and load content first, so the terminal sees what a worker would (cases too).

    Start-up messages go to stderr: stdout carries only the reply.
    """
    from wx_backend.cli import prepare

    with contextlib.redirect_stdout(sys.stderr):
        prepare(current_app._get_current_object())  # type: ignore[attr-defined]


def _cli_dialogue() -> Dialogue:
    # No events are recorded and no question is logged: a terminal is not a worker.
    return make_dialogue(public_base_url(), channel="cli", record_events=False)


def _text(user: str, text: str) -> Incoming:
    return Incoming(user_id=user, kind="text", text=text, channel="cli")


@click.command("ask")
@click.argument("question", nargs=-1, required=True)
@with_appcontext
def ask_command(question: tuple[str, ...]) -> None:
    """Print exactly the reply a worker would read for QUESTION."""
    _ready_instance()
    user = f"cli-{uuid.uuid4().hex[:12]}"
    answer = _cli_dialogue().respond(_text(user, " ".join(question)))
    click.echo(visible_text(answer))


@click.command("eval")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--baselines", is_flag=True,
              help="also run B0 (keyword auto-reply) and B1 (plain BM25) on the same FAQ")
@click.option("--misses", default=0, show_default=True, help="list this many first-reply misses")
@with_appcontext
def eval_command(path: Path, baselines: bool, misses: int) -> None:
    """Score the dialogue's replies on an evaluation file (JSON lines)."""
    from wx_backend.evaluation import (
        EvalReply,
        bm25_baseline,
        format_report,
        keyword_baseline,
        load_eval_file,
        run_eval,
    )

    items = load_eval_file(path)
    _ready_instance()
    dialogue = _cli_dialogue()
    brain = app_brain(current_app._get_current_object())  # type: ignore[attr-defined]
    names = tuple(brain.laws.names) if brain.laws else ()

    def reply_fn(question: str) -> EvalReply:
        user = f"eval-{uuid.uuid4().hex[:12]}"
        first = dialogue.respond(_text(user, question))
        picked: list[str] = []
        if first.outcome == "choices":
            for number in range(1, len(first.choices) + 1):
                choice = dialogue.respond(_text(user, str(number)))
                picked.append(visible_text(choice))
        outcome = first.outcome if first.outcome in KNOWN_OUTCOMES else None
        return EvalReply(visible_text(first), picked, outcome)

    reports = [run_eval(items, reply_fn, name="pufa", statute_names=names)]
    if baselines:
        entries = list(brain.catalog.entries)

        def render(entry: FaqEntry) -> str:
            return visible_text(dialogue.entry_answer(entry))

        reports.append(run_eval(items, keyword_baseline(entries, render, dialogue.fallback_text()),
                                name="B0 keyword", statute_names=names))
        reports.append(run_eval(items, bm25_baseline(entries, render), name="B1 BM25",
                                statute_names=names))
    click.echo(format_report(reports))
    for result in reports[0].misses()[:misses]:
        click.echo(f"\nmiss {result.item.id}: {result.item.question}\n"
                   f"  → {result.reply.first_reply[:120]}")
