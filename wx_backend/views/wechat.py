"""/wechat: the official account's server URL. Read args, verify, parse, reply — never a 500."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, request

from ..dialogue.turn import reply_to
from ..wechat import Endpoint, MalformedMessage, Rejected
from ..wechat.edge import SUCCESS

bp = Blueprint("wechat", __name__)
log = logging.getLogger(__name__)


def endpoint() -> Endpoint:
    """The app's protocol endpoint, configured once from PUFA_WECHAT_* settings."""
    cached: Endpoint | None = current_app.extensions.get("pufa_wechat_endpoint")
    if cached is None:
        config = current_app.config
        cached = Endpoint(
            config["WECHAT_TOKEN"],
            aes_key=config.get("WECHAT_AES_KEY") or "",
            appid=config.get("WECHAT_APPID") or "",
            max_body_bytes=int(config["MAX_BODY_BYTES"]),
            timestamp_tolerance=int(config["TIMESTAMP_TOLERANCE"]),
        )
        current_app.extensions["pufa_wechat_endpoint"] = cached
    return cached


def _plain(body: bytes | str, status: int = 200) -> Response:
    return Response(body, status=status, mimetype="text/plain")


def _rejected(exc: Rejected) -> Response:
    log.warning("/wechat rejected from %s: %s", request.remote_addr, exc.reason)
    return _plain(exc.reason, exc.status)


@bp.get("/wechat")
def verify() -> Response:
    try:
        return _plain(endpoint().verify_url(request.args))
    except Rejected as exc:
        return _rejected(exc)


@bp.post("/wechat")
def receive() -> Response:
    limit = int(current_app.config["MAX_BODY_BYTES"])
    if (request.content_length or 0) > limit:
        return _rejected(Rejected(413, "body too large"))
    body = request.stream.read(limit + 1)
    try:
        edge = endpoint()
        envelope = edge.open(request.args, body)
    except Rejected as exc:
        return _rejected(exc)
    except MalformedMessage as exc:
        log.warning("/wechat malformed message: %s", exc)
        return _plain(SUCCESS)
    message = envelope.message
    if message.kind == "unknown":
        log.info("/wechat ignored a message of an unknown type from %s", message.account)
        return _plain(SUCCESS)
    try:
        base = current_app.config.get("PUBLIC_BASE_URL") or request.url_root
        reply = reply_to(message, base.rstrip("/"))
        if not reply:
            return _plain(SUCCESS)
        return Response(edge.seal(envelope, reply), mimetype="application/xml")
    except Exception:
        # Never a 500: WeChat would show "该公众号暂时无法提供服务" to the worker.
        log.exception("/wechat failed on a message")
        return _plain(SUCCESS)
