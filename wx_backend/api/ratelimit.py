"""Fixed-window rate limits per user and per IP, counted atomically in the store."""

from __future__ import annotations

from flask import current_app, request

from ..extensions import get_store
from .errors import ApiError

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


def client_ip() -> str:
    """The caller's address as the server saw it (behind a proxy, configure ProxyFix there)."""
    return request.remote_addr or "unknown"


def limit_ip() -> None:
    enforce("ip", client_ip(), int(current_app.config["API_RATE_IP"]))


def limit_user(user_key: str) -> None:
    """Per user, not per token: logging in again does not reset the count."""
    enforce("user", user_key, int(current_app.config["API_RATE_USER"]))
