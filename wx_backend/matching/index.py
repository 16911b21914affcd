"""An inverted index for one scoring channel: BM25 weights with Lucene IDF, impact-ordered
postings (largest weight first) so a query reads at most `cap` postings per term."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int32]


@dataclass(frozen=True)
class ChannelHits:
    """Per-sentence accumulators of one channel for one query (sentences sorted by id)."""

    sentences: IntArray
    weight: FloatArray  # Σ BM25 term weights of the matched terms
    idf: FloatArray  # Σ IDF of the matched terms
    query_idf: float  # Σ IDF of all query terms (unknown terms at the maximum IDF × factor)


class ChannelIndex:
    """Inverted index over tokenised sentences; immutable after construction."""

    def __init__(self, sentences: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75,
                 cap: int = 1000, unknown_factor: float = 1.0) -> None:
        self.size = len(sentences)
        self.cap = cap
        vocab: dict[str, int] = {}
        term_ids: list[int] = []
        sent_ids: list[int] = []
        tfs: list[int] = []
        lengths = np.zeros(self.size, dtype=np.float32)
        for sid, tokens in enumerate(sentences):
            counts = Counter(tokens)
            lengths[sid] = len(tokens)
            for term, tf in counts.items():
                term_ids.append(vocab.setdefault(term, len(vocab)))
                sent_ids.append(sid)
                tfs.append(tf)
        self.vocab = vocab
        t = np.asarray(term_ids, dtype=np.int32)
        s = np.asarray(sent_ids, dtype=np.int32)
        f = np.asarray(tfs, dtype=np.float32)
        n = max(self.size, 1)
        df = np.bincount(t, minlength=len(vocab)).astype(np.float32)
        # Lucene's IDF: never negative, unlike the original Robertson–Spärck Jones form.
        self.idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        self.unknown_idf = float(math.log1p((n + 0.5) / 0.5)) * unknown_factor
        avgdl = float(lengths.mean()) if self.size else 1.0
        norm = k1 * (1 - b + b * lengths[s] / max(avgdl, 1e-9))
        weights = (self.idf[t] * f * (k1 + 1) / (f + norm)).astype(np.float32)
        self.self_weight = np.bincount(s, weights=weights, minlength=self.size).astype(np.float32)
        # CSR by term, each term's postings in descending weight (impact order).
        order = np.lexsort((-weights, t))
        self.postings = s[order]
        self.weights = weights[order]
        self.offsets = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(df.astype(np.int64), out=self.offsets[1:])

    def search(self, tokens: Sequence[str]) -> ChannelHits:
        """Accumulate the query's terms (each counted once) over the postings."""
        id_parts: list[IntArray] = []
        weight_parts: list[FloatArray] = []
        idf_parts: list[FloatArray] = []
        query_idf = 0.0
        for term in dict.fromkeys(tokens):
            tid = self.vocab.get(term)
            if tid is None:
                query_idf += self.unknown_idf
                continue
            idf = float(self.idf[tid])
            query_idf += idf
            start = int(self.offsets[tid])
            end = min(int(self.offsets[tid + 1]), start + self.cap)
            id_parts.append(self.postings[start:end])
            weight_parts.append(self.weights[start:end])
            idf_parts.append(np.full(end - start, idf, dtype=np.float32))
        if not id_parts:
            empty = np.zeros(0, dtype=np.float32)
            return ChannelHits(np.zeros(0, dtype=np.int32), empty, empty, query_idf)
        ids = np.concatenate(id_parts)
        sentences, inverse = np.unique(ids, return_inverse=True)
        weight = np.bincount(inverse, weights=np.concatenate(weight_parts)).astype(np.float32)
        idf_sum = np.bincount(inverse, weights=np.concatenate(idf_parts)).astype(np.float32)
        return ChannelHits(sentences.astype(np.int32), weight, idf_sum, query_idf)
