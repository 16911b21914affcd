"""Out-of-scope detection: evidence that a question is a non-labor legal matter."""

from __future__ import annotations

import re

from wx_backend.matching.text import char_normalize


class ScopeDetector:
    """Weigh out-of-domain words (离婚, 遗产, 车祸 …) against labor anchors (工伤, 上班 …)."""

    def __init__(self, out_of_domain: dict[str, float], anchors: dict[str, float]) -> None:
        self._ood = {char_normalize(k): v for k, v in out_of_domain.items()}
        self._anchors = {char_normalize(k): v for k, v in anchors.items()}
        self._ood_re = _alternation(self._ood)
        self._anchor_re = _alternation(self._anchors)

    def evidence(self, text: str) -> float:
        """Return out-of-domain weight minus labor-anchor weight (each word counted once)."""
        text = char_normalize(text)
        ood = sum(self._ood[w] for w in _found(self._ood_re, text))
        if ood <= 0:
            return 0.0
        labor = sum(self._anchors[w] for w in _found(self._anchor_re, text))
        return ood - labor


def _found(pattern: re.Pattern[str] | None, text: str) -> set[str]:
    return set(pattern.findall(text)) if pattern is not None else set()


def _alternation(words: dict[str, float]) -> re.Pattern[str] | None:
    ordered = sorted(words, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered))) if ordered else None
