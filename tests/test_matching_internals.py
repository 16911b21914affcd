"""The matcher's fast internals give exactly what their plain definitions give."""

from __future__ import annotations

import random

import numpy as np
import pytest

from wx_backend.matching.index import ChannelIndex


def _reference_search(index: ChannelIndex, tokens: list[str]
                      ) -> tuple[list[int], list[float], list[float], float]:
    """ChannelIndex.search spelled out: each query term once, its first `cap` postings."""
    weight: dict[int, float] = {}
    idf_sum: dict[int, float] = {}
    query_idf = 0.0
    for term in dict.fromkeys(tokens):
        tid = index.vocab.get(term)
        if tid is None:
            query_idf += index.unknown_idf
            continue
        idf = float(index.idf[tid])
        query_idf += idf
        start = int(index.offsets[tid])
        end = min(int(index.offsets[tid + 1]), start + index.cap)
        for position in range(start, end):
            sentence = int(index.postings[position])
            weight[sentence] = weight.get(sentence, 0.0) + float(index.weights[position])
            idf_sum[sentence] = idf_sum.get(sentence, 0.0) + idf
    sentences = sorted(weight)
    return (sentences, [float(np.float32(weight[s])) for s in sentences],
            [float(np.float32(idf_sum[s])) for s in sentences], query_idf)


@pytest.mark.parametrize("cap", [1, 3, 1000])
def test_channel_search_matches_its_plain_definition(cap: int) -> None:
    rng = random.Random(cap)
    vocabulary = [f"t{i}" for i in range(40)]
    sentences = [[rng.choice(vocabulary[: rng.randint(2, 40)]) for _ in range(rng.randint(1, 12))]
                 for _ in range(300)]
    index = ChannelIndex(sentences, cap=cap)
    for _ in range(200):
        # Repeated terms count once; unknown terms only raise the query's IDF.
        query = [rng.choice([*vocabulary, "unknown", "other"]) for _ in range(rng.randint(0, 15))]
        hits = index.search(query)
        sentences_ref, weight_ref, idf_ref, query_idf_ref = _reference_search(index, query)
        assert hits.sentences.dtype == np.int32
        assert hits.sentences.tolist() == sentences_ref
        assert hits.weight.dtype == np.float32 and hits.idf.dtype == np.float32
        assert hits.weight.tolist() == weight_ref  # exactly: same additions, same order
        assert hits.idf.tolist() == idf_ref
        assert hits.query_idf == query_idf_ref


def test_channel_search_of_nothing_known_is_empty() -> None:
    index = ChannelIndex([["a", "b"], ["b", "c"]])
    hits = index.search(["x", "y", "x"])
    assert hits.sentences.size == 0 and hits.weight.size == 0 and hits.idf.size == 0
    assert hits.query_idf == pytest.approx(2 * index.unknown_idf)
