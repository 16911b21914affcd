"""Mini-program sessions: wx.login code → code2session → a short-lived signed bearer token.

The token carries only a random session id; the openid and session_key stay in the store
(Redis in production, shared by every worker) and never leave the server.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from flask import current_app, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..extensions import get_store
from .errors import unauthorized

SALT = "pufa-miniprogram-session"


@dataclass(frozen=True)
class MiniSession:
    session_id: str
    openid: str


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_ttl() -> int:
    return int(current_app.config["API_TOKEN_TTL"])


def issue(openid: str, session_key: str) -> tuple[str, int]:
    """Start a session for `openid` and return (bearer token, seconds it stays valid)."""
    session_id = secrets.token_urlsafe(18)
    ttl = token_ttl()
    record = json.dumps({"openid": openid, "session_key": session_key})
    get_store().set(f"mp:session:{session_id}", record, ttl=ttl)
    return _serializer().dumps(session_id), ttl


def resolve(token: str) -> MiniSession:
    """The session behind a bearer token; 401 with a precise reason otherwise."""
    try:
        session_id = str(_serializer().loads(token, max_age=token_ttl()))
    except SignatureExpired:
        raise unauthorized("token expired: call POST /api/v1/session again") from None
    except BadSignature:
        raise unauthorized("token invalid") from None
    stored = get_store().get(f"mp:session:{session_id}")
    if stored is None:
        raise unauthorized("session ended: call POST /api/v1/session again")
    return MiniSession(session_id=session_id, openid=str(json.loads(stored)["openid"]))


def current_session() -> MiniSession:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("missing bearer token: send Authorization: Bearer <token>")
    return resolve(token.strip())
