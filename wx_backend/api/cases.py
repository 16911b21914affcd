"""Published case explainers as API models; drafts and unpublished cases never appear."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app

from ..db import db
from ..extensions import get_site
from ..models import Case, CaseVersion
from ..publishing import case_url, workflow
from ..publishing.documents import CASE_TOPICS
from ..publishing.pages import ILLUSTRATIVE_NOTE, build_page
from .errors import not_found
from .schemas import CaseDetail, CaseList, CaseSummary


def _summary(slug: str, version: Case | CaseVersion) -> CaseSummary:
    site = get_site()
    return CaseSummary(
        slug=slug,
        title=version.title,
        summary=site.fill(version.summary),
        topics=list(version.topics),
        url=case_url(current_app._get_current_object(), slug),  # type: ignore[attr-defined]
    )


def case_summaries(slugs: Iterable[str], limit: int = 3) -> list[CaseSummary]:
    """The published ones among `slugs`, in order, at most `limit`."""
    found: list[CaseSummary] = []
    for slug in slugs:
        live = workflow.live_version(db.session, slug)
        if live is not None:
            found.append(_summary(slug, live[1]))
        if len(found) >= limit:
            break
    return found


def case_list(topic: str | None) -> CaseList:
    live = [_summary(case.slug, version) for case, version in workflow.live_cases(db.session)]
    present = [t for t in CASE_TOPICS if any(t in c.topics for c in live)]
    present += sorted({t for c in live for t in c.topics} - set(present))
    if topic is not None:
        live = [c for c in live if topic in c.topics]
    return CaseList(cases=live, topics=present)


def case_detail(slug: str) -> CaseDetail:
    found = workflow.live_version(db.session, slug)
    if found is None:
        raise not_found("case")
    case, version = found
    workflow.record_view(db.session, case.id)
    db.session.commit()
    page = build_page(slug, version, get_site())
    summary = _summary(slug, version)
    return CaseDetail(
        **summary.model_dump(),
        html=page.html,
        published=page.published or None,
        source=page.source,
        source_url=page.source_url,
        illustrative=page.illustrative,
        note=ILLUSTRATIVE_NOTE if page.illustrative else None,
    )
