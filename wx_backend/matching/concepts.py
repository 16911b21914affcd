"""Legal-concept tags: which of a small set of labor-law ideas (欠薪, 辞退, 工伤认定, 孕产哺乳 …)
a text is about, recognised by patterns over normalised text (content/dictionaries/concepts.yaml).

Words shared by chance (合同, 单位, 工资) make a long question look like many entries; the few
concepts it names say which entries can answer it. The matcher profiles every entry once and
penalises entries that lack the concepts a question carries.
"""

from __future__ import annotations

import math
import re
from array import array
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


class ConceptStrengths:
    """Build-only: how strongly each entry is about each concept, entry after entry (4 bytes
    per concept and entry kept, not the entry's texts).

    An entry's own question and keywords state what it is about (full strength); its similar
    questions vote by the share that mention a concept (similar_gain × share, at most 1); its
    answer, which also names neighbouring concepts in passing, counts at answer_share.
    """

    def __init__(self, tagger: ConceptTagger, *, similar_gain: float,
                 answer_share: float) -> None:
        self.tagger = tagger
        self._similar_gain = similar_gain
        self._answer_share = answer_share
        self._width = max(len(tagger), 1)
        self._rows = array("f")

    def __len__(self) -> int:
        return len(self._rows) // self._width

    def add(self, head: str, similar: Sequence[str], answer: str) -> None:
        """One entry: its normalised question + keywords, similar questions and answer."""
        tags = self.tagger.tags
        row = np.zeros(self._width, dtype=np.float32)
        for c in tags(head):
            row[c] = 1.0
        if similar:
            votes = np.zeros(self._width, dtype=np.float32)
            for text in similar:
                for c in tags(text):
                    votes[c] += 1.0
            np.maximum(row, np.minimum(self._similar_gain * votes / len(similar), 1.0), out=row)
        if answer and self._answer_share > 0:
            for c in tags(answer):
                row[c] = max(row[c], self._answer_share)
        self._rows.frombytes(row.tobytes())

    def take(self) -> npt.NDArray[np.float32]:
        """The entries × concepts strengths (at least one column); empties the rows."""
        strength = np.frombuffer(self._rows, dtype=np.float32).reshape(-1, self._width).copy() \
            if self._rows else np.zeros((0, self._width), dtype=np.float32)
        self._rows = array("f")
        return strength


class ConceptProfiles:
    """Per entry, how strongly it is about each concept, in [0, 1] (see ConceptStrengths)."""

    def __init__(self, strengths: ConceptStrengths) -> None:
        self._tagger = strengths.tagger
        strength = strengths.take()
        entries = strength.shape[0]
        # Concept-major copy: a question reads a few whole concept rows.
        self._by_concept = np.ascontiguousarray(strength.T)
        # A concept most entries carry says little about which entry fits: weigh by rarity.
        share = (strength > 0.5).sum(axis=0) / max(entries, 1)
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
