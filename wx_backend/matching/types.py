"""The engine's input and output types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Outcome = Literal["answer", "choices", "fallback", "out_of_scope"]


@dataclass(frozen=True)
class Document:
    """One FAQ entry as the engine sees it."""

    id: str
    topic: str
    question: str
    similar: tuple[str, ...]
    keywords: tuple[str, ...]
    # The answer text, when the caller has it: read by the topic model and the
    # entry-document channel (it names the legal concepts a story-like question uses).
    answer: str = ""


@dataclass(frozen=True)
class Candidate:
    """One ranked entry; score is the fused similarity in [0, 1]."""

    entry_id: str
    topic: str
    score: float


@dataclass(frozen=True)
class Decision:
    """What to do with a question: answer, offer choices, fall back, or decline."""

    outcome: Outcome
    candidates: tuple[Candidate, ...]
    normalized_text: str


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds, tuned on the dev set (see bench/ranking_diagnostics.py)."""

    answer: float = 0.45  # top score needed to answer directly
    margin: float = 0.06  # and its lead over the next different entry
    lead_ratio: float = 0.95  # and the next entry scoring at most this share of it
    choices: float = 0.17  # top score needed to offer choices (a guess, framed as one)
    choice_ratio: float = 0.7  # a choice must score at least this share of the top score
    max_choices: int = 3
    out_of_scope: float = 1.0  # out-of-domain evidence needed to decline
    # A strong FAQ match keeps a question in scope despite out-of-domain words: a rider hit by
    # a car, an IOU for wages, a dismissal after 拘留 are labor questions. Up to
    # out_of_scope_firm evidence a match of match_keeps_in_scope is enough, beyond it a match
    # of match_keeps_firm. (On dev no out-of-scope question scores above 0.41 with evidence up
    # to 3, nor above 0.52 with more.)
    out_of_scope_firm: float = 3.0
    match_keeps_in_scope: float = 0.5
    match_keeps_firm: float = 0.65
