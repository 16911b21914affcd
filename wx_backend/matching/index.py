"""An inverted index for one scoring channel: BM25 weights with Lucene IDF, impact-ordered
postings (largest weight first) so a query reads at most `cap` postings per term."""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
Float64Array = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int32]
# Dense per-sentence accumulators while a question's postings number at least 1/DENSE_SHARE
# of the sentences; a sorted union of the matched sentences below that.
DENSE_SHARE = 4
# Max pooling sums over every sentence while the sentences matched number at least
# 1/POOL_DENSE_SHARE of them; over the sorted union of the matched ones below that.
POOL_DENSE_SHARE = 32
# Postings read per query term: a term's top CAP (impact order) in indexes of up to
# CAP_FULL_SIZE sentences (the shipped FAQ has about 7,000); beyond that the cap shrinks with
# the square root of the index, so a question's work stays bounded on very large FAQs.
CAP = 1000
CAP_FULL_SIZE = 10_000
CAP_MIN = 100


def default_cap(size: int) -> int:
    """The per-term posting cap for an index of `size` sentences."""
    if size <= CAP_FULL_SIZE:
        return CAP
    return max(CAP_MIN, int(CAP * math.sqrt(CAP_FULL_SIZE / size)))


@dataclass(frozen=True)
class ChannelHits:
    """Per-sentence accumulators of one channel for one query (sentences sorted by id)."""

    sentences: IntArray
    weight: FloatArray  # Σ BM25 term weights of the matched terms
    idf: FloatArray  # Σ IDF of the matched terms
    query_idf: float  # Σ IDF of all query terms (unknown terms at the maximum IDF × factor)


class TermCounts:
    """Build-only: the term counts of sentences added one at a time, kept as compact arrays
    (4 bytes per distinct term of a sentence) instead of a token list per sentence.

    `ChannelIndex(counts)` is exactly `ChannelIndex(sentences)` for the same sentences added
    in the same order: the same vocabulary ids (order of first occurrence) and the same
    postings in the same order.
    """

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self._terms = array("i")  # per sentence, its distinct terms in order of first occurrence
        self._tfs = array("i")  # … and how often each occurs in it
        self._distinct = array("i")  # per sentence: how many distinct terms
        self._lengths = array("i")  # per sentence: how many tokens

    def __len__(self) -> int:
        return len(self._lengths)

    def add(self, tokens: Sequence[str]) -> None:
        """Count one sentence's tokens; the tokens themselves are not kept."""
        counts: dict[str, int] = {}  # in order of first occurrence, like Counter(tokens)
        get = counts.get
        for token in tokens:
            counts[token] = get(token, 0) + 1
        vocab = self.vocab
        self._terms.fromlist([vocab.setdefault(term, len(vocab)) for term in counts])
        self._tfs.fromlist(list(counts.values()))
        self._distinct.append(len(counts))
        self._lengths.append(len(tokens))

    def take(self) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
        """(term id, sentence id, tf) per posting and each sentence's length, as numpy arrays;
        empties the counts (their memory is freed, the vocabulary is left as it is)."""
        terms = np.frombuffer(self._terms, dtype=np.intc).astype(np.int32) if self._terms \
            else np.zeros(0, dtype=np.int32)
        tfs = np.frombuffer(self._tfs, dtype=np.intc).astype(np.float32) if self._tfs \
            else np.zeros(0, dtype=np.float32)
        distinct = np.frombuffer(self._distinct, dtype=np.intc) if self._distinct \
            else np.zeros(0, dtype=np.intc)
        sentences = np.repeat(np.arange(distinct.size, dtype=np.int32), distinct)
        lengths = np.frombuffer(self._lengths, dtype=np.intc).astype(np.float32) \
            if self._lengths else np.zeros(0, dtype=np.float32)
        del distinct
        self._terms, self._tfs, self._distinct, self._lengths = (
            array("i"), array("i"), array("i"), array("i"))
        return terms, sentences, tfs, lengths


