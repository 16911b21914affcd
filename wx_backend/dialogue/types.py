"""What the dialogue takes and gives."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Incoming:
    """One thing a user did, whatever the channel: a message or an event."""

    user_id: str
    kind: str  # text, voice, image, video, shortvideo, location, link, file, event, unknown
    text: str = ""  # what was typed, or WeChat's recognition of a voice message
    event: str = ""  # events: subscribe, unsubscribe, scan, click, …
    event_key: str = ""
    message_key: str = ""  # unique per delivery; keys the event record
    channel: str = "wechat"


@dataclass(frozen=True)
class ArticleLink:
    """The page that holds the full answer (the target of 查看全文)."""

    title: str
    url: str
    description: str = ""


@dataclass(frozen=True)
class Answer:
    """The reply to one turn."""

    text: str
    outcome: str  # answer, choices, fallback, out_of_scope, menu, topic, statute, transfer, …
    article: ArticleLink | None = None
    choices: tuple[str, ...] = ()
    topic: str | None = None
    entry_id: str | None = None
    score: float | None = None
    # False for events that need no reply (unsubscribe, VIEW …): the caller answers success.
    reply: bool = True
    # Whether this turn is a question for the question log (user messages, not events).
    is_question: bool = True

    @property
    def transfer(self) -> bool:
        return self.outcome == "transfer"
