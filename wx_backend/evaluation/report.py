"""Print evaluation reports side by side."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from wx_backend.evaluation.runner import EvalReport, TopicFigures


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def _pct(value: float) -> str:
    return f"{value * 100:5.1f}%"


def format_report(reports: Sequence[EvalReport]) -> str:
    """Return a table: per topic, first-reply hit / reachable / fallback for each report."""
    if not reports:
        return ""
    first = reports[0]
    rows: list[tuple[str, int, list[TopicFigures | None]]] = []
    for topic in first.topics:
        row = [next((t for t in r.topics if t.topic == topic.topic), None) for r in reports]
        rows.append((topic.topic, topic.count, row))
    rows.append(("全部（范围内）", first.overall.count, [r.overall for r in reports]))
    name_w = max(_width(name) for name, _, _ in rows) + 2
    header = _pad("topic", name_w) + "   n"
    for report in reports:
        header += f" | {_pad(report.name or '-', 20)}"
    sub = _pad("", name_w) + "    "
    for _ in reports:
        sub += " | first  reach  fallbk"
    lines = [header, sub, "-" * _width(sub)]
    for name, count, figures in rows:
        line = _pad(name, name_w) + f"{count:4d}"
        for fig in figures:
            if fig is None:
                line += " |" + " " * 21
            else:
                line += f" | {_pct(fig.first_hit)} {_pct(fig.reachable)} {_pct(fig.fallback)}"
        lines.append(line)
    lines.append("-" * _width(sub))
    line = _pad("范围外：已婉拒并指引12348", name_w) + f"{first.out_of_scope_count:4d}"
    for report in reports:
        line += f" | {_pct(report.out_of_scope_declined)}" + " " * 14
    lines.append(line)
    return "\n".join(lines)