class ChannelIndex:
    """Inverted index over tokenised sentences; immutable after construction."""

    def __init__(self, sentences: Iterable[Sequence[str]] | TermCounts, *, k1: float = 1.2,
                 b: float = 0.75, cap: int | None = None, unknown_factor: float = 1.0) -> None:
        """sentences: the tokens of each sentence, or their TermCounts (which this empties)."""
        if isinstance(sentences, TermCounts):
            counts = sentences
        else:
            counts = TermCounts()
            for tokens in sentences:
                counts.add(tokens)
        self.size = len(counts)
        self.cap = cap = default_cap(self.size) if cap is None else cap
        self.vocab = vocab = counts.vocab
        t, s, f, lengths = counts.take()
        n = max(self.size, 1)
        df = np.bincount(t, minlength=len(vocab)).astype(np.float32)
        # Lucene's IDF: never negative, unlike the original Robertson–Spärck Jones form.
        self.idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        self.unknown_idf = float(math.log1p((n + 0.5) / 0.5)) * unknown_factor
        avgdl = float(lengths.mean()) if self.size else 1.0
        norm = k1 * (1 - b + b * lengths[s] / max(avgdl, 1e-9))
        weights = (self.idf[t] * f * (k1 + 1) / (f + norm)).astype(np.float32)
        del norm, f
        self.self_weight = np.bincount(s, weights=weights, minlength=self.size).astype(np.float32)
        # CSR by term, each term's postings in descending weight (impact order).
        order = np.lexsort((-weights, t))
        del t
        # Sentence ids of the postings, plus `_first` (the index's first sentence number in
        # a ChannelGroup, which stores them: see `postings`).
        self._postings: npt.NDArray[np.integer] = s[order]
        self._first = 0
        del s
        self.weights: FloatArray = weights[order]
        del weights, order
        self.offsets = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(df.astype(np.int64), out=self.offsets[1:])
        # What search() reads per query term, as plain Python values (no numpy scalar per
        # term) and capped posting lengths; the floats are the float32 IDFs exactly.
        self._idf_values: list[float] = self.idf.tolist()
        self._read = np.minimum(np.diff(self.offsets), cap).astype(np.int64)

    @property
    def postings(self) -> npt.NDArray[np.integer]:
        """Per posting (by term, each term's in impact order): its sentence id."""
        return self._postings if self._first == 0 else self._postings - self._first

    def query_terms(self, tokens: Sequence[str]) -> tuple[list[int], float]:
        """The query's known term ids (each once, in order) and its IDF sum."""
        term_ids: list[int] = []
        query_idf = 0.0
        vocab = self.vocab
        idf_values = self._idf_values
        for term in dict.fromkeys(tokens):
            tid = vocab.get(term)
            if tid is None:
                query_idf += self.unknown_idf
                continue
            query_idf += idf_values[tid]
            term_ids.append(tid)
        return term_ids, query_idf

    def search(self, tokens: Sequence[str]) -> ChannelHits:
        """Accumulate the query's terms (each counted once) over the postings."""
        term_ids, query_idf = self.query_terms(tokens)
        if not term_ids:
            return _no_hits(query_idf)
        matched, weight, idf_sum = _accumulate(
            np.asarray(term_ids, dtype=np.int64), self.offsets, self._read, self._postings,
            self.weights, self.idf, self.size, self._first)
        return ChannelHits(matched.astype(np.int32), weight.astype(np.float32),
                           idf_sum.astype(np.float32), query_idf)


