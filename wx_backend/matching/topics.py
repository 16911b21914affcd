"""A topic prior: multinomial naive Bayes over words and character bigrams, trained on the FAQ
entries themselves (questions, similar questions, keywords and, at a lower weight, answers),
labelled by each entry's topic.

A long question shares many words with entries of other topics by chance; what topic it is
about is spread over all its words. The posterior over topics lets the matcher prefer entries
of the likely topic(s).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt


class TopicCounts:
    """Build-only: per topic, each feature's summed count, added sample by sample.

    Each (topic, feature) cell receives its samples' counts in sample order, starting from
    zero: the same additions as summing all samples at once in order. Samples wait in a
    bounded buffer (16 bytes per feature) and are summed a batch at a time, in order.
    """

    BATCH = 1 << 18

    def __init__(self, topics: int) -> None:
        self.vocab: dict[str, int] = {}
        self._counts = np.zeros((topics, 1), dtype=np.float64)
        self._rows = array("i")
        self._cols = array("i")
        self._vals = array("d")

    def add(self, topic: int, features: Mapping[str, float]) -> None:
        """Add one sample's feature → count (its features only, not kept)."""
        vocab = self.vocab
        self._cols.fromlist([vocab.setdefault(feature, len(vocab)) for feature in features])
        self._vals.fromlist(list(features.values()))
        self._rows.fromlist([topic] * len(features))
        if len(self._cols) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        columns = self._counts.shape[1]
        if len(self.vocab) > columns:
            grown = np.zeros((self._counts.shape[0], max(2 * columns, len(self.vocab))),
                             dtype=np.float64)
            grown[:, :columns] = self._counts
            self._counts = grown
        if self._cols:
            np.add.at(self._counts, (np.frombuffer(self._rows, dtype=np.intc),
                                     np.frombuffer(self._cols, dtype=np.intc)),
                      np.frombuffer(self._vals, dtype=np.float64))
        self._rows, self._cols, self._vals = array("i"), array("i"), array("d")

    def take(self) -> npt.NDArray[np.float64]:
        """The topics × features count matrix (at least one column); empties the counts."""
        self._flush()
        counts = np.ascontiguousarray(self._counts[:, :max(len(self.vocab), 1)])
        self._counts = np.zeros((self._counts.shape[0], 1), dtype=np.float64)
        return counts


class TopicModel:
    """P(topic | question) from weighted features; immutable after construction."""

    def __init__(self, topics: Sequence[str],
                 samples: Iterable[tuple[int, Mapping[str, float]]] | TopicCounts,
                 *, alpha: float = 0.1) -> None:
        """samples: (topic index, feature → count) pairs, or their TopicCounts (emptied)."""
        self.topics = tuple(topics)
        if isinstance(samples, TopicCounts):
            summed = samples
        else:
            summed = TopicCounts(len(self.topics))
            for topic, features in samples:
                summed.add(topic, features)
        counts = summed.take()
        totals = counts.sum(axis=1, keepdims=True)
        log_likelihood = np.log(
            (counts + alpha) / (totals + alpha * counts.shape[1])).astype(np.float32)
        del counts
        # Column-major: a query reads a handful of whole columns.
        self._by_feature = np.ascontiguousarray(log_likelihood.T)
        self._vocab = summed.vocab

    def posterior(self, features: Mapping[str, float], sharpness: float) -> npt.NDArray[np.float64]:
        """Return P(topic | features) with the log-likelihood averaged per unit of feature
        weight and scaled by sharpness, so long and short questions are equally confident.
        Uniform when no feature is known."""
        ids: list[int] = []
        weights: list[float] = []
        for feature, weight in features.items():
            fid = self._vocab.get(feature)
            if fid is not None and weight > 0:
                ids.append(fid)
                weights.append(weight)
        n = len(self.topics)
        if not ids or n == 0:
            return np.full(n, 1.0 / max(n, 1))
        w = np.asarray(weights, dtype=np.float32)
        scores = (w @ self._by_feature[ids]).astype(np.float64) / float(w.sum())
        scores = sharpness * (scores - scores.max())
        p = np.exp(scores)
        return p / p.sum()
