"""Group near-identical questions: character-bigram Jaccard similarity, no dictionary needed.

Workers phrase the same unanswered question many ways ("包工头跑了工资找谁要" /
"包工头跑路了工资问谁要"); staff want one line per question with a count, so they know
which FAQ entry to write next. Bigrams are robust to word order and typos and need no
segmentation, and an inverted index keeps grouping a few thousand texts fast.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

# Scrubbing tags ([电话], [姓名]…) and punctuation say nothing about what was asked.
_TAG = re.compile(r"\[[^\]]{1,6}\]")
_NOISE = re.compile(r"[^\w\u4e00-\u9fff]+|_")
_PARTICLES = re.compile(r"[啊呀吧呢吗嘛哦噢哈啦了的]")


def normalise(text: str) -> str:
    """Lower-case, half-width text without tags, punctuation, spaces or modal particles."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _TAG.sub("", text)
    text = _NOISE.sub("", text)
    return _PARTICLES.sub("", text)


def bigrams(text: str) -> frozenset[str]:
    norm = normalise(text)
    if len(norm) < 2:
        return frozenset({norm}) if norm else frozenset()
    return frozenset(norm[i:i + 2] for i in range(len(norm) - 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass
class QuestionGroup:
    """Questions that say the same thing; `example` is the most frequent wording."""

    example: str
    count: int
    variants: list[str] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)


def group_questions(
    rows: Iterable[tuple[str, str, int]], threshold: float = 0.5, max_variants: int = 5
) -> list[QuestionGroup]:
    """Group (text, outcome, count) rows; biggest groups first.

    Greedy single pass in descending frequency: a text joins the first group whose example
    shares at least `threshold` of their bigrams, else starts a new group.
    """
    ordered = sorted(rows, key=lambda row: (-row[2], row[0]))
    groups: list[QuestionGroup] = []
    shapes: list[frozenset[str]] = []
    index: dict[str, list[int]] = defaultdict(list)
    by_norm: dict[str, int] = {}
    for text, outcome, count in ordered:
        norm = normalise(text)
        if not norm:
            continue
        target = by_norm.get(norm)
        shape = bigrams(text)
        if target is None:
            target = _best_match(shape, shapes, index, threshold)
        if target is None:
            target = len(groups)
            groups.append(QuestionGroup(example=text, count=0))
            shapes.append(shape)
            for gram in shape:
                index[gram].append(target)
        by_norm.setdefault(norm, target)
        group = groups[target]
        group.count += count
        group.outcomes[outcome] = group.outcomes.get(outcome, 0) + count
        if text != group.example and len(group.variants) < max_variants:
            group.variants.append(text)
    return sorted(groups, key=lambda g: (-g.count, g.example))


def _best_match(
    shape: frozenset[str],
    shapes: list[frozenset[str]],
    index: dict[str, list[int]],
    threshold: float,
) -> int | None:
    # Count shared bigrams through the inverted index; Jaccard follows from the counts.
    shared: dict[int, int] = defaultdict(int)
    for gram in shape:
        for candidate in index.get(gram, ()):
            shared[candidate] += 1
    best, best_score = None, threshold
    for candidate, common in sorted(shared.items()):
        score = common / (len(shape) + len(shapes[candidate]) - common)
        if score > best_score or (best is None and score >= best_score):
            best, best_score = candidate, score
    return best
