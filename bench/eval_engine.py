"""Measure the matching engine on the dev set beside baselines B0 and B1.

    python bench/eval_engine.py [--eval ../shared/eval/dev.jsonl] [--misses]

Replies are rendered the simplest faithful way: an answer is the answer text plus a 依据 line;
choices are a numbered question list; fallback and out-of-scope name 12333 and 12348.
Placeholders are filled with national values.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wx_backend.evaluation import (  # noqa: E402
    EvalReply,
    bm25_baseline,
    format_report,
    keyword_baseline,
    load_eval_file,
    run_eval,
)
from wx_backend.faq import (  # noqa: E402
    FaqCatalog,
    FaqEntry,
    documents_from_catalog,
    fill_placeholders,
    load_catalog,
)
from wx_backend.laws import LawLibrary  # noqa: E402
from wx_backend.matching import Decision, Matcher  # noqa: E402

FALLBACK = ("这个问题我们暂时没有现成的答案。劳动方面的问题可以拨打人社服务热线12333，"
            "或到当地人社部门咨询；婚姻、继承、交通事故、借贷、消费等其他法律问题，"
            "请拨打公共法律服务热线12348。")


def render_answer(entry: FaqEntry) -> str:
    """Answer text and the 依据 line."""
    return fill_placeholders(entry.answer) + "\n依据：" + "；".join(entry.basis)


def render_choices(catalog: FaqCatalog, decision: Decision) -> str:
    """A numbered list of the candidate questions."""
    lines = ["您想问的是下面哪一个？回复数字查看："]
    for number, candidate in enumerate(decision.candidates, start=1):
        entry = catalog.get(candidate.entry_id)
        lines.append(f"{number}. {entry.question if entry else candidate.entry_id}")
    return "\n".join(lines)


def engine_reply(catalog: FaqCatalog, matcher: Matcher) -> Callable[[str], EvalReply]:
    """Reply function of the engine with this rendering."""

    def reply(question: str) -> EvalReply:
        decision = matcher.decide(question)
        if decision.outcome == "answer":
            entry = catalog.get(decision.candidates[0].entry_id)
            assert entry is not None
            return EvalReply(render_answer(entry), [], "answer")
        if decision.outcome == "choices":
            picks = [catalog.get(c.entry_id) for c in decision.candidates]
            return EvalReply(render_choices(catalog, decision),
                             [render_answer(e) for e in picks if e is not None], "choices")
        return EvalReply(FALLBACK, [], decision.outcome)

    return reply


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--eval", default=str(ROOT.parent / "shared" / "eval" / "dev.jsonl"))
    parser.add_argument("--misses", action="store_true", help="list in-scope misses")
    args = parser.parse_args()

    laws = LawLibrary.load(ROOT / "content" / "laws")
    catalog = load_catalog(ROOT / "faq", ROOT / "content" / "topics.yaml", laws, strict=False)
    for problem in catalog.problems:
        print("content problem:", problem, file=sys.stderr)
    print(f"FAQ: {len(catalog)} valid entries; missing files: "
          f"{', '.join(catalog.missing_files) or 'none'}")
    started = time.perf_counter()
    matcher = Matcher.build(documents_from_catalog(catalog), cache_dir=ROOT / "instance")
    print(f"engine built in {time.perf_counter() - started:.2f} s")
    items = load_eval_file(args.eval)
    entries = list(catalog.entries)
    names = laws.names
    reports = [
        run_eval(items, engine_reply(catalog, matcher), name="engine", statute_names=names),
        run_eval(items, keyword_baseline(entries, render_answer, FALLBACK), name="B0 keyword",
                 statute_names=names),
        run_eval(items, bm25_baseline(entries, render_answer), name="B1 rank_bm25",
                 statute_names=names),
    ]
    print(format_report(reports))
    outcomes: dict[str, int] = {}
    for result in reports[0].results:
        key = f"{result.item.scope}:{result.reply.outcome}"
        outcomes[key] = outcomes.get(key, 0) + 1
    print("engine outcomes:", dict(sorted(outcomes.items())))
    if args.misses:
        for result in reports[0].misses():
            decision = matcher.decide(result.item.question)
            print(f"- {result.item.id} [{result.item.topic}] {decision.outcome} "
                  f"{[(c.entry_id, c.score) for c in decision.candidates]} "
                  f"reach={result.reachable}")
        for result in reports[0].results:
            if result.item.scope == "out" and not result.declined:
                decision = matcher.decide(result.item.question)
                print(f"- OUT {result.item.id} [{result.item.area}] {decision.outcome} "
                      f"{[(c.entry_id, c.score) for c in decision.candidates]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
