"""Ranking quality of the matching engine on an evaluation file, independent of how replies
are composed.

    python bench/ranking_diagnostics.py [--eval ../shared/eval/dev.jsonl] [--misses]

An entry is "right" for an in-scope question when its rendered answer (answer text + 依据 line)
states every required fact (wx_backend.evaluation.fact_hit). Printed per split (all, odd ids,
even ids — tune on one half, read the other):

- top-1 / top-3: share of answerable questions (some entry is right) with a right entry ranked
  first / in the first three;
- topic@1: share of in-scope questions whose first entry has the labelled topic;
- answered: share of in-scope questions decided "answer", and precision: the share of those
  whose answering entry is right;
- declined: share of out-of-scope questions not decided answer/choices;
- bm25: the rank_bm25 baseline's top-1 on the same answerable questions.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wx_backend.evaluation import EvalItem, fact_hit, load_eval_file  # noqa: E402
from wx_backend.faq import (  # noqa: E402
    FaqCatalog,
    FaqEntry,
    documents_from_catalog,
    fill_placeholders,
    load_catalog,
)
from wx_backend.laws import LawLibrary  # noqa: E402
from wx_backend.matching import Matcher  # noqa: E402


def render_answer(entry: FaqEntry) -> str:
    return fill_placeholders(entry.answer) + "\n依据：" + "；".join(entry.basis)


@dataclass
class Row:
    """One question's outcome under the engine."""

    item: EvalItem
    right: frozenset[str]  # ids of entries whose answer states every fact
    ranked: list[str]
    topic1: str
    outcome: str
    bm25_top: str


def _split(rows: Sequence[Row], parity: int | None) -> list[Row]:
    if parity is None:
        return list(rows)
    return [r for r in rows if int(re.sub(r"\D", "", r.item.id) or 0) % 2 == parity]


def figures(rows: Sequence[Row]) -> dict[str, float]:
    inscope = [r for r in rows if r.item.scope == "in"]
    answerable = [r for r in inscope if r.right]
    out = [r for r in rows if r.item.scope == "out"]
    answered = [r for r in inscope if r.outcome == "answer"]
    n = max(len(answerable), 1)
    return {
        "n_answerable": len(answerable),
        "top1": sum(bool(r.ranked) and r.ranked[0] in r.right for r in answerable) / n,
        "top3": sum(bool(r.right & set(r.ranked[:3])) for r in answerable) / n,
        "bm25": sum(r.bm25_top in r.right for r in answerable) / n,
        "topic1": sum(r.topic1 == r.item.topic for r in inscope) / max(len(inscope), 1),
        "answered": len(answered) / max(len(inscope), 1),
        "precision": sum(r.ranked[0] in r.right for r in answered) / max(len(answered), 1),
        "declined": sum(r.outcome not in ("answer", "choices") for r in out) / max(len(out), 1),
        "out_answered": sum(r.outcome == "answer" for r in out),
    }


def bm25_ranker(entries: Sequence[FaqEntry]) -> Callable[[str], str]:
    """The B1 baseline: rank_bm25 over question + similar + keywords, jieba default dict."""
    import jieba
    from rank_bm25 import BM25Okapi

    tokenizer = jieba.Tokenizer()
    corpus = [[t for t in tokenizer.lcut(" ".join((e.question, *e.similar, *e.keywords)))
               if t.strip()] for e in entries]
    bm25 = BM25Okapi(corpus)

    def top(question: str) -> str:
        scores = bm25.get_scores([t for t in tokenizer.lcut(question) if t.strip()])
        return entries[max(range(len(entries)), key=lambda i: scores[i])].id

    return top


def right_entries(catalog: FaqCatalog, items: Sequence[EvalItem]) -> dict[str, frozenset[str]]:
    """For each question, the ids of entries whose rendered answer states every fact."""
    rendered = {e.id: render_answer(e) for e in catalog.entries}
    return {item.id: frozenset(eid for eid, text in rendered.items()
                               if item.scope == "in" and fact_hit(text, item.question, item.facts))
            for item in items}


def collect(matcher: Matcher, catalog: FaqCatalog, items: Sequence[EvalItem],
            bm25: Callable[[str], str],
            rights: dict[str, frozenset[str]] | None = None) -> list[Row]:
    rights = rights if rights is not None else right_entries(catalog, items)
    rows = []
    for item in items:
        right = rights[item.id]
        ranked = matcher.rank(item.question, limit=10)
        decision = matcher.decide(item.question)
        rows.append(Row(item, right, [c.entry_id for c in ranked],
                        ranked[0].topic if ranked else "", decision.outcome,
                        bm25(item.question) if item.scope == "in" else ""))
    return rows


def report(rows: Sequence[Row]) -> str:
    lines = [f"{'split':<6}{'n':>4}{'top1':>7}{'top3':>7}{'bm25':>7}{'topic1':>8}"
             f"{'answered':>10}{'precision':>11}{'declined':>10}{'out→ans':>9}"]
    for label, parity in (("all", None), ("odd", 1), ("even", 0)):
        f = figures(_split(rows, parity))
        lines.append(
            f"{label:<6}{f['n_answerable']:>4}{f['top1']:>7.1%}{f['top3']:>7.1%}"
            f"{f['bm25']:>7.1%}{f['topic1']:>8.1%}{f['answered']:>10.1%}"
            f"{f['precision']:>11.1%}{f['declined']:>10.1%}{f['out_answered']:>9}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--eval", default=str(ROOT.parent / "shared" / "eval" / "dev.jsonl"))
    parser.add_argument("--misses", action="store_true", help="list answerable top-1 misses")
    parser.add_argument("--with-answers", action="store_true",
                        help="give the engine each entry's answer text (Document.answer)")
    args = parser.parse_args()
    laws = LawLibrary.load(ROOT / "content" / "laws")
    catalog = load_catalog(ROOT / "faq", ROOT / "content" / "topics.yaml", laws, strict=False)
    documents = documents_from_catalog(catalog)
    if args.with_answers:
        documents = [replace(d, answer=e.answer) for d, e in zip(documents, catalog.entries,
                                                                 strict=True)]
    matcher = Matcher.build(documents, cache_dir=ROOT / "instance")
    items = load_eval_file(args.eval)
    rows = collect(matcher, catalog, items, bm25_ranker(list(catalog.entries)))
    print(report(rows))
    if args.misses:
        for r in rows:
            if r.item.scope == "in" and r.right and (not r.ranked or r.ranked[0] not in r.right):
                print(f"- {r.item.id} [{r.item.topic}] {r.outcome} top={r.ranked[:3]} "
                      f"right={sorted(r.right)[:5]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
