"""Safe mode (消息加解密): AES-256-CBC with the EncodingAESKey, via wechatpy's cipher."""

from __future__ import annotations

import base64
import binascii
import secrets
import string

from wechatpy.crypto import PrpCrypto

from wx_backend.wechat.signature import sign

_NONCE_ALPHABET = string.ascii_letters + string.digits


class DecryptError(ValueError):
    """The Encrypt field could not be decrypted for this account."""


class SafeModeCipher:
    """Encrypt and decrypt message bodies for one official account."""

    def __init__(self, token: str, encoding_aes_key: str, appid: str) -> None:
        try:
            key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("EncodingAESKey is not valid base64") from None
        if len(key) != 32:
            raise ValueError("EncodingAESKey must decode to 32 bytes (43 characters)")
        self._key = key
        self._token = token
        self._appid = appid

    def decrypt(self, encrypted: str) -> bytes:
        """Return the plaintext XML inside an Encrypt field; raise DecryptError on any fault."""
        try:
            text = PrpCrypto(self._key).decrypt(encrypted, self._appid)
        except Exception as exc:  # bad base64, padding, length or AppId: all mean "not ours"
            raise DecryptError(f"cannot decrypt: {type(exc).__name__}") from None
        return str(text).encode("utf-8")

    def encrypt(self, plaintext: str) -> str:
        """Return the base64 ciphertext of plaintext for this account."""
        return str(PrpCrypto(self._key).encrypt(plaintext, self._appid).decode("ascii"))

    def seal(self, reply_xml: str, timestamp: str, nonce: str) -> str:
        """Wrap a plaintext reply in the encrypted envelope WeChat expects."""
        encrypted = self.encrypt(reply_xml)
        signature = sign(self._token, timestamp, nonce, encrypted)
        return (
            "<xml>"
            f"<Encrypt><![CDATA[{encrypted}]]></Encrypt>"
            f"<MsgSignature><![CDATA[{signature}]]></MsgSignature>"
            f"<TimeStamp>{timestamp}</TimeStamp>"
            f"<Nonce><![CDATA[{nonce}]]></Nonce>"
            "</xml>"
        )


def new_nonce(length: int = 10) -> str:
    return "".join(secrets.choice(_NONCE_ALPHABET) for _ in range(length))
