"""The numbered options a user was last shown, kept per user for 10 minutes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal, Protocol

TTL_SECONDS = 600
Kind = Literal["entries", "topics"]


class KeyValueStore(Protocol):
    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str, ttl: int) -> None: ...


@dataclass(frozen=True)
class Suggestions:
    kind: Kind  # entries: FAQ entry ids; topics: topic names
    items: tuple[str, ...]


def _key(user_id: str) -> str:
    return f"dlg:sugg:{user_id}"


def remember(store: KeyValueStore, user_id: str, suggestions: Suggestions) -> None:
    payload = json.dumps({"kind": suggestions.kind, "items": list(suggestions.items)},
                         ensure_ascii=False)
    store.set(_key(user_id), payload, TTL_SECONDS)


def recall(store: KeyValueStore, user_id: str) -> Suggestions | None:
    raw = store.get(_key(user_id))
    if not raw:
        return None
    try:
        data = json.loads(raw)
        kind = data["kind"]
        items = tuple(str(item) for item in data["items"])
    except (ValueError, KeyError, TypeError):
        return None
    if kind not in ("entries", "topics"):
        return None
    return Suggestions(kind, items)
