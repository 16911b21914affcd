"""Fixed-window rate limits per user and per IP, counted atomically in the store."""

from __future__ import annotations

from .errors import ApiError
from ..extensions import get_store

WINDOW_SECONDS = 60


def enforce(kind: str, identity: str, limit: int) -> None:
    """Count one request for `identity`; 429 with Retry-After once `limit` is passed."""
    key = f"rl:{kind}:{identity}"
    store = get_store()
    count = store.incr(key, ttl=WINDOW_SECONDS)
    if count > limit:
        retry_after = store.ttl(key) or WINDOW_SECONDS
        raise ApiError(
            429,
            "rate_limited",
            f"too many requests: at most {limit} a minute per {kind}; retry in {retry_after} s",
            retry_after=max(1, retry_after),
        )
