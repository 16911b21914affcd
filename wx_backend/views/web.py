"""Public pages: the landing page (or, in demo mode, the try-it chat) and the FAQ H5 pages."""

from __future__ import annotations

import re
import time
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from markdown_it import MarkdownIt
from markupsafe import Markup
from werkzeug.test import Client

from ..dialogue.service import app_brain
from ..extensions import get_site
from ..laws import parse_citation
from ..wechat.crypto import SafeModeCipher
from ..wechat.simulator import message_xml, read_reply, signed_request

bp = Blueprint("web", __name__)
# HTML in content is never rendered: FAQ detail is Markdown written by staff.
_markdown = MarkdownIt("commonmark", {"html": False})
_SIM_USER = re.compile(r"[A-Za-z0-9_-]{6,40}")
_SIM_EVENTS = {"subscribe", "click", "scan"}
SIM_ACCOUNT = "gh_pufa_demo"
TRY_MENU = (  # the bottom menu of the simulated account: (label, CLICK key)
    ("常见问题", "MENU"),
    ("工伤", "TOPIC_GSRD"),
    ("欠薪", "TOPIC_QX"),
    ("转人工", "HUMAN"),
)


@bp.after_request
def _security_headers(response: Response) -> Response:
    # Everything is served from here: no CDN, no inline script.
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


@bp.get("/")
def index() -> ResponseReturnValue:
    site = get_site()
    if current_app.config.get("DEMO"):
        return render_template("web/try.html", site=site, menu=TRY_MENU)
    return render_template("web/landing.html", site=site)


@bp.get("/faq/<entry_id>")
def faq_page(entry_id: str) -> ResponseReturnValue:
    brain = app_brain(current_app._get_current_object())  # type: ignore[attr-defined]
    entry = brain.entry(entry_id)
    if entry is None:
        abort(404)
    site = get_site()
    basis = []
    for text in entry.basis:
        article = None
        if brain.laws is not None:
            try:
                article = brain.laws.resolve(parse_citation(text))
            except ValueError:
                article = None
        basis.append({"citation": text, "text": article.text if article else ""})
    related_faq = [e for r in entry.related if (e := brain.entry(r)) is not None]
    lookup = current_app.extensions.get("pufa_case_lookup")
    cases = []
    if lookup is not None:
        for slug in entry.related:
            if brain.entry(slug) is None and (found := lookup(slug)):
                cases.append({"title": found[0], "url": found[1]})
    return render_template(
        "web/faq.html",
        site=site,
        entry=entry,
        answer=site.fill(entry.answer),
        detail=Markup(_markdown.render(site.fill(entry.detail))),
        basis=basis,
        related=related_faq,
        cases=cases,
    )


@bp.post("/try/send")
def try_send() -> ResponseReturnValue:
    """Demo only: sign the browser's message as WeChat would and post it to /wechat."""
    if not current_app.config.get("DEMO"):
        abort(404)
    data: dict[str, Any] = request.get_json(silent=True) or {}
    user = str(data.get("user", ""))
    kind = str(data.get("kind", "text"))
    if not _SIM_USER.fullmatch(user) or kind not in {"text", "voice", "event"}:
        return jsonify(error="user (6-40 letters/digits) and kind text|voice|event required"), 400
    text = str(data.get("text", ""))[:600]
    event = str(data.get("event", "")).lower()
    if kind == "event" and event not in _SIM_EVENTS:
        return jsonify(error="event must be subscribe, click or scan"), 400
    now = int(time.time())
    xml = message_xml(
        kind=kind, user=f"sim-{user}", account=SIM_ACCOUNT, create_time=now,
        msg_id=None if kind == "event" else time.time_ns() // 1000, text=text,
        event=event, event_key=str(data.get("key", ""))[:64],
    )
    config = current_app.config
    cipher = (SafeModeCipher(config["WECHAT_TOKEN"], config["WECHAT_AES_KEY"],
                             config["WECHAT_APPID"]) if config.get("WECHAT_AES_KEY") else None)
    signed = signed_request(xml, config["WECHAT_TOKEN"], cipher, now=now)
    # Through the whole WSGI app, exactly as WeChat's request would arrive.
    # base_url keeps the browser's host and port, so links in replies open from the phone page.
    response = Client(current_app._get_current_object()).post(  # type: ignore[attr-defined]
        "/wechat", query_string=signed.query, data=signed.body,
        headers={"Content-Type": "text/xml"}, base_url=request.host_url,
    )
    if response.status_code != 200:
        return jsonify(error=f"/wechat answered {response.status_code}"), 502
    return jsonify(replies=_display(read_reply(response.get_data(), cipher)),
                   safe_mode=cipher is not None)


def _display(fields: dict[str, Any] | None) -> list[dict[str, str]]:
    """What the WeChat client shows for a reply."""
    if fields is None:
        return []
    kind = str(fields.get("MsgType", ""))
    if kind == "text":
        return [{"type": "text", "text": str(fields.get("Content", ""))}]
    if kind == "transfer_customer_service":
        return [{"type": "system", "text": "已转接人工客服，工作人员会在这里回复您。"}]
    if kind == "news":
        item = (fields.get("Articles") or {}).get("item") or {}
        return [{"type": "news", "title": str(item.get("Title", "")),
                 "description": str(item.get("Description", "")), "url": str(item.get("Url", ""))}]
    return [{"type": "system", "text": f"（{kind} 消息）"}]
