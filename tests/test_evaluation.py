"""The evaluation harness: fact hits, declines, per-topic figures, baselines."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from wx_backend.evaluation import (
    EvalItem,
    EvalReply,
    Fact,
    declined,
    fact_hit,
    format_report,
    keyword_baseline,
    load_eval_file,
    run_eval,
)
from wx_backend.faq import FaqEntry

DOUBLE_WAGE = (Fact("double", r"二倍|2倍"), Fact("month", r"(一|1)个月"))


def test_fact_hit_needs_every_pattern_after_nfkc_and_whitespace_removal() -> None:
    reply = "超过１个月 不签合同，每月支付二倍\n工资。"
    assert fact_hit(reply, "不签合同怎么办", DOUBLE_WAGE)
    assert not fact_hit("每月支付二倍工资。", "不签合同怎么办", DOUBLE_WAGE)


def test_echoing_the_question_earns_nothing() -> None:
    question = "超过1个月没签合同能拿二倍工资吗"
    assert not fact_hit(f"您问：{question} 请拨打12333。", question, DOUBLE_WAGE)


def test_fact_hit_without_facts_is_no_hit() -> None:
    assert not fact_hit("任何回复", "问题", ())


def test_declined_names_12348_and_cites_no_labor_statute() -> None:
    assert declined("这不是劳动问题，请拨打12348公共法律服务热线。")
    assert not declined("请拨打12333。")
    assert not declined("依据《劳动合同法》第八十二条……也可拨打12348。")
    assert not declined("可拨打12348。依据：《女职工劳动保护特别规定》第七条",
                        statute_names={"女职工劳动保护特别规定"})


def test_run_eval_counts_first_reply_reachable_and_declines() -> None:
    items = [
        EvalItem("q1", "没签合同", "in", topic="劳动合同订立", facts=DOUBLE_WAGE),
        EvalItem("q2", "没签合同半年", "in", topic="劳动合同订立", facts=DOUBLE_WAGE),
        EvalItem("q3", "欠薪", "in", topic="欠薪与工资支付", facts=(Fact("m", "监察"),)),
        EvalItem("o1", "离婚", "out", area="婚姻家庭"),
    ]
    answer = "超过1个月未签合同，每月二倍工资。"
    replies = {
        "没签合同": EvalReply(answer, [], "answer"),
        "没签合同半年": EvalReply("您想问：1. …", ["别的", answer], "choices"),
        "欠薪": EvalReply("请拨打12333或12348。", [], "fallback"),
        "离婚": EvalReply("请拨打12348。", [], "out_of_scope"),
    }
    report = run_eval(items, replies.__getitem__, name="test")
    contracts = next(t for t in report.topics if t.topic == "劳动合同订立")
    assert (contracts.count, contracts.first_hit, contracts.reachable) == (2, 0.5, 1.0)
    assert report.overall.fallback == 1 / 3
    assert report.out_of_scope_declined == 1.0
    assert [r.item.id for r in report.misses()] == ["q2", "q3"]
    table = format_report([report])
    assert "劳动合同订立" in table and "50.0%" in table


def test_load_eval_file_reads_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    path.write_text(
        json.dumps({"id": "q1", "q": "问", "scope": "in", "topic": "试用期",
                    "facts": [{"key": "k", "re": "试用期", "basis": "《劳动合同法》第十九条"}]},
                   ensure_ascii=False) + "\n\n"
        + json.dumps({"id": "o1", "q": "问", "scope": "out", "area": "继承"}) + "\n", "utf-8")
    items = load_eval_file(path)
    assert items[0].facts == (Fact("k", "试用期", "《劳动合同法》第十九条"),)
    assert items[1].area == "继承"


def _entry(entry_id: str, keywords: tuple[str, ...], answer: str) -> FaqEntry:
    return FaqEntry(entry_id, "t", "问题", ("x",) * 8, keywords, answer, "", (), (),
                    dt.date(2026, 11, 26))


def test_keyword_baseline_takes_first_entry_in_file_order() -> None:
    entries = [_entry("a-01", ("工资",), "A"), _entry("a-02", ("拖欠工资",), "B")]
    reply = keyword_baseline(entries, lambda e: e.answer, "FALLBACK")
    assert reply("老板拖欠工资").first_reply == "A"
    assert reply("怎么认定工伤").first_reply == "FALLBACK"
