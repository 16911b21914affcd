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
    """The caller's address: behind N trusted proxies, the address the outermost one saw.

    Behind nginx every request comes from 127.0.0.1, so all workers would share one IP
    window. Each proxy appends the address it received from to X-Forwarded-For; only the
    last N entries are written by our proxies (anything further left the client can forge).
    """
    hops = int(current_app.config.get("API_TRUSTED_PROXIES") or 0)
    if hops > 0:
        chain = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
        chain = [part for part in chain if part]
        if len(chain) >= hops:
            return chain[-hops]
    return request.remote_addr or "unknown"


def limit_ip() -> None:
    enforce("ip", client_ip(), int(current_app.config["API_RATE_IP"]))


def limit_user(user_key: str) -> None:
    """Per user, not per token: logging in again does not reset the count."""
    enforce("user", user_key, int(current_app.config["API_RATE_USER"]))
