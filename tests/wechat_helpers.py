"""Requests as WeChat's servers send them: real signatures, every message type, safe mode.

Written independently of wx_backend.wechat (plain hashlib and cryptography), so the tests
check the service against WeChat's algorithm rather than against itself.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import os
import socket
import struct
import time
from dataclasses import dataclass, field
from typing import Any

import xmltodict
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import TEST_TOKEN

ACCOUNT = "gh_0123456789ab"
TEST_APPID = "wx0123456789abcdef"
# A valid 43-character EncodingAESKey for tests (any 32 random bytes, base64 without '=').
TEST_AES_KEY = base64.b64encode(bytes(range(32))).decode().rstrip("=")
_msg_ids = itertools.count(7_000_000_000_000_000_000)


def wechat_signature(*parts: str) -> str:
    """SHA-1 over the lexicographically sorted, concatenated parts (WeChat's rule)."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def _cdata(value: str) -> str:
    return f"<![CDATA[{value}]]>"


def message(kind: str, user: str = "oUser0001", *, msg_id: int | None = None,
            create_time: int | None = None, **fields: str) -> str:
    """XML for one message; fields are added as <Name>value</Name> (CDATA)."""
    created = int(time.time()) if create_time is None else create_time
    parts = [f"<ToUserName>{_cdata(ACCOUNT)}</ToUserName>",
             f"<FromUserName>{_cdata(user)}</FromUserName>",
             f"<CreateTime>{created}</CreateTime>",
             f"<MsgType>{_cdata(kind)}</MsgType>"]
    parts += [f"<{name}>{_cdata(value)}</{name}>" for name, value in fields.items()]
    if kind != "event":
        parts.append(f"<MsgId>{next(_msg_ids) if msg_id is None else msg_id}</MsgId>")
    return "<xml>" + "".join(parts) + "</xml>"


def text(content: str, user: str = "oUser0001", **kw: Any) -> str:
    return message("text", user, Content=content, **kw)


def voice(recognition: str, user: str = "oUser0001", **kw: Any) -> str:
    return message("voice", user, MediaId="media-1", Format="amr", Recognition=recognition, **kw)


def image(user: str = "oUser0001", **kw: Any) -> str:
    return message("image", user, PicUrl="https://mmbiz.example/pic.jpg", MediaId="media-2", **kw)


def video(user: str = "oUser0001", **kw: Any) -> str:
    return message("video", user, MediaId="media-3", ThumbMediaId="thumb-3", **kw)


def shortvideo(user: str = "oUser0001", **kw: Any) -> str:
    return message("shortvideo", user, MediaId="media-4", ThumbMediaId="thumb-4", **kw)


def location(user: str = "oUser0001", **kw: Any) -> str:
    return message("location", user, Location_X="28.659", Location_Y="120.091", Scale="15",
                   Label="浙江省丽水市缙云县五云街道", **kw)


def link(user: str = "oUser0001", **kw: Any) -> str:
    return message("link", user, Title="一篇文章", Description="描述",
                   Url="https://example.org/a", **kw)


def file(user: str = "oUser0001", **kw: Any) -> str:
    return message("file", user, Title="合同.pdf", Description="", FileKey="k",
                   FileMd5="d41d8cd98f00b204e9800998ecf8427e", FileTotalLen="1024", **kw)


def event(name: str, key: str | None = None, user: str = "oUser0001", **kw: Any) -> str:
    fields = {"Event": name}
    if key is not None:
        fields["EventKey"] = key
    return message("event", user, **fields, **kw)


# ---- safe mode --------------------------------------------------------------------------
def aes_key_bytes(encoding_aes_key: str) -> bytes:
    return base64.b64decode(encoding_aes_key + "=")


def encrypt(plaintext: str, encoding_aes_key: str = TEST_AES_KEY, appid: str = TEST_APPID) -> str:
    """WeChat's scheme: AES-256-CBC(random16 + len(4, network order) + msg + appid), PKCS#7/32."""
    key = aes_key_bytes(encoding_aes_key)
    body = plaintext.encode()
    raw = os.urandom(16) + struct.pack("I", socket.htonl(len(body))) + body + appid.encode()
    pad = 32 - len(raw) % 32
    raw += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(raw) + encryptor.finalize()).decode()


def decrypt(ciphertext: str, encoding_aes_key: str = TEST_AES_KEY) -> tuple[str, str]:
    """Return (xml, appid) from an Encrypt field."""
    key = aes_key_bytes(encoding_aes_key)
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    raw = decryptor.update(base64.b64decode(ciphertext)) + decryptor.finalize()
    raw = raw[: -raw[-1]]
    length = socket.ntohl(struct.unpack("I", raw[16:20])[0])
    return raw[20 : 20 + length].decode(), raw[20 + length :].decode()


@dataclass
class WeChat:
    """Posts to /wechat as WeChat does, in plaintext, compatible or safe mode."""

    client: FlaskClient
    token: str = TEST_TOKEN
    mode: str = "plain"  # plain | compatible | safe
    aes_key: str = TEST_AES_KEY
    appid: str = TEST_APPID
    clock: Any = field(default=time.time)

    def query(self, encrypted: str | None = None, *, timestamp: int | None = None,
              nonce: str = "1320562132") -> dict[str, str]:
        stamp = str(int(self.clock()) if timestamp is None else timestamp)
        args = {"signature": wechat_signature(self.token, stamp, nonce), "timestamp": stamp,
                "nonce": nonce, "openid": "oUser0001"}
        if encrypted is not None:
            args["encrypt_type"] = "aes"
            args["msg_signature"] = wechat_signature(self.token, stamp, nonce, encrypted)
        return args

    def envelope(self, xml: str) -> tuple[dict[str, str], bytes]:
        if self.mode == "plain":
            return self.query(), xml.encode()
        encrypted = encrypt(xml, self.aes_key, self.appid)
        if self.mode == "compatible":
            inner = xml.removesuffix("</xml>")
            body = f"{inner}<Encrypt>{_cdata(encrypted)}</Encrypt></xml>"
        else:
            body = (f"<xml><ToUserName>{_cdata(ACCOUNT)}</ToUserName>"
                    f"<Encrypt>{_cdata(encrypted)}</Encrypt></xml>")
        return self.query(encrypted), body.encode()

    def post(self, xml: str) -> TestResponse:
        args, body = self.envelope(xml)
        return self.client.post("/wechat", query_string=args, data=body,
                                headers={"Content-Type": "text/xml"})

    def reply(self, xml: str) -> dict[str, Any] | None:
        """Post and return the reply's fields (decrypted in safe mode); None for success."""
        response = self.post(xml)
        assert response.status_code == 200, response.get_data(as_text=True)
        return read_reply(response.get_data(), self.aes_key, self.token)

    def reply_text(self, xml: str) -> str:
        fields = self.reply(xml)
        assert fields is not None and fields["MsgType"] == "text", fields
        return str(fields["Content"])


def read_reply(body: bytes, aes_key: str = TEST_AES_KEY, token: str = TEST_TOKEN,
               ) -> dict[str, Any] | None:
    """Decode a /wechat response body; verify the signature of an encrypted reply."""
    if body in (b"", b"success"):
        return None
    fields = xmltodict.parse(body.decode())["xml"]
    if "Encrypt" in fields:
        expected = wechat_signature(token, fields["TimeStamp"], fields["Nonce"], fields["Encrypt"])
        assert fields["MsgSignature"] == expected, "reply signature does not verify"
        xml, _appid = decrypt(fields["Encrypt"], aes_key)
        fields = xmltodict.parse(xml)["xml"]
    return dict(fields)
