"""The matcher's fast internals give exactly what their plain definitions give."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
import yaml

from wx_backend.matching import index as index_module
from wx_backend.matching.concepts import ConceptProfiles, ConceptStrengths, ConceptTagger
from wx_backend.matching.dictionaries import load_dictionaries
from wx_backend.matching.index import ChannelGroup, ChannelIndex, SentencePooling, TermCounts
from wx_backend.matching.text import LongestFirst, Normalizer, _alternation, char_normalize
from wx_backend.matching.tokenize import Tokenizer, cut_without_hmm
from wx_backend.matching.topics import TopicCounts, TopicModel


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


@pytest.fixture(params=["dense", "sparse"])
def accumulation(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    # Dense bins while postings cover much of the index, a sorted union when the index is
    # far larger than a question's postings: both must give the same sums.
    monkeypatch.setattr(index_module, "DENSE_SHARE", 10**9 if request.param == "dense" else 0)
    return str(request.param)


@pytest.mark.parametrize("cap", [1, 3, 1000])
def test_channel_search_matches_its_plain_definition(cap: int, accumulation: str) -> None:
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


def _regex_sub(words: dict[str, str], text: str) -> str:
    pattern = _alternation(words)
    return pattern.sub(lambda m: words[m.group(0)], text) if pattern else text


def test_longest_first_scan_is_the_alternation_regex() -> None:
    # Overlapping words, shared beginnings and Latin/digit words whose ends must not continue
    # a longer run of letters or digits (996 not inside 1996, hr not inside three).
    words = {w: f"<{w}>" for w in ("工", "工资", "工资条", "资条", "老板", "板子", "996", "9",
                                   "hr", "n+1", "2倍", "2倍工资", "a", "ab", "b1", "[", "]",
                                   "-", "^", "\\")}
    scan = LongestFirst(words)
    rng = random.Random(5)
    alphabet = "工资条老板子996hrn+12倍ab[]-^\\x 的"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        assert scan.sub(words, text) == _regex_sub(words, text), text
    assert scan.sub(words, "1996年") == "1996年"
    assert scan.sub(words, "996工资条") == "<996><工资条>"
    assert LongestFirst({}).sub({}, "工资") == "工资"


def test_normalizer_synonyms_give_what_the_regex_gave() -> None:
    root = Path(__file__).resolve().parents[1]
    dictionaries = load_dictionaries(root / "content" / "dictionaries")
    normalizer = Normalizer(dictionaries)
    synonyms = normalizer._synonyms
    texts = [char_normalize(str(q)) for path in sorted((root / "faq").glob("*.yaml"))
             for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["entries"]
             for q in (entry["question"], *entry.get("similar", []), entry.get("answer", ""))]
    texts += [char_normalize(w) for w in synonyms] + ["1996年的996", "hr说three个月", "007号"]
    scan = LongestFirst(synonyms)
    for text in texts:
        assert scan.sub(synonyms, text) == _regex_sub(synonyms, text), text


def test_the_posting_cap_is_full_for_the_shipped_faq_and_shrinks_on_huge_ones() -> None:
    assert index_module.default_cap(7_000) == index_module.CAP  # the shipped FAQ's size
    assert index_module.default_cap(index_module.CAP_FULL_SIZE) == index_module.CAP
    caps = [index_module.default_cap(n) for n in (40_000, 340_000, 3_400_000, 10**9)]
    assert caps == sorted(caps, reverse=True) and caps[0] < index_module.CAP
    assert caps[-1] == index_module.CAP_MIN
    assert ChannelIndex([["a"]] * 50_000).cap == index_module.default_cap(50_000)


@pytest.mark.parametrize("contiguous", [True, False])
def test_sentence_pooling_is_max_at_over_the_matched_sentences(contiguous: bool) -> None:
    rng = np.random.default_rng(3)
    entries = 40
    # Entries 7 and 30 own no sentence; owners are stored entry after entry (or shuffled).
    owner = np.sort(rng.choice([e for e in range(entries) if e not in (7, 30)], 500))
    if not contiguous:
        rng.shuffle(owner)
    pooling = SentencePooling(owner.astype(np.int32), entries)
    for _ in range(50):
        matched = np.unique(rng.integers(0, owner.size, rng.integers(0, 200)))
        values = np.zeros(owner.size)
        values[matched] = rng.normal(0.3, 0.5, matched.size)  # negatives too
        expected = np.zeros(entries)
        np.maximum.at(expected, owner[matched], values[matched])
        assert pooling.max(values).tolist() == expected.tolist()


@pytest.mark.parametrize("contiguous", [True, False])
@pytest.mark.parametrize("dense", [True, False])
def test_sentence_pooling_of_summed_parts_is_max_of_the_dense_sums(
        contiguous: bool, dense: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # Summed over every sentence, or over the union of the parts' sentences only.
    monkeypatch.setattr(index_module, "POOL_DENSE_SHARE", 10**9 if dense else 0)
    rng = np.random.default_rng(5)
    entries = 40
    owner = np.sort(rng.choice([e for e in range(entries) if e not in (7, 30)], 500))
    if not contiguous:
        rng.shuffle(owner)
    pooling = SentencePooling(owner.astype(np.int32), entries)
    for _ in range(50):
        parts = []
        for _ in range(rng.integers(0, 4)):
            sentences = np.unique(rng.integers(0, owner.size, rng.integers(0, 200)))
            parts.append((sentences.astype(np.int32), rng.normal(0.3, 0.5, sentences.size)))
        fused = np.zeros(owner.size)
        for sentences, values in parts:  # the engine's plain definition, part after part
            fused[sentences] += values
        assert pooling.sum_max(parts).tolist() == pooling.max(fused).tolist()


@pytest.fixture(scope="module")
def real_tokenizer(tmp_path_factory: pytest.TempPathFactory) -> Tokenizer:
    root = Path(__file__).resolve().parents[1]
    dictionaries = load_dictionaries(root / "content" / "dictionaries")
    return Tokenizer(dictionaries, Normalizer(dictionaries), tmp_path_factory.mktemp("jieba"))


def test_cut_without_hmm_is_jiebas_own_cut(real_tokenizer: Tokenizer) -> None:
    jieba_tokenizer = real_tokenizer._jieba
    root = Path(__file__).resolve().parents[1]
    texts = [str(q) for path in sorted((root / "faq").glob("*.yaml"))
             for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["entries"]
             for q in (entry["question"], *entry.get("similar", []), entry.get("answer", ""))]
    texts += [real_tokenizer.normalize(t) for t in texts]
    rng = random.Random(11)
    pieces = ["工资", "老板", "拖欠", "劳动合同法", "第82条", "996", "n+1", "hr", "a", "7", " ",
              "\r\n", "\t", "，", "。", "-", "_", "#", "%", "3.5", "个月", "用人单位", "的", "了"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(2000)]
    for text in texts:
        assert cut_without_hmm(jieba_tokenizer, text) == jieba_tokenizer.lcut(text, HMM=False)


def test_a_channel_group_gives_each_index_its_own_hits(accumulation: str) -> None:
    rng = random.Random(9)
    vocabulary = [f"t{i}" for i in range(30)]

    def sentences(count: int) -> list[list[str]]:
        return [[rng.choice(vocabulary) for _ in range(rng.randint(1, 10))] for _ in range(count)]

    indexes = [ChannelIndex(sentences(200)), ChannelIndex(sentences(50), cap=2),
               ChannelIndex(sentences(120)), ChannelIndex([])]
    group = ChannelGroup(indexes)
    for _ in range(200):
        queries = [[rng.choice([*vocabulary, "unknown"]) for _ in range(rng.randint(0, 12))]
                   for _ in indexes]
        for own, grouped in zip((ix.search(q) for ix, q in zip(indexes, queries, strict=True)),
                                group.search(queries), strict=True):
            assert grouped.sentences.dtype == own.sentences.dtype == np.int32
            assert grouped.sentences.tolist() == own.sentences.tolist()
            assert grouped.weight.tolist() == own.weight.tolist()
            assert grouped.idf.tolist() == own.idf.tolist()
            assert grouped.query_idf == own.query_idf


def test_term_counts_index_exactly_what_the_token_lists_index() -> None:
    rng = random.Random(21)
    vocabulary = [f"t{i}" for i in range(60)]
    sentences = [[rng.choice(vocabulary) for _ in range(rng.randint(0, 15))] for _ in range(400)]
    counts = TermCounts()
    for tokens in sentences:  # one at a time, as the matcher adds them
        counts.add(tokens)
    assert len(counts) == len(sentences)
    built, plain = ChannelIndex(counts), ChannelIndex(sentences)
    assert len(counts) == 0  # consumed: its arrays are freed
    assert list(built.vocab.items()) == list(plain.vocab.items())
    for name in ("idf", "self_weight", "postings", "weights", "offsets"):
        assert np.array_equal(getattr(built, name), getattr(plain, name)), name


def test_channel_index_stores_bm25_weights_in_impact_order() -> None:
    # The plain definition, posting by posting in float32: Lucene IDF, BM25 tf saturation
    # and length normalisation; each term's postings by descending weight, ties by sentence.
    rng = random.Random(4)
    vocabulary = [f"t{i}" for i in range(25)]
    sentences = [[rng.choice(vocabulary) for _ in range(rng.randint(0, 9))] for _ in range(150)]
    k1, b = 1.2, 0.75
    index = ChannelIndex(sentences, k1=k1, b=b)
    n = len(sentences)
    avgdl = float(np.asarray([len(s) for s in sentences], dtype=np.float32).mean())
    df = {term: sum(term in s for s in sentences) for term in index.vocab}
    expected_self = np.zeros(n)
    for term, tid in index.vocab.items():
        idf = np.float32(np.log1p((n - np.float32(df[term]) + 0.5) / (np.float32(df[term]) + 0.5)))
        assert index.idf[tid] == idf
        postings = []
        for sid, tokens in enumerate(sentences):
            tf = np.float32(tokens.count(term))
            if tf:
                norm = k1 * (1 - b + b * np.float32(len(tokens)) / avgdl)
                postings.append((-(idf * tf * (k1 + 1) / (tf + norm)), sid))
        postings.sort()
        start, end = int(index.offsets[tid]), int(index.offsets[tid + 1])
        assert index.postings[start:end].tolist() == [sid for _, sid in postings]
        assert index.weights[start:end].tolist() == [float(-w) for w, _ in postings]
    for sid, tokens in enumerate(sentences):  # Σ of its weights, in order of first occurrence
        for term in dict.fromkeys(tokens):
            tid = index.vocab[term]
            start, end = int(index.offsets[tid]), int(index.offsets[tid + 1])
            position = start + index.postings[start:end].tolist().index(sid)
            expected_self[sid] += float(index.weights[position])
    assert index.self_weight.tolist() == expected_self.astype(np.float32).tolist()


def test_a_channel_group_holds_the_postings_once() -> None:
    indexes = [ChannelIndex([["a", "b"], ["b"]]), ChannelIndex([["c"], ["a", "c", "c"]])]
    before = [(ix.postings.copy(), ix.weights.copy()) for ix in indexes]
    group = ChannelGroup(indexes)
    for ix, (postings, weights) in zip(indexes, before, strict=True):
        assert ix.postings.dtype == np.int32
        assert ix.postings.tolist() == postings.tolist()  # still the index's own sentence ids
        assert ix.weights.tolist() == weights.tolist()
        assert np.shares_memory(ix._postings, group._postings)
        assert np.shares_memory(ix.weights, group._weights)


def test_topic_counts_sum_each_cell_sample_by_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    # Small batches: the samples are summed in many steps, the table growing on the way.
    monkeypatch.setattr(TopicCounts, "BATCH", 500)
    rng = random.Random(8)
    features = [f"f{i}" for i in range(3000)]
    samples = [(rng.randrange(5), {f: rng.choice([1.0, 2.0, 0.3]) for f in
                                   rng.sample(features, rng.randint(0, 400))})
               for _ in range(60)]
    model = TopicModel([f"topic{i}" for i in range(5)], samples)
    # The plain definition: every sample's counts added at once, in sample order.
    vocab: dict[str, int] = {}
    cells = [(topic, vocab.setdefault(f, len(vocab)), count)
             for topic, counted in samples for f, count in counted.items()]
    counts = np.zeros((5, len(vocab)))
    rows, cols, vals = zip(*cells, strict=True)
    np.add.at(counts, (np.asarray(rows), np.asarray(cols)), np.asarray(vals))
    expected = np.log((counts + 0.1) / (counts.sum(axis=1, keepdims=True) + 0.1 * len(vocab)))
    assert model._vocab == vocab
    assert np.array_equal(model._by_feature, expected.astype(np.float32).T)


def test_concept_strength_from_question_similar_questions_and_answer() -> None:
    tagger = ConceptTagger({"欠薪": ["欠薪|拖欠工资"], "工伤": ["工伤"], "辞退": ["辞退"]})
    strengths = ConceptStrengths(tagger, similar_gain=2.0, answer_share=0.25)
    strengths.add("拖欠工资怎么办", ["工伤了", "公司欠薪", "没事", "还是没事"],
                  "可申请工伤认定，或被辞退")
    strengths.add("", [], "")
    profiles = ConceptProfiles(strengths)
    # 欠薪 by the question; 工伤 by a quarter of the similar questions (× 2, then the answer
    # asks for no more); 辞退 only by the answer.
    assert profiles._by_concept.T.tolist() == [[1.0, 0.5, 0.25], [0.0, 0.0, 0.0]]
