"""Topics, FAQ pages and search, FAQ detail and statute articles, as API models.

Everything comes from the process's Brain (catalog, statute library, matcher): the same
content and the same matching engine the official account answers from.
"""

from __future__ import annotations

import math

from flask import current_app, has_request_context, request
from markdown_it import MarkdownIt

from ..dialogue.brain import Brain
from ..dialogue.service import app_brain
from ..extensions import get_site
from ..faq import FaqEntry
from ..laws import parse_citation
from ..laws.citations import normalize_article_number
from .cases import case_summaries
from .errors import ApiError, not_found
from .schemas import (
    Basis,
    FaqDetail,
    FaqPage,
    FaqQuery,
    FaqSummary,
    LawArticle,
    Topic,
    TopicList,
)

PAGE_SIZE = 20
# FAQ detail is Markdown written by staff; HTML in it is shown as text, never rendered.
_markdown = MarkdownIt("commonmark", {"html": False})
# Search ranks at most this many entries; beyond them the matches are noise.
SEARCH_LIMIT = 100


def brain() -> Brain:
    return app_brain(current_app._get_current_object())  # type: ignore[attr-defined]


def summary(entry: FaqEntry) -> FaqSummary:
    return FaqSummary(id=entry.id, topic=entry.topic, question=entry.question)


def base_url() -> str:
    """Where the H5 pages live: PUFA_PUBLIC_BASE_URL, else the address the client called."""
    configured = current_app.config.get("PUBLIC_BASE_URL") or ""
    if not configured and has_request_context():
        configured = request.url_root
    return str(configured).rstrip("/")


def faq_url(entry_id: str) -> str:
    return f"{base_url()}/faq/{entry_id}"


def topics() -> TopicList:
    catalog = brain().catalog
    return TopicList(topics=[
        Topic(name=t.name, label=t.menu, entries=len(catalog.in_topic(t.name)))
        for t in catalog.topics
    ])


def _search(b: Brain, text: str) -> list[FaqEntry]:
    """Entries for search words, best first, above the matcher's own "worth offering" bar."""
    if b.matcher is None:
        return []
    floor = b.matcher.thresholds.choices
    return [entry for c in b.matcher.rank(text, limit=SEARCH_LIMIT)
            if c.score >= floor and (entry := b.entry(c.entry_id)) is not None]


def faq_page(query: FaqQuery) -> FaqPage:
    b = brain()
    if query.topic is not None and b.catalog.topic(query.topic) is None:
        names = "、".join(t.name for t in b.catalog.topics)
        raise ApiError(400, "invalid_request", f"topic: unknown topic (one of {names})", "topic")
    if query.q:
        entries = _search(b, query.q)
        if query.topic is not None:
            entries = [e for e in entries if e.topic == query.topic]
    elif query.topic is not None:
        entries = b.catalog.in_topic(query.topic)
    else:
        entries = list(b.catalog.entries)
    total = len(entries)
    start = (query.page - 1) * PAGE_SIZE
    return FaqPage(
        items=[summary(e) for e in entries[start:start + PAGE_SIZE]],
        page=query.page,
        pages=math.ceil(total / PAGE_SIZE),
        total=total,
        page_size=PAGE_SIZE,
    )


def faq_detail(entry_id: str) -> FaqDetail:
    b = brain()
    entry = b.entry(entry_id)
    if entry is None:
        raise not_found("FAQ entry")
    site = get_site()
    basis = []
    for citation in entry.basis:
        article = None
        if b.laws is not None:
            try:
                article = b.laws.resolve(parse_citation(citation))
            except ValueError:
                article = None
        basis.append(Basis(citation=citation, text=article.text if article else None))
    related = [r for slug in entry.related if (r := b.entry(slug)) is not None]
    case_slugs = [slug for slug in entry.related if b.entry(slug) is None]
    return FaqDetail(
        id=entry.id,
        topic=entry.topic,
        question=entry.question,
        answer=site.fill(entry.answer),
        detail_markdown=site.fill(entry.detail),
        detail_html=_markdown.render(site.fill(entry.detail)),
        basis=basis,
        related_faq=[summary(r) for r in related],
        related_cases=case_summaries(case_slugs),
        url=faq_url(entry.id),
    )


def law_article(title: str, article: str) -> LawArticle:
    """One article by title (full, short or common alias) and number (82, 八十二, 第八十二条)."""
    laws = brain().laws
    statute = laws.statute(title) if laws is not None else None
    if statute is None:
        raise not_found("statute")
    try:
        number = normalize_article_number(article)
    except ValueError:
        raise ApiError(400, "invalid_request",
                       "article: write the number as 82, 八十二 or 第八十二条", "article") from None
    found = statute.article(number)
    if found is None:
        raise not_found(f"article {article} of 《{statute.title}》")
    return LawArticle(
        title=statute.title,
        short_title=statute.short_title,
        number=found.number,
        article=found.label,
        chapter=found.chapter,
        text=found.text,
        paragraphs=list(found.paragraphs),
    )
