"""The matcher: normalise → tokenise → search three channel indexes → fuse → decide."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from wx_backend.matching.concepts import ConceptProfiles, ConceptStrengths, ConceptTagger
from wx_backend.matching.dictionaries import DEFAULT_DIR, load_dictionaries
from wx_backend.matching.feature_cache import FeatureCache, Features, cache_key
from wx_backend.matching.index import ChannelGroup, ChannelIndex, SentencePooling, TermCounts
from wx_backend.matching.scope import ScopeDetector
from wx_backend.matching.text import Normalizer
from wx_backend.matching.tokenize import Tokenizer
from wx_backend.matching.topics import TopicCounts, TopicModel
from wx_backend.matching.types import Candidate, Decision, Document, Thresholds


@dataclass(frozen=True)
class Weights:
    """How the channels are fused; tuned on the dev set (bench/ranking_diagnostics.py)."""

    word: float = 0.5
    bigram: float = 0.3
    pinyin: float = 0.2
    # Per channel: score = P**precision × R**(1 - precision), where P is the share of the
    # stored sentence's weight the query matched and R the share of the query's IDF matched.
    precision: float = 0.5
    # Added to every sentence of an entry: the share of the query's IDF found anywhere in the
    # entry (all its questions and keywords together) — helps long, narrative questions whose
    # words are spread over several of an entry's similar questions.
    entry: float = 0.3
    # Entry-document channel: BM25 over each entry as one document (questions, keywords and
    # answer), relative to the best entry for this question.
    document: float = 0.2
    # Topic prior: P(entry's topic | question) from the naive Bayes topic model.
    topic: float = 0.4
    topic_sharpness: float = 4.0
    # Weight of an entry's answer text in the topic model, relative to one question.
    answer_share: float = 0.3
    # Concept agreement: an entry's score is multiplied by 1 - concept × (rarity-weighted share
    # of the question's legal concepts the entry lacks), see concepts.py.
    concept: float = 0.15
    # An entry carries a concept fully when its question or keywords name it, or when this
    # many times the share of its similar questions naming it reaches 1 …
    concept_similar_gain: float = 2.0
    # … and at this strength when only its answer names it.
    concept_answer: float = 0.25
    # Also multiplied by 1 - concept_status × (how far it lacks the statuses the question
    # states: 孕产哺乳, 未成年 … change which rules apply).
    concept_status: float = 0.3

    @property
    def total(self) -> float:
        """Largest possible fused score: scores are divided by it to stay in [0, 1]."""
        return self.word + self.bigram + self.pinyin + self.entry + self.document + self.topic


# Beyond this many phrasings the stored features would cost more memory during the build
# (they are all held until saved) and more disk than the start-up time they save.
FEATURE_CACHE_MAX_TEXTS = 50_000


class Matcher:
    """Rank FAQ entries for a question; all work happens in build(), queries are read-only."""

    def __init__(self, documents: Sequence[Document], tokenizer: Tokenizer,
                 scope: ScopeDetector, thresholds: Thresholds, weights: Weights,
                 concepts: ConceptTagger | None = None,
                 features: Callable[[str], Features] | None = None) -> None:
        self._documents = tuple(documents)
        features = features or tokenizer.features
        self._concepts = concepts or ConceptTagger({})
        self._tokenizer = tokenizer
        self._scope = scope
        self.thresholds = thresholds
        self.weights = weights
        # Everything is built entry by entry into compact accumulators: no token list, text
        # or per-sentence Python object outlives its entry.
        owners = array("i")
        words = TermCounts()
        bigrams = TermCounts()
        pinyin = TermCounts()
        entry_words = TermCounts()
        whole = TermCounts()
        topic_names = sorted({doc.topic for doc in self._documents})
        topic_index = {name: i for i, name in enumerate(topic_names)}
        topic_counts = TopicCounts(len(topic_names))
        strengths = ConceptStrengths(self._concepts, similar_gain=weights.concept_similar_gain,
                                     answer_share=weights.concept_answer)
        for index, doc in enumerate(self._documents):
            seen: set[str] = set()
            document: list[str] = []
            counts: dict[str, float] = {}
            texts: list[str] = []
            for text in (doc.question, *doc.similar, " ".join(doc.keywords)):
                normalized, w, b, p = features(text)
                texts.append(normalized)
                if not w or normalized in seen:
                    continue
                seen.add(normalized)
                owners.append(index)
                words.add(w)
                bigrams.add(b)
                pinyin.add(p)
                document.extend(w)
                for token in (*w, *b):
                    counts[token] = counts.get(token, 0.0) + 1.0
            # Entry channel: the distinct words of all the entry's kept sentences.
            entry_words.add(sorted(set(document)))
            answer = ""
            if doc.answer:
                answer, w, b, _ = features(doc.answer)
                document.extend(w)
                for token in (*w, *b):
                    counts[token] = counts.get(token, 0.0) + weights.answer_share
            whole.add(document)
            topic_counts.add(topic_index[doc.topic], counts)
            # The answer's conclusion says what the entry is about; its closing "what to do"
            # part names the same remedies (仲裁, 投诉) in every entry.
            strengths.add(texts[0] + " " + texts[-1], texts[1:-1], answer.split("怎么办", 1)[0])
        self._owner = np.frombuffer(owners, dtype=np.intc).astype(np.int32)
        del owners
        self._pooling = SentencePooling(self._owner, len(self._documents))
        self._words = ChannelIndex(words)
        self._entries = ChannelIndex(entry_words)
        self._bigrams = ChannelIndex(bigrams)
        self._pinyin = ChannelIndex(pinyin)
        self._whole = ChannelIndex(whole)
        # All five searched in one pass per question (same hits as one by one).
        self._channels = ChannelGroup([self._words, self._bigrams, self._pinyin, self._entries,
                                       self._whole])
        self._topics = TopicModel(topic_names, topic_counts)
        self._entry_topic = np.asarray([topic_index[doc.topic] for doc in self._documents],
                                       dtype=np.int32)
        self._profiles = ConceptProfiles(strengths)

    @classmethod
    def build(cls, documents: Sequence[Document], *, cache_dir: Path | None = None,
              dictionaries_dir: Path | None = None,
              thresholds: Thresholds | None = None, weights: Weights | None = None,
              cache_features: bool = True) -> Matcher:
        """Load dictionaries, start the tokenizer and index every document, up front.

        With cache_dir, jieba's dictionary and (for FAQs up to FEATURE_CACHE_MAX_TEXTS
        phrasings) the phrasings' features are kept there for the next start-up.
        """
        ids = [doc.id for doc in documents]
        if len(set(ids)) != len(ids):
            raise ValueError("document ids must be unique")
        dictionaries = load_dictionaries(dictionaries_dir)
        normalizer = Normalizer(dictionaries)
        tokenizer = Tokenizer(dictionaries, normalizer, cache_dir)
        scope = ScopeDetector(dictionaries.out_of_domain, dictionaries.labor_anchors)
        cache = None
        texts = sum(len(doc.similar) + 3 for doc in documents)
        if cache_dir is not None and cache_features and texts <= FEATURE_CACHE_MAX_TEXTS:
            key = cache_key(dictionaries_dir or DEFAULT_DIR)
            cache = FeatureCache(cache_dir, key, tokenizer.features)
        matcher = cls(documents, tokenizer, scope, thresholds or Thresholds(),
                      weights or Weights(),
                      ConceptTagger(dictionaries.concepts, dictionaries.status_concepts), cache)
        if cache is not None:
            cache.save()
        return matcher

    def __len__(self) -> int:
        return len(self._documents)

    def normalize(self, text: str) -> str:
        """Return the canonical text the engine matches on."""
        return self._tokenizer.normalize(text)

    def tokens(self, text: str) -> list[str]:
        """Return the word tokens of text (for diagnostics and tests)."""
        return self._tokenizer.features(text)[1]

    def _score(self, text: str, limit: int) -> tuple[str, list[tuple[int, float]]]:
        normalized, words, bigrams, pinyin = self._tokenizer.features(text)
        if not words:
            return normalized, []
        w = self.weights
        word_hits, bigram_hits, pinyin_hits, entry_hits, doc_hits = self._channels.search(
            (words, bigrams, pinyin, words, words))
        hits = [
            (self._words, word_hits, w.word),
            (self._bigrams, bigram_hits, w.bigram),
            (self._pinyin, pinyin_hits, w.pinyin),
        ]
        # The three channels index the same sentences: a sentence's fused score is the sum of
        # its channels' weighted scores.
        parts: list[tuple[npt.NDArray[np.int32], npt.NDArray[np.floating]]] = []
        for index, h, weight in hits:
            if h.sentences.size == 0 or h.query_idf <= 0:
                continue
            precision = h.weight / np.maximum(index.self_weight[h.sentences], 1e-9)
            recall = h.idf / h.query_idf
            score = np.power(np.minimum(precision, 1.0), w.precision) * np.power(
                np.minimum(recall, 1.0), 1.0 - w.precision)
            parts.append((h.sentences, weight * score))
        if not any(h.sentences.size for _, h, _ in hits):
            return normalized, []
        n = len(self._documents)
        # Best sentence per entry (max pooling), then the entry-level channels on top.
        entry_score = self._pooling.sum_max(parts)
        matched = entry_score > 0
        if w.entry > 0 and entry_hits.sentences.size and entry_hits.query_idf > 0:
            coverage = np.zeros(n, dtype=np.float64)
            coverage[entry_hits.sentences] = entry_hits.idf / entry_hits.query_idf
            entry_score += w.entry * coverage
        if w.document > 0 and doc_hits.sentences.size:
            best = float(doc_hits.weight.max())
            if best > 0:
                relative = np.zeros(n, dtype=np.float64)
                relative[doc_hits.sentences] = doc_hits.weight / best
                entry_score += w.document * relative
        if w.topic > 0:
            features = dict.fromkeys((*bigrams, *words), 1.0)
            posterior = self._topics.posterior(features, w.topic_sharpness)
            entry_score += w.topic * posterior[self._entry_topic]
        # Only entries some sentence matched are candidates: the entry-level channels rerank
        # them, they do not invent matches.
        candidates = np.flatnonzero(matched)
        scores = entry_score[candidates] / max(w.total, 1e-9)
        if w.concept > 0 or w.concept_status > 0:
            concepts = self._concepts.tags(normalized)
            if concepts:
                missing, status = self._profiles.disagreement(concepts, candidates)
                scores *= (1.0 - w.concept * missing) * (1.0 - w.concept_status * status)
        keep = min(candidates.size, limit)
        top = np.argpartition(-scores, keep - 1)[:keep] if keep < candidates.size else np.arange(
            candidates.size)
        top = top[np.argsort(-scores[top], kind="stable")]
        ranked = [(int(candidates[i]), float(scores[i])) for i in top.tolist()]
        return normalized, ranked

    def rank(self, text: str, limit: int = 5) -> list[Candidate]:
        """Return up to limit entries, best first, with fused scores in [0, 1]."""
        _, ranked = self._score(text, limit)
        return [self._candidate(index, score) for index, score in ranked]

    def _candidate(self, index: int, score: float) -> Candidate:
        doc = self._documents[index]
        return Candidate(doc.id, doc.topic, round(score, 4))

    def out_of_domain_evidence(self, text: str) -> float:
        """Return the out-of-domain evidence for text (positive: not a labor matter)."""
        return self._scope.evidence(text)

    def decide(self, text: str) -> Decision:
        """Answer, offer choices, fall back, or decline a non-labor question."""
        t = self.thresholds
        normalized, ranked = self._score(text, max(t.max_choices, 5))
        candidates = tuple(self._candidate(i, s) for i, s in ranked)
        evidence = self._scope.evidence(text)
        if evidence >= t.out_of_scope:
            firm = evidence > t.out_of_scope_firm
            keeps = t.match_keeps_firm if firm else t.match_keeps_in_scope
            if not candidates or candidates[0].score < keeps:
                return Decision("out_of_scope", candidates[: t.max_choices], normalized)
        if not candidates or candidates[0].score < t.choices:
            return Decision("fallback", candidates[: t.max_choices], normalized)
        top = candidates[0].score
        second = candidates[1].score if len(candidates) > 1 else 0.0
        if top >= t.answer and top - second >= t.margin and second <= top * t.lead_ratio:
            return Decision("answer", candidates[:1], normalized)
        close = tuple(c for c in candidates if c.score >= top * t.choice_ratio)
        return Decision("choices", close[: t.max_choices], normalized)
