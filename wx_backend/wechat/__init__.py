"""The WeChat protocol edge: verify, decrypt, parse, dedup, render, and the API client.

Nothing here imports Flask or the rest of the project: functions go from (query args, body
bytes) to a typed message and from reply text to reply bytes, so they are testable alone.
"""

from wx_backend.wechat.dedup import Deduplicator, message_key
from wx_backend.wechat.edge import Endpoint, Envelope, Rejected
from wx_backend.wechat.messages import Inbound, MalformedMessage, parse_message
from wx_backend.wechat.replies import (
    NewsArticle,
    fit_text,
    render_news,
    render_text,
    render_transfer,
)
from wx_backend.wechat.signature import sign, signature_matches

__all__ = [
    "Deduplicator",
    "Endpoint",
    "Envelope",
    "Inbound",
    "MalformedMessage",
    "NewsArticle",
    "Rejected",
    "fit_text",
    "message_key",
    "parse_message",
    "render_news",
    "render_text",
    "render_transfer",
    "sign",
    "signature_matches",
]
