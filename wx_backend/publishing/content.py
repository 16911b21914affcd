"""What case validation checks against: statute texts, FAQ ids, the site's placeholders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app

from wx_backend.faq import ContentError, load_catalog
from wx_backend.laws import LawLibrary
from wx_backend.publishing.documents import CaseDocument, check_against_content

EXTENSION_KEY = "pufa_publishing_content"


@dataclass(frozen=True)
class PublishingContent:
    """Loaded once per app; the checks every case passes before it can go online."""

    cases_dir: Path
    laws: LawLibrary
    faq_ids: frozenset[str] | None  # None: the FAQ could not be loaded, ids are not checked
    fill: Callable[[str], str]

    def problems(self, document: CaseDocument, where: str) -> list[str]:
        return check_against_content(document, where, self.laws, self.faq_ids, self.fill)


def _newest_change(*folders: Path) -> float:
    times = [p.stat().st_mtime for folder in folders if folder.is_dir()
             for p in folder.rglob("*") if p.is_file()]
    return max(times, default=0.0)


@lru_cache(maxsize=4)
def _load_references(
    content_dir: Path, _changed: float
) -> tuple[LawLibrary, frozenset[str] | None]:
    # Cached per folder and last change: statutes and FAQ ids are read-only while serving,
    # and every app in one process (tests, workers' threads) can share them.
    laws = LawLibrary.load(content_dir / "content" / "laws")
    try:
        catalog = load_catalog(content_dir / "faq", content_dir / "content" / "topics.yaml",
                               strict=False)
        faq_ids: frozenset[str] | None = frozenset(entry.id for entry in catalog.entries)
    except (ContentError, OSError):
        faq_ids = None
    return laws, faq_ids


def load_content(content_dir: Path, fill: Callable[[str], str]) -> PublishingContent:
    changed = _newest_change(content_dir / "content", content_dir / "faq")
    laws, faq_ids = _load_references(content_dir.resolve(), changed)
    return PublishingContent(content_dir / "cases_explained", laws, faq_ids, fill)


def get_content(app: Flask | None = None) -> PublishingContent:
    """The app's PublishingContent, loaded on first use."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    content: PublishingContent | None = app.extensions.get(EXTENSION_KEY)
    if content is None:
        site = app.extensions["pufa_site"]
        content = load_content(Path(app.config["CONTENT_DIR"]), site.fill)
        app.extensions[EXTENSION_KEY] = content
    return content
