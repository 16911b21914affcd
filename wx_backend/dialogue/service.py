"""The dialogue inside the app: the process's brain, event recording, the visible reply text."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from wx_backend.analytics.attribution import attribute
from wx_backend.analytics.recorder import record_user_event
from wx_backend.dialogue.brain import Brain, get_brain
from wx_backend.dialogue.engine import CaseLookup, Dialogue
from wx_backend.dialogue.types import Answer
from wx_backend.extensions import get_site, get_store
from wx_backend.wechat.replies import fit_text

TRANSFER_NOTE = "（已为您转接人工客服，请稍候）"


def app_brain(app: Flask) -> Brain:
    """The brain for this app's content, built once per process (jieba cache in instance/)."""
    brain: Brain | None = app.extensions.get("pufa_brain")
    if brain is None or app.extensions.get("pufa_brain_dir") != app.config["CONTENT_DIR"]:
        # Remembered on the app so a request does not resolve the content path again.
        brain = get_brain(app.config["CONTENT_DIR"], Path(app.instance_path) / "jieba-cache")
        app.extensions["pufa_brain"] = brain
        app.extensions["pufa_brain_dir"] = app.config["CONTENT_DIR"]
    return brain


class AnalyticsEvents:
    """Follow, unfollow and scan events into the analytics tables."""

    def __init__(self, channel: str) -> None:
        self.channel = channel

    def attribute(self, user_id: str, source: str, *, event: str, event_key: str) -> None:
        attribute(user_id, source, channel=self.channel, event=event, event_key=event_key)

    def record(self, user_id: str, *, event: str, event_key: str) -> None:
        record_user_event(current_app.config["SECRET_KEY"], event_key=event_key,
                          user_id=user_id, channel=self.channel, event=event)


def public_base_url(fallback: str = "http://127.0.0.1:8000") -> str:
    """Where links in replies point: PUFA_PUBLIC_BASE_URL, else the given fallback."""
    return str(current_app.config.get("PUBLIC_BASE_URL") or fallback).rstrip("/")


def make_dialogue(
    base_url: str, *, channel: str = "wechat", record_events: bool = True
) -> Dialogue:
    """A Dialogue over this app's store, site and brain (call inside an app context)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    lookup: CaseLookup | None = app.extensions.get("pufa_case_lookup")
    return Dialogue(
        store=get_store(),
        site=get_site(),
        brain=app_brain(app),
        public_base_url=base_url,
        case_lookup=lookup,
        events=AnalyticsEvents(channel) if record_events else None,
    )


def visible_text(answer: Answer) -> str:
    """Exactly the text a worker reads for this answer (what the text reply carries)."""
    if answer.transfer:
        return TRANSFER_NOTE
    return fit_text(answer.text, answer.article.url if answer.article else None)
