"""One endpoint's protocol rules: which requests are WeChat's, what they say, how to answer.

`Endpoint.open()` goes from (query args, body bytes) to an `Envelope` holding the typed
message; `Endpoint.seal()` goes from reply XML to response bytes (encrypted in safe mode).
Requests that are not from WeChat raise `Rejected` (a 4xx); authentic bodies that are not a
message raise `MalformedMessage` (logged and answered "success" by the caller).
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass

from wx_backend.wechat.crypto import DecryptError, SafeModeCipher
from wx_backend.wechat.messages import Inbound, MalformedMessage, message_from_fields, parse_xml
from wx_backend.wechat.signature import signature_matches

_DIGITS = re.compile(r"\d{1,12}")
_NONCE = re.compile(r"[0-9A-Za-z_\-]{1,64}")
SUCCESS = b"success"


class Rejected(Exception):
    """The request is not an authentic, fresh WeChat request."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Envelope:
    """An authentic message and what is needed to answer it the same way it came."""

    message: Inbound
    encrypted: bool
    timestamp: str
    nonce: str


class Endpoint:
    """Verify, decrypt and parse requests for one official account, and seal replies."""

    def __init__(self, token: str, *, aes_key: str = "", appid: str = "",
                 max_body_bytes: int = 64 * 1024, timestamp_tolerance: int = 300) -> None:
        if not token:
            raise ValueError("the WeChat token is required")
        self.token = token
        self.max_body_bytes = max_body_bytes
        self.timestamp_tolerance = timestamp_tolerance
        self.cipher = SafeModeCipher(token, aes_key, appid) if aes_key else None

    def _fresh(self, args: Mapping[str, str], now: float | None) -> tuple[str, str]:
        timestamp = args.get("timestamp", "")
        nonce = args.get("nonce", "")
        if not _DIGITS.fullmatch(timestamp) or not _NONCE.fullmatch(nonce):
            raise Rejected(400, "timestamp and nonce are required")
        current = time.time() if now is None else now
        if abs(current - int(timestamp)) > self.timestamp_tolerance:
            raise Rejected(403, "stale timestamp")
        return timestamp, nonce

    def verify_url(self, args: Mapping[str, str], now: float | None = None) -> str:
        """Answer the console's URL check: return echostr when the signature is right."""
        timestamp, nonce = self._fresh(args, now)
        if not signature_matches((self.token, timestamp, nonce), args.get("signature", "")):
            raise Rejected(403, "bad signature")
        echostr = args.get("echostr", "")
        if not echostr or len(echostr) > 256:
            raise Rejected(400, "echostr is required")
        return echostr

    def open(self, args: Mapping[str, str], body: bytes, now: float | None = None) -> Envelope:
        """Authenticate and parse one pushed message (plaintext, compatible or safe mode)."""
        if len(body) > self.max_body_bytes:
            raise Rejected(413, "body too large")
        timestamp, nonce = self._fresh(args, now)
        if args.get("encrypt_type", "raw").lower() == "aes":
            return self._open_encrypted(args, body, timestamp, nonce)
        if not signature_matches((self.token, timestamp, nonce), args.get("signature", "")):
            raise Rejected(403, "bad signature")
        return Envelope(message_from_fields(parse_xml(body)), False, timestamp, nonce)

    def _open_encrypted(
        self, args: Mapping[str, str], body: bytes, timestamp: str, nonce: str
    ) -> Envelope:
        if self.cipher is None:
            # Compatible mode still carries the plaintext fields; answer in plaintext.
            if not signature_matches((self.token, timestamp, nonce), args.get("signature", "")):
                raise Rejected(403, "bad signature")
            fields = parse_xml(body)
            if "MsgType" not in fields:
                raise MalformedMessage("safe-mode message but PUFA_WECHAT_AES_KEY is not set")
            return Envelope(message_from_fields(fields), False, timestamp, nonce)
        msg_signature = args.get("msg_signature", "")
        if not msg_signature:
            raise Rejected(403, "msg_signature is required in safe mode")
        # The envelope is parsed before its signature can be checked: the signature covers
        # the Encrypt field. parse_xml refuses DTDs, so this parse is safe on any input.
        try:
            outer = parse_xml(body)
        except MalformedMessage:
            raise Rejected(400, "not a safe-mode envelope") from None
        encrypted = outer.get("Encrypt")
        if not isinstance(encrypted, str) or not encrypted:
            raise Rejected(400, "Encrypt is required in safe mode")
        if not signature_matches((self.token, timestamp, nonce, encrypted), msg_signature):
            raise Rejected(403, "bad msg_signature")
        try:
            inner = self.cipher.decrypt(encrypted)
        except DecryptError as exc:
            raise MalformedMessage(str(exc)) from None
        return Envelope(message_from_fields(parse_xml(inner)), True, timestamp, nonce)

    def seal(self, envelope: Envelope, reply_xml: str) -> bytes:
        """Return the response body for a reply: encrypted when the request was."""
        if not reply_xml:
            return SUCCESS
        if envelope.encrypted and self.cipher is not None:
            return self.cipher.seal(reply_xml, envelope.timestamp, envelope.nonce).encode("utf-8")
        return reply_xml.encode("utf-8")
