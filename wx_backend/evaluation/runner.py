"""Load evaluation items, run a reply function over them, and aggregate figures by topic."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from wx_backend.evaluation.metrics import declined, fact_hit


@dataclass(frozen=True)
class Fact:
    """One thing a correct reply must state, as a regular expression."""

    key: str
    re: str
    basis: str = ""


@dataclass(frozen=True)
class EvalItem:
    """One evaluation question."""

    id: str
    question: str
    scope: str  # "in" or "out"
    topic: str = ""  # in scope
    area: str = ""  # out of scope
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class EvalReply:
    """What the user reads first, and what each offered choice would show."""

    first_reply: str
    choice_replies: list[str] = field(default_factory=list)
    outcome: str | None = None  # answer / choices / fallback / out_of_scope, when known


@dataclass(frozen=True)
class ItemResult:
    """How one item fared."""

    item: EvalItem
    reply: EvalReply
    first_hit: bool
    reachable: bool
    declined: bool
    fallback: bool


@dataclass(frozen=True)
class TopicFigures:
    """Figures for one topic (or all in-scope items)."""

    topic: str
    count: int
    first_hit: float
    reachable: float
    fallback: float


@dataclass(frozen=True)
class EvalReport:
    """All figures of one run."""

    name: str
    results: tuple[ItemResult, ...]
    topics: tuple[TopicFigures, ...]
    overall: TopicFigures
    out_of_scope_count: int
    out_of_scope_declined: float

    def misses(self) -> list[ItemResult]:
        """In-scope items whose first reply did not hit."""
        return [r for r in self.results if r.item.scope == "in" and not r.first_hit]


def load_eval_file(path: Path | str) -> list[EvalItem]:
    """Read a JSON-lines evaluation file."""
    items: list[EvalItem] = []
    for number, line in enumerate(Path(path).read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            items.append(EvalItem(
                id=str(raw["id"]),
                question=str(raw["q"]),
                scope=str(raw["scope"]),
                topic=str(raw.get("topic", "")),
                area=str(raw.get("area", "")),
                facts=tuple(Fact(str(f["key"]), str(f["re"]), str(f.get("basis", "")))
                            for f in raw.get("facts") or ()),
            ))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: line {number}: {exc}") from exc
    return items


def _is_fallback(reply: EvalReply, statute_names: Iterable[str]) -> bool:
    if reply.outcome is not None:
        return reply.outcome in ("fallback", "out_of_scope")
    return not reply.choice_replies and declined(reply.first_reply, statute_names)


def _figures(topic: str, results: Sequence[ItemResult]) -> TopicFigures:
    n = len(results)

    def share(flag: str) -> float:
        return sum(getattr(r, flag) for r in results) / n if n else 0.0

    return TopicFigures(topic, n, share("first_hit"), share("reachable"), share("fallback"))


def run_eval(
    items: Sequence[EvalItem],
    reply_fn: Callable[[str], EvalReply],
    *,
    name: str = "",
    statute_names: Iterable[str] = (),
) -> EvalReport:
    """Ask every question through reply_fn and score the replies."""
    names = tuple(statute_names)
    results: list[ItemResult] = []
    for item in items:
        reply = reply_fn(item.question)
        if item.scope == "in":
            first = fact_hit(reply.first_reply, item.question, item.facts)
            reachable = first or any(
                fact_hit(text, item.question, item.facts) for text in reply.choice_replies
            )
            results.append(ItemResult(item, reply, first, reachable, False,
                                      _is_fallback(reply, names)))
        else:
            results.append(ItemResult(item, reply, False, False,
                                      declined(reply.first_reply, names), False))
    inside = [r for r in results if r.item.scope == "in"]
    outside = [r for r in results if r.item.scope != "in"]
    topics = sorted({r.item.topic for r in inside})
    per_topic = tuple(_figures(t, [r for r in inside if r.item.topic == t]) for t in topics)
    declined_share = sum(r.declined for r in outside) / len(outside) if outside else 0.0
    return EvalReport(name, tuple(results), per_topic, _figures("全部", inside), len(outside),
                      declined_share)
