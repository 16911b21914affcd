"""Passive replies: text within WeChat's 2048-byte limit, one-article news, transfer to staff.

Rendered here rather than with wechatpy's reply classes because those put values into CDATA
unescaped: a "]]>" in an answer would break the XML WeChat receives.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

# WeChat drops text replies over 2048 bytes; keep a margin for the envelope's own fields.
TEXT_LIMIT_BYTES = 2000
MORE_LABEL = "查看全文："
_SENTENCE_END = re.compile(r"[。！？；!?;\n]")
_INVALID_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class NewsArticle:
    """The single article of a news reply."""

    title: str
    description: str
    url: str
    picurl: str = ""


def cdata(value: str) -> str:
    """Wrap value in CDATA, splitting any "]]>" so the text cannot end the section early."""
    safe = _INVALID_XML.sub("", value).replace("]]>", "]]]]><![CDATA[>")
    return f"<![CDATA[{safe}]]>"


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def _prefix_within(text: str, budget: int) -> str:
    """The longest prefix of text whose UTF-8 encoding fits in budget bytes."""
    encoded = text.encode("utf-8")[: max(budget, 0)]
    return encoded.decode("utf-8", errors="ignore")


def fit_text(text: str, more_url: str | None = None, limit: int = TEXT_LIMIT_BYTES) -> str:
    """Return text (plus a 查看全文 link when given) within limit bytes, cut at a sentence end."""
    link = f"\n{MORE_LABEL}{more_url}" if more_url else ""
    if _utf8_len(text) + _utf8_len(link) <= limit:
        return text + link
    tail = link or "\n……"
    prefix = _prefix_within(text, limit - _utf8_len(tail))
    ends = [m.end() for m in _SENTENCE_END.finditer(prefix)]
    # Prefer a sentence end unless that would throw away most of what fits.
    if ends and ends[-1] >= len(prefix) // 3:
        prefix = prefix[: ends[-1]]
    return prefix.rstrip() + tail


def _head(to_user: str, from_user: str, create_time: int | None, kind: str) -> str:
    moment = int(time.time()) if create_time is None else create_time
    return (
        f"<ToUserName>{cdata(to_user)}</ToUserName>"
        f"<FromUserName>{cdata(from_user)}</FromUserName>"
        f"<CreateTime>{moment}</CreateTime>"
        f"<MsgType>{cdata(kind)}</MsgType>"
    )


def render_text(to_user: str, from_user: str, text: str, create_time: int | None = None) -> str:
    """A text reply; text must already fit (see fit_text)."""
    head = _head(to_user, from_user, create_time, "text")
    return f"<xml>{head}<Content>{cdata(text)}</Content></xml>"


def render_news(
    to_user: str, from_user: str, article: NewsArticle, create_time: int | None = None
) -> str:
    """A news reply with exactly one article (a card that opens the URL)."""
    return (
        f"<xml>{_head(to_user, from_user, create_time, 'news')}"
        "<ArticleCount>1</ArticleCount><Articles><item>"
        f"<Title>{cdata(article.title)}</Title>"
        f"<Description>{cdata(article.description)}</Description>"
        f"<PicUrl>{cdata(article.picurl)}</PicUrl>"
        f"<Url>{cdata(article.url)}</Url>"
        "</item></Articles></xml>"
    )


def render_transfer(to_user: str, from_user: str, create_time: int | None = None) -> str:
    """Hand the conversation to the customer-service staff (消息转发到客服)."""
    return f"<xml>{_head(to_user, from_user, create_time, 'transfer_customer_service')}</xml>"
