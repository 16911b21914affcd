"""POST /ask and POST /feedback: the official account's dialogue, channel `miniprogram`.

The question goes through the same Dialogue (commands, numbered choices, statute look-ups,
matcher, honest fallback) and is recorded in the same question log, attributed to the worksite
the worker last scanned; only the shape of the reply differs: structured choices and cases
instead of numbered lines the worker must type back.
"""

from __future__ import annotations

import logging
import uuid

from flask import current_app

from ..analytics.attribution import current_source
from ..analytics.recorder import QuestionEvent, record_feedback, record_question
from ..dialogue.engine import Dialogue
from ..dialogue.service import make_dialogue
from ..dialogue.suggestions import recall
from ..dialogue.types import Answer, Incoming
from ..extensions import get_site, get_store
from .cases import case_summaries
from .content import faq_url, summary
from .errors import not_found
from .schemas import OUTCOMES, AskResponse, Choice, FeedbackResponse
from .sessions import MiniSession

log = logging.getLogger(__name__)
CHANNEL = "miniprogram"
# Outcomes whose numbered options the dialogue remembered for this user.
OFFERS = frozenset({"choices", "topic", "menu"})


def ask(session: MiniSession, question: str, base_url: str) -> AskResponse:
    """Answer one question and record it; a failure inside gives an honest 'try again'."""
    answer_id = uuid.uuid4().hex
    incoming = Incoming(user_id=session.openid, kind="text", text=question,
                        message_key=f"mp:{answer_id}", channel=CHANNEL)
    try:
        dialogue = make_dialogue(base_url, channel=CHANNEL)
        answer = dialogue.respond(incoming)
        response = _response(dialogue, answer, answer_id, session.openid)
    except Exception:
        log.exception("dialogue failed for a mini-program question")
        answer = Answer(_sorry_text(), "error")
        response = AskResponse(answer_id=answer_id, outcome="error", text=answer.text,
                               entry=None, url=None, choices=[], related_cases=[])
    _record(session.openid, incoming, answer_id, answer)
    return response


def _response(dialogue: Dialogue, answer: Answer, answer_id: str, user_id: str) -> AskResponse:
    brain = dialogue.brain
    # Only an answer has "its" entry; on a close call the dialogue may name the top candidate.
    answered = answer.outcome == "answer" and answer.entry_id
    entry = brain.entry(answer.entry_id) if answered and answer.entry_id else None
    outcome = answer.outcome if answer.outcome in OUTCOMES else "other"
    text = answer.text
    if answer.transfer:
        # No hand-over inside the mini-program: point at its own customer-service button.
        text = ("工作人员现在在线，请点“联系客服”和工作人员对话。\n" + get_site().human_channels())
    cases = []
    if entry is not None:
        cases = case_summaries(slug for slug in entry.related if brain.entry(slug) is None)
    return AskResponse(
        answer_id=answer_id,
        outcome=outcome,  # type: ignore[arg-type]
        text=text,
        entry=summary(entry) if entry is not None else None,
        url=faq_url(entry.id) if entry is not None else None,
        choices=_choices(dialogue, answer, user_id),
        related_cases=cases,
    )


def _choices(dialogue: Dialogue, answer: Answer, user_id: str) -> list[Choice]:
    """The options the worker was offered, with ids: the ones the dialogue remembered."""
    if answer.outcome not in OFFERS or not answer.choices:
        return []
    offered = recall(get_store(), user_id)
    if offered is None or len(offered.items) != len(answer.choices):
        return []
    brain = dialogue.brain
    if offered.kind == "topics":
        menu = {t.name: t.menu for t in brain.topics}
        return [Choice(kind="topic", id=name, text=menu.get(name, name)) for name in offered.items]
    return [Choice(kind="faq", id=e.id, text=e.question)
            for item in offered.items if (e := brain.entry(item)) is not None]


def _sorry_text() -> str:
    site = get_site()
    return (f"抱歉，系统出了点问题，请稍后再试。着急的话请拨打 {site.hotline}（人社服务热线）"
            f"或 {site.legal_aid_hotline}（公共法律服务热线）。")


def _record(user_id: str, incoming: Incoming, answer_id: str, answer: Answer) -> None:
    """Into the question log; never costs the worker the reply."""
    try:
        source = current_source(user_id)
    except Exception:  # attribution is a nicety; the question is still recorded
        log.exception("could not look up the source of a mini-program user")
        source = None
    try:
        record_question(current_app.config["SECRET_KEY"], QuestionEvent(
            message_key=incoming.message_key,
            reply_id=answer_id,
            channel=CHANNEL,
            user_id=user_id,
            message_type="text",
            text=incoming.text,
            outcome=answer.outcome,
            source=source,
            topic=answer.topic,
            entry_id=answer.entry_id,
            score=answer.score,
        ))
    except Exception:
        log.exception("could not record a mini-program question")


def feedback(answer_id: str, helpful: bool) -> FeedbackResponse:
    if not record_feedback(answer_id, helpful):
        raise not_found("answer")
    return FeedbackResponse(recorded=True)
