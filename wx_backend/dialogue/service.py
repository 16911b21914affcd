"""The dialogue inside the app: the process's brain, event recording, the visible reply text."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from flask import Flask, current_app

from wx_backend.analytics.attribution import attribute, current_source
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


# How long a worker's attribution (which worksite QR they scanned) is reused in-process
# before asking the store again. A scan handled by another worker shows up in this worker's
# question log at most this late; a scan handled here shows up at once (see forget()).
SOURCE_CACHE_SECONDS = 5.0
_SOURCE_CACHE_MAX = 20_000


class SourceCache:
    """Per-app, per-user memo of analytics.attribution.current_source for a few seconds."""

    def __init__(self, seconds: float = SOURCE_CACHE_SECONDS) -> None:
        self.seconds = seconds
        self._items: dict[str, tuple[str | None, float]] = {}
        self._lock = threading.Lock()

    def source(self, user_id: str) -> str | None:
        now = time.monotonic()
        item = self._items.get(user_id)
        if item is not None and item[1] > now:
            return item[0]
        source = current_source(user_id)
        with self._lock:
            if len(self._items) >= _SOURCE_CACHE_MAX:
                self._items.clear()  # bounded: at worst everyone is looked up again
            self._items[user_id] = (source, now + self.seconds)
        return source

    def forget(self, user_id: str) -> None:
        with self._lock:
            self._items.pop(user_id, None)


def source_cache(app: Flask) -> SourceCache:
    cache: SourceCache | None = app.extensions.get("pufa_source_cache")
    if cache is None:
        cache = app.extensions.setdefault("pufa_source_cache", SourceCache())
    return cache


class AnalyticsEvents:
    """Follow, unfollow and scan events into the analytics tables."""

    def __init__(self, channel: str) -> None:
        self.channel = channel

    def attribute(self, user_id: str, source: str, *, event: str, event_key: str) -> None:
        attribute(user_id, source, channel=self.channel, event=event, event_key=event_key)
        source_cache(current_app._get_current_object()).forget(user_id)  # type: ignore[attr-defined]

    def record(self, user_id: str, *, event: str, event_key: str) -> None:
        record_user_event(current_app.config["SECRET_KEY"], event_key=event_key,
                          user_id=user_id, channel=self.channel, event=event)


# Published cases change a few times a month; a reply may name a case published or withdrawn
# within the last minute (its page answers either way), and no answer costs a query per case.
CASE_CACHE_SECONDS = 60.0


class CachedCaseLookup:
    """A short-lived memo in front of the publishing module's case lookup."""

    def __init__(self, lookup: CaseLookup, seconds: float = CASE_CACHE_SECONDS) -> None:
        self.lookup = lookup
        self.seconds = seconds
        self._items: dict[str, tuple[tuple[str, str] | None, float]] = {}

    def __call__(self, slug: str) -> tuple[str, str] | None:
        now = time.monotonic()
        item = self._items.get(slug)
        if item is not None and item[1] > now:
            return item[0]
        found = self.lookup(slug)  # a failure is not remembered: the next reply tries again
        if len(self._items) > 10_000:
            self._items.clear()
        self._items[slug] = (found, now + self.seconds)
        return found


def case_lookup(app: Flask) -> CaseLookup | None:
    lookup: CaseLookup | None = app.extensions.get("pufa_case_lookup")
    if lookup is None:
        return None
    cached: CachedCaseLookup | None = app.extensions.get("pufa_case_lookup_cache")
    if cached is None or cached.lookup is not lookup:  # replaced (tests, reload): start over
        cached = CachedCaseLookup(lookup)
        app.extensions["pufa_case_lookup_cache"] = cached
    return cached


def public_base_url(fallback: str = "http://127.0.0.1:8000") -> str:
    """Where links in replies point: PUFA_PUBLIC_BASE_URL, else the given fallback."""
    return str(current_app.config.get("PUBLIC_BASE_URL") or fallback).rstrip("/")


def make_dialogue(
    base_url: str, *, channel: str = "wechat", record_events: bool = True
) -> Dialogue:
    """A Dialogue over this app's store, site and brain (call inside an app context)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    lookup = case_lookup(app)
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
