"""WeChat's request signature: SHA-1 of the sorted, joined parts, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac


def sign(*parts: str) -> str:
    """Return WeChat's signature of parts (token, timestamp, nonce[, encrypted body])."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def signature_matches(expected_parts: tuple[str, ...], signature: str) -> bool:
    """True when signature is the signature of expected_parts (timing-safe comparison)."""
    computed = sign(*expected_parts)
    return hmac.compare_digest(computed.encode("ascii"), signature.strip().lower().encode("utf-8"))
