"""FAQ catalog: typed, validated entries loaded from faq/*.yaml."""

from wx_backend.faq.catalog import (
    PLACEHOLDERS,
    ContentError,
    FaqCatalog,
    FaqEntry,
    Topic,
    load_catalog,
    load_topics,
)
from wx_backend.faq.documents import documents_from_catalog

__all__ = [
    "PLACEHOLDERS",
    "ContentError",
    "FaqCatalog",
    "FaqEntry",
    "Topic",
    "documents_from_catalog",
    "load_catalog",
    "load_topics",
]
