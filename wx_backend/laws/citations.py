"""Citations of the form 《工伤保险条例》第十七条第二款第（一）项, and quotations of them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from wx_backend.laws.numerals import NUMERAL_CHARS, cn_to_int, int_to_cn

_N = f"[{NUMERAL_CHARS}]+"
_CITATION_RE = re.compile(
    rf"^《(?P<title>[^》]+)》第(?P<article>{_N})条(?P<suffix>之[一二三四五六七八九])?"
    rf"(?:第(?P<paragraph>{_N})款)?(?:第[（(](?P<item>{_N})[）)]项)?$"
)
# A quotation as faq/README.md prescribes it: 《X》第N条[第N款][第（N）项]规定：“…”
QUOTATION_RE = re.compile(
    rf"《(?P<title>[^》]+)》第(?P<article>{_N})条(?P<suffix>之[一二三四五六七八九])?"
    rf"(?:第(?P<paragraph>{_N})款)?(?:第[（(](?P<item>{_N})[）)]项)?"
    r"规定[：:]\s*“(?P<quote>[^”]*)”"
)


@dataclass(frozen=True)
class Citation:
    """A reference to one article (and optionally one paragraph and item) of an instrument."""

    title: str
    article: str  # "17", "276之一"
    paragraph: int | None = None
    item: int | None = None

    @property
    def article_label(self) -> str:
        """Return the article in statute form, e.g. 第十七条 or 第二百七十六条之一."""
        return article_label(self.article)

    def __str__(self) -> str:
        text = f"《{self.title}》{self.article_label}"
        if self.paragraph is not None:
            text += f"第{int_to_cn(self.paragraph)}款"
        if self.item is not None:
            text += f"第（{int_to_cn(self.item)}）项"
        return text


@dataclass(frozen=True)
class QuotationProblem:
    """One quotation in a text that does not match the statute it cites."""

    citation: str
    quote: str
    reason: str

    def __str__(self) -> str:
        excerpt = self.quote if len(self.quote) <= 40 else self.quote[:40] + "…"
        return f"{self.citation}: {self.reason}: “{excerpt}”"


def article_number(numeral: str, suffix: str | None = None) -> str:
    """Return the library key of an article: 十七 → "17", (二百七十六, 之一) → "276之一"."""
    return str(cn_to_int(numeral)) + (suffix or "")


def article_label(number: str) -> str:
    """Return the statute label of an article key: "17" → 第十七条."""
    match = re.fullmatch(r"(\d+)(之.)?", number)
    if not match:
        raise ValueError(f"not an article number: {number!r}")
    return f"第{int_to_cn(int(match.group(1)))}条{match.group(2) or ''}"


def normalize_article_number(number: str | int) -> str:
    """Accept "17", 17, "十七", "第十七条", "276之一" and return the library key."""
    text = str(number).strip()
    match = re.fullmatch(rf"第?(\d+|{_N})条?(之[一二三四五六七八九])?", text)
    if not match:
        raise ValueError(f"not an article number: {number!r}")
    return article_number(match.group(1), match.group(2))


def parse_citation(text: str) -> Citation:
    """Parse 《工伤保险条例》第十七条第二款 into a Citation; raise ValueError if malformed."""
    match = _CITATION_RE.match(text.strip())
    if not match:
        raise ValueError(
            f"citation not in the form 《名称》第N条[第N款][第（N）项]: {text!r}"
        )
    return _citation_from_match(match)


def _citation_from_match(match: re.Match[str]) -> Citation:
    paragraph = match.group("paragraph")
    item = match.group("item")
    return Citation(
        title=match.group("title"),
        article=article_number(match.group("article"), match.group("suffix")),
        paragraph=cn_to_int(paragraph) if paragraph else None,
        item=cn_to_int(item) if item else None,
    )


def find_quotations(text: str) -> list[tuple[Citation, str]]:
    """Return every (citation, quoted words) written per the quotation convention."""
    return [(_citation_from_match(m), m.group("quote")) for m in QUOTATION_RE.finditer(text)]