class ChannelGroup:
    """Several channel indexes searched in one pass; each gets exactly its own search().

    The group holds the indexes' postings and weights once, concatenated, the postings as
    sentence numbers across the group: each index then reads its part of the group's arrays
    (same sentence ids and weights, same hits)."""

    def __init__(self, indexes: Sequence[ChannelIndex]) -> None:
        self.indexes = tuple(indexes)
        sizes = [index.size for index in self.indexes]
        # Sentence, term and posting numbers of index i start after those of indexes < i.
        self._bases = np.cumsum([0, *sizes]).astype(np.intp)
        vocab_sizes = [len(ix.vocab) for ix in self.indexes]
        self._term_bases = np.cumsum([0, *vocab_sizes]).tolist()
        self._total = int(self._bases[-1])
        posting_bases = np.cumsum([0, *(ix.postings.size for ix in self.indexes)])
        self._starts = np.concatenate(
            [ix.offsets[:-1] + base for ix, base in zip(self.indexes, posting_bases, strict=False)])
        self._read = np.concatenate([ix._read for ix in self.indexes])
        self._idf = np.concatenate([ix.idf for ix in self.indexes])
        total = int(posting_bases[-1])
        self._postings: npt.NDArray[np.integer] = np.empty(
            total, dtype=np.int32 if self._total < 2**31 else np.int64)
        self._weights = np.empty(total, dtype=np.float32)
        for ix, first, start, end in zip(self.indexes, self._bases.tolist(),
                                         posting_bases[:-1].tolist(),
                                         posting_bases[1:].tolist(), strict=False):
            # Copy, then let the index read the group's copy (its own is freed as we go).
            np.add(ix.postings, first, out=self._postings[start:end])
            self._weights[start:end] = ix.weights
            ix._postings = self._postings[start:end]
            ix._first = first
            ix.weights = self._weights[start:end]

    def search(self, queries: Sequence[Sequence[str]]) -> list[ChannelHits]:
        """ChannelHits of each index for its query (one query per index, in order)."""
        term_ids: list[int] = []
        query_idfs: list[float] = []
        for index, tokens, term_base in zip(self.indexes, queries, self._term_bases,
                                            strict=False):
            ids, query_idf = index.query_terms(tokens)
            term_ids.extend(tid + term_base for tid in ids)
            query_idfs.append(query_idf)
        if not term_ids:
            return [_no_hits(query_idf) for query_idf in query_idfs]
        # Each (index, sentence) is its own bin, fed by that index's terms in query order: the
        # same additions in the same order as the index's own search().
        matched, weight, idf_sum = _accumulate(
            np.asarray(term_ids, dtype=np.int64), self._starts, self._read, self._postings,
            self._weights, self._idf, self._total)
        weight32 = weight.astype(np.float32)
        idf32 = idf_sum.astype(np.float32)
        cuts = np.searchsorted(matched, self._bases).tolist()
        hits: list[ChannelHits] = []
        for i, query_idf in enumerate(query_idfs):
            part = slice(cuts[i], cuts[i + 1])
            sentences = (matched[part] - self._bases[i]).astype(np.int32)
            hits.append(ChannelHits(sentences, weight32[part], idf32[part], query_idf))
        return hits


def _no_hits(query_idf: float) -> ChannelHits:
    empty = np.zeros(0, dtype=np.float32)
    return ChannelHits(np.zeros(0, dtype=np.int32), empty, empty, query_idf)


