"""Statute library: the labor-law texts in content/laws/, addressable by title and article."""

from wx_backend.laws.citations import Citation, QuotationProblem, parse_citation
from wx_backend.laws.library import Article, LawLibrary, Statute
from wx_backend.laws.numerals import cn_to_int, int_to_cn

__all__ = [
    "Article",
    "Citation",
    "LawLibrary",
    "QuotationProblem",
    "Statute",
    "cn_to_int",
    "int_to_cn",
    "parse_citation",
]
