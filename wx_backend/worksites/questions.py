"""The few questions shown on a worksite's poster and landing page.

Most asked at that worksite (answered FAQ entries over the last 90 days) first, then the
FAQ's common questions for building sites: the first entry of the wage, injury and contract
topics. If the FAQ files cannot be read the topic menu labels stand in, so a poster always
prints.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from ..analytics.aggregates import Period, top_questions_at
from ..faq import ContentError, FaqCatalog, load_catalog, load_topics

log = logging.getLogger(__name__)

# Topics that matter most on building sites, in poster order.
COMMON_TOPICS = ("欠薪与工资支付", "工伤认定", "劳动合同订立", "维权渠道与仲裁")
_CATALOG_KEY = "pufa_worksites_catalog"


@dataclass(frozen=True)
class CommonQuestion:
    text: str
    entry_id: str | None = None
    asked: int = 0  # times answered at this worksite recently (0 = FAQ default)


def _catalog() -> FaqCatalog | None:
    app = current_app
    if _CATALOG_KEY not in app.extensions:
        content = Path(app.config["CONTENT_DIR"])
        try:
            catalog = load_catalog(content / "faq", content / "content" / "topics.yaml")
        except (ContentError, OSError) as exc:
            log.warning("FAQ not readable for posters, using topic labels: %s", exc)
            catalog = None
        app.extensions[_CATALOG_KEY] = catalog
    found: FaqCatalog | None = app.extensions[_CATALOG_KEY]
    return found


def _defaults() -> list[CommonQuestion]:
    catalog = _catalog()
    found: list[CommonQuestion] = []
    if catalog is not None and len(catalog):
        for topic in COMMON_TOPICS:
            entries = catalog.in_topic(topic)
            if entries:
                found.append(CommonQuestion(entries[0].question, entries[0].id))
        if found:
            return found
    content = Path(current_app.config["CONTENT_DIR"])
    try:
        topics = {t.name: t for t in load_topics(content / "content" / "topics.yaml")}
    except (ContentError, OSError):
        return []
    return [CommonQuestion(topics[name].menu + "？") for name in COMMON_TOPICS if name in topics]


def common_questions(source: str | None, limit: int = 3, days: int = 90) -> list[CommonQuestion]:
    """Up to `limit` questions for a worksite: its most asked, then the FAQ's common ones."""
    result: list[CommonQuestion] = []
    catalog = _catalog()
    if source and catalog is not None:
        for entry_id, count in top_questions_at(source, Period.last(days), limit=limit):
            entry = catalog.get(entry_id)
            if entry is not None:
                result.append(CommonQuestion(entry.question, entry.id, count))
    for item in _defaults():
        if len(result) >= limit:
            break
        if all(item.text != r.text for r in result):
            result.append(item)
    return result[:limit]