def _accumulate(terms: npt.NDArray[np.int64], starts: npt.NDArray[np.int64],
                read: npt.NDArray[np.int64], postings: npt.NDArray[np.integer],
                weights: FloatArray, idf: FloatArray, size: int, first: int = 0
                ) -> tuple[npt.NDArray[np.integer], Float64Array, Float64Array]:
    """Matched sentence ids (ascending) and their weight and IDF sums for the given terms'
    postings, which hold sentence ids plus `first`."""
    lengths = read[terms]
    # Positions of every read posting, term after term (each term's first `cap`), in one
    # gather instead of a slice per term.
    ends = np.cumsum(lengths)
    positions = np.arange(int(ends[-1]), dtype=np.int64) + np.repeat(
        starts[terms] - (ends - lengths), lengths)
    ids: npt.NDArray[np.integer] = postings[positions]
    if first:
        ids = ids - first
    term_idf = np.repeat(idf[terms], lengths)
    # Either way bincount adds each sentence's postings in the same (term) order, so the sums
    # are identical. Dense bins over every sentence are cheaper while the postings read cover
    # a good part of them (the shipped FAQ); a sorted union of the matched ones once the FAQ
    # is far larger than one question's postings, so the cost follows the postings read.
    if ids.size * DENSE_SHARE >= size:
        bins = ids.astype(np.intp)  # bincount's own index type: converted once, not per call
        seen = np.zeros(size, dtype=bool)
        seen[bins] = True
        matched: npt.NDArray[np.integer] = seen.nonzero()[0]
        weight = np.bincount(bins, weights=weights[positions], minlength=size)[matched]
        idf_sum = np.bincount(bins, weights=term_idf, minlength=size)[matched]
    else:
        matched, inverse = np.unique(ids, return_inverse=True)
        weight = np.bincount(inverse, weights=weights[positions])
        idf_sum = np.bincount(inverse, weights=term_idf)
    return matched, cast(Float64Array, weight), cast(Float64Array, idf_sum)


class SentencePooling:
    """Each entry's best sentence score: max pooling over the sentences an entry owns.

    Equal to starting from zeros and `np.maximum.at(pooled, owner[s], values[s])` over any
    sentences s, for `values` that are 0 wherever a sentence did not match: sentences are
    stored entry after entry, so one `np.maximum.reduceat` over the dense values does it.
    """

    def __init__(self, owner: IntArray, entries: int) -> None:
        self.entries = entries
        self._owner = np.asarray(owner, dtype=np.intp)
        contiguous = bool(np.all(self._owner[1:] >= self._owner[:-1]))
        self._starts: npt.NDArray[np.intp] | None = None
        if contiguous and self._owner.size:
            first = np.flatnonzero(np.r_[True, self._owner[1:] != self._owner[:-1]])
            self._starts = first.astype(np.intp)
            self._owners_of_starts = self._owner[first]

    def max(self, values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Per entry, max(0, its sentences' values); 0 for entries without sentences."""
        pooled = np.zeros(self.entries, dtype=np.float64)
        if self._starts is None:
            np.maximum.at(pooled, self._owner, values)
            return pooled
        pooled[self._owners_of_starts] = np.maximum.reduceat(values, self._starts)
        return np.maximum(pooled, 0.0, out=pooled)

    def sum_max(self, parts: Sequence[tuple[IntArray, npt.NDArray[np.floating]]]
                ) -> npt.NDArray[np.float64]:
        """`max()` of the sentences' sums of parts: each part gives values at some sentences
        (ascending, each once), added to a zero per sentence part after part.

        Summed densely over every sentence while the parts cover a good part of them; over
        the sorted union of the parts' sentences once they are few beside the index (same
        additions in the same order, and max pooling over the rest's zeros changes nothing).
        """
        size = self._owner.size
        touched = sum(sentences.size for sentences, _ in parts)
        if touched * POOL_DENSE_SHARE >= size:
            fused = np.zeros(size, dtype=np.float64)
            for sentences, values in parts:
                fused[sentences] += values
            return self.max(fused)
        pooled = np.zeros(self.entries, dtype=np.float64)
        if not touched:
            return pooled
        # Sorted, then deduplicated: np.unique (hash-based in NumPy 2.4) is far slower here.
        union = np.sort(np.concatenate([sentences for sentences, _ in parts]))
        union = union[np.r_[True, union[1:] != union[:-1]]]
        sums = np.zeros(union.size, dtype=np.float64)
        for sentences, values in parts:
            sums[np.searchsorted(union, sentences)] += values
        owners = self._owner[union]
        if self._starts is None:
            np.maximum.at(pooled, owners, sums)
            return pooled
        # Sentences are stored entry after entry: the union's owners ascend too.
        first = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        pooled[owners[first]] = np.maximum.reduceat(sums, first)
        return np.maximum(pooled, 0.0, out=pooled)
