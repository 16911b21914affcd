"""A topic prior: multinomial naive Bayes over words and character bigrams, trained on the FAQ
entries themselves (questions, similar questions, keywords and, at a lower weight, answers),
labelled by each entry's topic.

A long question shares many words with entries of other topics by chance; what topic it is
about is spread over all its words. The posterior over topics lets the matcher prefer entries
of the likely topic(s).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt


class TopicModel:
    """P(topic | question) from weighted features; immutable after construction."""

    def __init__(self, topics: Sequence[str], samples: Sequence[tuple[int, Mapping[str, float]]],
                 *, alpha: float = 0.1) -> None:
        """samples: (topic index, feature → count) pairs."""
        self.topics = tuple(topics)
        vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for topic, features in samples:
            for feature, count in features.items():
                rows.append(topic)
                cols.append(vocab.setdefault(feature, len(vocab)))
                vals.append(count)
        counts = np.zeros((len(self.topics), max(len(vocab), 1)), dtype=np.float64)
        np.add.at(counts, (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)),
                  np.asarray(vals, dtype=np.float64))
        totals = counts.sum(axis=1, keepdims=True)
        self._log_likelihood = np.log(
            (counts + alpha) / (totals + alpha * counts.shape[1])).astype(np.float32)
        # Column-major copy: a query reads a handful of whole columns.
        self._by_feature = np.ascontiguousarray(self._log_likelihood.T)
        self._vocab = vocab

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
