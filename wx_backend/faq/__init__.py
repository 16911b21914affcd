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
from wx_backend.faq.placeholders import NATIONAL_VALUES, fill_placeholders

__all__ = [
    "NATIONAL_VALUES",
    "PLACEHOLDERS",
    "ContentError",
    "FaqCatalog",
    "FaqEntry",
    "Topic",
    "documents_from_catalog",
    "fill_placeholders",
    "load_catalog",
    "load_topics",
]
