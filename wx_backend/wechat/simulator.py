"""Build signed requests the way WeChat's servers do, and read the replies back.

Used by the demo try-it page (the server signs on the browser's behalf, so the token never
reaches the browser) and by the benchmark.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from wx_backend.wechat.crypto import SafeModeCipher, new_nonce
from wx_backend.wechat.messages import parse_xml
from wx_backend.wechat.replies import cdata
from wx_backend.wechat.signature import sign


def message_xml(
    *, kind: str, user: str, account: str, create_time: int, msg_id: int | None = None,
    text: str = "", event: str = "", event_key: str = "",
) -> str:
    """The plaintext XML of a user's text/voice message or an event."""
    fields = [
        f"<ToUserName>{cdata(account)}</ToUserName>",
        f"<FromUserName>{cdata(user)}</FromUserName>",
        f"<CreateTime>{create_time}</CreateTime>",
        f"<MsgType>{cdata(kind)}</MsgType>",
    ]
    if kind == "text":
        fields.append(f"<Content>{cdata(text)}</Content>")
    elif kind == "voice":
        fields += [f"<MediaId>{cdata('sim-media')}</MediaId>", f"<Format>{cdata('amr')}</Format>",
                   f"<Recognition>{cdata(text)}</Recognition>"]
    elif kind == "event":
        fields.append(f"<Event>{cdata(event)}</Event>")
        if event_key:
            fields.append(f"<EventKey>{cdata(event_key)}</EventKey>")
    if msg_id is not None:
        fields.append(f"<MsgId>{msg_id}</MsgId>")
    return "<xml>" + "".join(fields) + "</xml>"


@dataclass(frozen=True)
class SignedRequest:
    query: dict[str, str]
    body: bytes


def signed_request(xml: str, token: str, cipher: SafeModeCipher | None = None,
                   now: int | None = None) -> SignedRequest:
    """Sign (and in safe mode encrypt) a message exactly as WeChat does."""
    timestamp = str(int(time.time()) if now is None else now)
    nonce = new_nonce()
    query = {"timestamp": timestamp, "nonce": nonce, "signature": sign(token, timestamp, nonce),
             "openid": "sim"}
    if cipher is None:
        return SignedRequest(query, xml.encode("utf-8"))
    encrypted = cipher.encrypt(xml)
    query.update(encrypt_type="aes", msg_signature=sign(token, timestamp, nonce, encrypted))
    body = f"<xml><ToUserName>{cdata('sim')}</ToUserName><Encrypt>{cdata(encrypted)}</Encrypt>"
    body += "</xml>"
    return SignedRequest(query, body.encode("utf-8"))


def read_reply(body: bytes, cipher: SafeModeCipher | None = None) -> dict[str, Any] | None:
    """Decode a reply into its fields (decrypting in safe mode); None for "success"/empty."""
    if body.strip() in (b"", b"success"):
        return None
    fields = parse_xml(body)
    if "Encrypt" in fields and cipher is not None:
        fields = parse_xml(cipher.decrypt(str(fields["Encrypt"])))
    return fields
