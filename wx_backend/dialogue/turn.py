"""One official-account message end to end, after the protocol edge has opened it.

Dedup → dialogue → render → record → store the reply for retries. Kept apart from the view
so the try-it page, the bench and the tests drive exactly the same path.

The record is durable before the reply is stored or sent: with Redis it is appended to the
question queue (analytics.queue; a worker's flusher commits it to the database in batches),
with the in-process store it is inserted at once.
"""

from __future__ import annotations

import logging
import uuid

import redis
from flask import Flask, current_app

from wx_backend.analytics.queue import ensure_flusher, question_queue
from wx_backend.analytics.recorder import QuestionEvent, question_row, record_question
from wx_backend.dialogue.service import make_dialogue, source_cache, visible_text
from wx_backend.dialogue.types import Answer, Incoming
from wx_backend.extensions import get_site, get_store
from wx_backend.wechat import Deduplicator, Inbound, message_key, render_text, render_transfer

log = logging.getLogger(__name__)
CHANNEL = "wechat"
BUSY_TEXT = "系统有点忙，请稍后再发一次您的问题。"


def incoming_from(message: Inbound, key: str) -> Incoming:
    text = message.recognition if message.kind == "voice" else message.content
    return Incoming(user_id=message.user, kind=message.kind, text=text, event=message.event,
                    event_key=message.event_key, message_key=key, channel=CHANNEL)


def render_answer(answer: Answer, message: Inbound) -> str:
    """The passive reply XML for an answer ("" when the event needs no reply)."""
    if not answer.reply:
        return ""
    if answer.transfer:
        return render_transfer(message.user, message.account)
    return render_text(message.user, message.account, visible_text(answer))


def reply_to(message: Inbound, base_url: str) -> str:
    """Return the reply XML for a message, exactly once per message key."""
    key = message_key(message)
    dedup = Deduplicator(get_store())
    claim = dedup.claim(key)
    if not claim.first:
        if claim.reply is None:
            log.warning("retry of %s found no reply in time", key)
            return render_text(message.user, message.account, BUSY_TEXT)
        return claim.reply
    incoming = incoming_from(message, key)
    try:
        answer = make_dialogue(base_url).respond(incoming)
        reply = render_answer(answer, message)
    except Exception:
        log.exception("dialogue failed for %s", key)
        answer = Answer(_sorry_text(), "error")
        reply = render_text(message.user, message.account, answer.text)
    if answer.is_question:
        try:
            if _record(message, incoming, key, answer, dedup.completion(key, reply)):
                return reply  # the reply was stored for retries together with the record
        except Exception:  # recording never costs the worker the reply
            log.exception("could not record %s", key)
    dedup.complete(key, reply)
    return reply


def _sorry_text() -> str:
    site = get_site()
    return (f"抱歉，系统出了点问题，请稍后再试。着急的话请拨打 {site.hotline}（人社服务热线）"
            f"或 {site.legal_aid_hotline}（公共法律服务热线）。")


def _record(message: Inbound, incoming: Incoming, key: str, answer: Answer,
            completion: tuple[str, str, int]) -> bool:
    """Record the question durably; True when `completion` (the stored reply) went with it."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    secret = app.config["SECRET_KEY"]
    try:
        source = source_cache(app).source(message.user)
    except Exception:  # attribution is a nicety; the question is still recorded
        log.exception("could not look up the source of %s", key)
        source = None
    event = QuestionEvent(
        message_key=key,
        reply_id=uuid.uuid4().hex,
        channel=CHANNEL,
        user_id=message.user,
        message_type=message.kind,
        text=incoming.text,
        outcome=answer.outcome,
        source=source,
        topic=answer.topic,
        entry_id=answer.entry_id,
        score=answer.score,
    )
    queue = question_queue(app)
    if queue is not None:
        try:
            queue.put(question_row(secret, event), also_set=completion)
            ensure_flusher(app)
            return True
        except redis.RedisError:
            log.exception("question queue unavailable; recording %s directly", key)
    record_question(secret, event)
    return False
