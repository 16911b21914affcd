"""The FAQ catalog, the statute library and the matcher: built once per process.

Building tokenises every similar question and loads jieba, which takes seconds; it happens at
start-up (`pufa serve` warms it before gunicorn forks, so workers share the pages) and is
cached per content location, never per request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from wx_backend.faq import FaqCatalog, FaqEntry, Topic, documents_from_catalog, load_catalog
from wx_backend.laws import LawLibrary
from wx_backend.matching import Decision, Matcher

log = logging.getLogger(__name__)
DECISION_CACHE_SIZE = 4096


@dataclass(frozen=True)
class Brain:
    """Everything the dialogue needs to answer questions from content."""

    catalog: FaqCatalog
    laws: LawLibrary | None
    matcher: Matcher | None  # None while the catalog is empty
    # Workers ask the same things in the same words ("加班费怎么算"); the brain never changes
    # while serving, so a decision is remembered per exact text (bounded, thread-safe).
    _decide: Callable[[str], Decision] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        matcher = self.matcher
        decide = lru_cache(maxsize=DECISION_CACHE_SIZE)(matcher.decide) if matcher else None
        object.__setattr__(self, "_decide", decide)

    @property
    def topics(self) -> tuple[Topic, ...]:
        return self.catalog.topics

    def entry(self, entry_id: str) -> FaqEntry | None:
        return self.catalog.get(entry_id)

    def decide(self, text: str) -> Decision:
        """The matcher's decision; with no catalog there is nothing to be sure of."""
        if self._decide is None:
            return Decision("fallback", (), text)
        return self._decide(text)


def build_brain(content_dir: Path, cache_dir: Path | None) -> Brain:
    """Load laws, catalog and matcher from a content folder (faq/, content/)."""
    laws_dir = content_dir / "content" / "laws"
    laws = LawLibrary.load(laws_dir) if laws_dir.is_dir() else None
    catalog = load_catalog(content_dir / "faq", content_dir / "content" / "topics.yaml", laws)
    dictionaries = content_dir / "content" / "dictionaries"
    matcher = None
    if len(catalog):
        matcher = Matcher.build(
            documents_from_catalog(catalog),
            cache_dir=cache_dir,
            dictionaries_dir=dictionaries if dictionaries.is_dir() else None,
        )
    log.info("brain: %d FAQ entries, %d statutes", len(catalog), len(laws) if laws else 0)
    return Brain(catalog, laws, matcher)


_cache: dict[str, Brain] = {}
_failures: dict[str, tuple[float, Exception]] = {}
_lock = threading.Lock()
# After a failed build (broken content on disk), requests fail fast for this long instead of
# each paying for another build; the dialogue answers them with the honest fallback.
RETRY_AFTER_SECONDS = 60.0


def get_brain(content_dir: Path | str, cache_dir: Path | str | None = None) -> Brain:
    """The process-wide Brain for a content folder, built on first use.

    Keyed by the content folder only: the jieba cache folder speeds up the first build and
    does not change the result.
    """
    key = str(Path(content_dir).resolve())
    brain = _cache.get(key)
    if brain is not None:
        return brain
    with _lock:
        brain = _cache.get(key)
        if brain is not None:
            return brain
        failed = _failures.get(key)
        if failed is not None and time.monotonic() - failed[0] < RETRY_AFTER_SECONDS:
            raise failed[1]
        try:
            brain = build_brain(Path(content_dir), Path(cache_dir) if cache_dir else None)
        except Exception as exc:
            _failures[key] = (time.monotonic(), exc)
            raise
        _failures.pop(key, None)
        _cache[key] = brain
    return brain


def forget_brains() -> None:
    """Drop cached brains (after content changes on disk, and in tests)."""
    with _lock:
        _cache.clear()
        _failures.clear()
