"""Baselines measured with the same FAQ and the same reply rendering as the engine.

B0: the WeChat console's keyword auto-reply in 半匹配 mode — the first entry (file order) one
of whose keywords occurs in the question wins, else the fallback reply.
B1: rank_bm25.BM25Okapi over jieba tokens of each entry's question and similar questions,
argmax, always answers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from wx_backend.evaluation.runner import EvalReply
from wx_backend.faq.catalog import FaqEntry


def keyword_baseline(entries: Sequence[FaqEntry], render: Callable[[FaqEntry], str],
                     fallback: str) -> Callable[[str], EvalReply]:
    """Return B0's reply function."""

    def reply(question: str) -> EvalReply:
        for entry in entries:
            if any(k and k in question for k in entry.keywords):
                return EvalReply(render(entry), [], "answer")
        return EvalReply(fallback, [], "fallback")

    return reply


def bm25_baseline(entries: Sequence[FaqEntry],
                  render: Callable[[FaqEntry], str]) -> Callable[[str], EvalReply]:
    """Return B1's reply function."""
    import jieba
    from rank_bm25 import BM25Okapi

    tokenizer = jieba.Tokenizer()
    corpus = [tokenizer.lcut(" ".join((e.question, *e.similar))) for e in entries]
    corpus = [[t for t in doc if t.strip()] for doc in corpus]
    bm25 = BM25Okapi(corpus)

    def reply(question: str) -> EvalReply:
        scores = bm25.get_scores([t for t in tokenizer.lcut(question) if t.strip()])
        best = max(range(len(entries)), key=lambda i: scores[i])
        return EvalReply(render(entries[best]), [], "answer")

    return reply
