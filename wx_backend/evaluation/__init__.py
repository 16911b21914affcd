"""Measure replies against the evaluation set: fact hits, reachability, honest declines."""

from wx_backend.evaluation.baselines import bm25_baseline, keyword_baseline
from wx_backend.evaluation.metrics import declined, fact_hit
from wx_backend.evaluation.report import format_report
from wx_backend.evaluation.runner import (
    EvalItem,
    EvalReply,
    EvalReport,
    Fact,
    ItemResult,
    TopicFigures,
    load_eval_file,
    run_eval,
)

__all__ = [
    "EvalItem",
    "EvalReply",
    "EvalReport",
    "Fact",
    "ItemResult",
    "TopicFigures",
    "bm25_baseline",
    "declined",
    "fact_hit",
    "format_report",
    "keyword_baseline",
    "load_eval_file",
    "run_eval",
]
