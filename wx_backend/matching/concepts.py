"""Legal-concept tags: which of a small set of labor-law ideas (欠薪, 辞退, 工伤认定, 孕产哺乳 …)
a text is about, recognised by patterns over normalised text (content/dictionaries/concepts.yaml).

Words shared by chance (合同, 单位, 工资) make a long question look like many entries; the few
concepts it names say which entries can answer it. The matcher profiles every entry once and
penalises entries that lack the concepts a question carries.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence

import numpy as np
import numpy.typing as npt


class ConceptTagger:
    """Tag normalised text with concept indexes; immutable and thread-safe once built."""

    def __init__(self, concepts: Mapping[str, Sequence[str]],
                 status: Collection[str] = ()) -> None:
        self.names = tuple(concepts)
        self.status = frozenset(i for i, name in enumerate(self.names) if name in status)
        self._patterns = tuple(re.compile("|".join(f"(?:{p})" for p in patterns))
                               for patterns in concepts.values())

    def __len__(self) -> int:
        return len(self.names)

    def tags(self, normalized: str) -> list[int]:
        """Return the indexes of the concepts normalised text mentions."""
        return [i for i, pattern in enumerate(self._patterns) if pattern.search(normalized)]


class ConceptProfiles:
    """Per entry, how strongly it is about each concept, in [0, 1].

    An entry's own question and keywords state what it is about (full strength); its similar
    questions vote by the share that mention a concept; its answer, which also names
    neighbouring concepts in passing, counts at answer_share.
    """

    def __init__(self, tagger: ConceptTagger, entries: Sequence[tuple[str, Sequence[str], str]],
                 *, similar_gain: float, answer_share: float) -> None:
        """entries: (normalised question + keywords, normalised similar questions, normalised
        answer) per entry."""
        self._tagger = tagger
        k = len(tagger)
        strength = np.zeros((len(entries), max(k, 1)), dtype=np.float32)
        for row, (head, similar, answer) in enumerate(entries):
            for c in tagger.tags(head):
                strength[row, c] = 1.0
            if similar:
                votes = np.zeros(max(k, 1), dtype=np.float32)
                for text in similar:
                    for c in tagger.tags(text):
                        votes[c] += 1.0
                np.maximum(strength[row], np.minimum(similar_gain * votes / len(similar), 1.0),
                           out=strength[row])
            if answer and answer_share > 0:
                for c in tagger.tags(answer):
                    strength[row, c] = max(strength[row, c], answer_share)
        self.strength = strength
        # Concept-major copy: a question reads a few whole concept rows.
        self._by_concept = np.ascontiguousarray(strength.T)
        # A concept most entries carry says little about which entry fits: weigh by rarity.
        share = (strength > 0.5).sum(axis=0) / max(len(entries), 1)
        self.weight = np.asarray([math.log(1.0 + 1.0 / max(float(s), 0.02)) for s in share],
                                 dtype=np.float32)

    def disagreement(self, concepts: Sequence[int], rows: npt.NDArray[np.int64]
                     ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Return, for each entry in rows, (missing, status): the rarity-weighted share of the
        question's concepts the entry lacks, and how far, on average, it lacks the status
        concepts the question states (0: carries them all; 1: none of them)."""
        zero = np.zeros(rows.size, dtype=np.float64)
        if not concepts or rows.size == 0:
            return zero, zero
        cols = np.asarray(concepts, dtype=np.int64)
        w = self.weight[cols].astype(np.float64)
        sub = self._by_concept[cols][:, rows].astype(np.float64)  # concepts × rows
        missing = 1.0 - (w @ sub) / max(float(w.sum()), 1e-9)
        status = [i for i, c in enumerate(concepts) if c in self._tagger.status]
        if not status:
            return missing, zero
        return missing, 1.0 - sub[status].mean(axis=0)
