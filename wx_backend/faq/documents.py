"""Turn catalog entries into the matching engine's input documents."""

from __future__ import annotations

from wx_backend.faq.catalog import FaqCatalog
from wx_backend.matching import Document


def documents_from_catalog(catalog: FaqCatalog) -> list[Document]:
    """Return one matching Document per FAQ entry, in catalog order."""
    return [
        Document(
            id=entry.id,
            topic=entry.topic,
            question=entry.question,
            similar=entry.similar,
            keywords=entry.keywords,
            answer=entry.answer,
        )
        for entry in catalog.entries
    ]
