"""Article references written in running text, read the way a worker reads them.

An answer names an instrument once (《劳动合同法》第三十八条) and then writes bare numbers
(第四十六条、第四十七条); a reader takes each bare number to belong to the instrument named
last before it. A bare number placed after some other instrument therefore points a worker at
the wrong law (第四十七条 after 《劳动争议调解仲裁法》 is that law's article on final awards).
`read_references` applies exactly that reading so content checks can catch it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from wx_backend.laws.citations import article_label, article_number, parse_citation
from wx_backend.laws.library import LawLibrary, Statute
from wx_backend.laws.numerals import NUMERAL_CHARS

_N = f"[{NUMERAL_CHARS}]+"

# Shorthands the FAQ uses in running text, besides the library's titles and aliases.
SHORTHANDS: dict[str, str] = {
    "司法解释（一）": "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）",
    "司法解释（二）": "最高人民法院关于审理劳动争议案件适用法律问题的解释（二）",
    "解释（一）": "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）",
    "解释（二）": "最高人民法院关于审理劳动争议案件适用法律问题的解释（二）",
    "实施条例": "劳动合同法实施条例",
    "工伤行政案件规定": "最高人民法院关于审理工伤保险行政案件若干问题的规定",
    "最高法工伤行政案件规定": "最高人民法院关于审理工伤保险行政案件若干问题的规定",
    "拒不支付劳动报酬刑事案件解释": (
        "最高人民法院关于审理拒不支付劳动报酬刑事案件适用法律若干问题的解释"),
    "最高法拒不支付劳动报酬刑事案件解释": (
        "最高人民法院关于审理拒不支付劳动报酬刑事案件适用法律若干问题的解释"),
    "关于审理拒不支付劳动报酬刑事案件适用法律若干问题的解释": (
        "最高人民法院关于审理拒不支付劳动报酬刑事案件适用法律若干问题的解释"),
}
# "条例第二条": the 条例 named last.
_REGULATION = "条例"


@dataclass(frozen=True)
class Reference:
    """One article number in running text and the instrument a reader ties it to."""

    article: str  # library key: "47", "276之一"
    statute: Statute | None  # None: no instrument in the library is in force at this point
    context: str  # the instrument as named in the text ("" when none was named before)
    explicit: bool  # the instrument is named right before the number
    excerpt: str  # a few characters around the reference, for messages


def read_references(text: str, laws: LawLibrary) -> list[Reference]:
    """Return every 第N条 outside quotation marks, tied to the instrument a reader would take.

    Quotations (“…”) are skipped: their references belong to the quoted article's own law
    and are checked word for word elsewhere. "附录第N条" (an appendix item) is not an article.
    """
    token = _token_pattern(laws.names)
    current: Statute | None = None
    current_name = ""
    last_regulation: Statute | None = None
    bracket_end = -1
    references: list[Reference] = []
    for match in token.finditer(text):
        if match.group(0).startswith("“"):
            continue
        if match.group("bracketed") is not None:
            current_name = match.group("bracketed")
            current = _lookup(current_name, laws)
            if current is not None and current.title.endswith(_REGULATION):
                last_regulation = current
            bracket_end = match.end()
            continue
        if match.group("appendix"):
            continue
        named = match.group("named")
        explicit = match.start() == bracket_end  # 《劳动合同法》第四十条
        if named:
            statute = last_regulation if named == _REGULATION else _lookup(named, laws)
            if statute is not None:
                current, current_name, explicit = statute, named, True
                if statute.title.endswith(_REGULATION):
                    last_regulation = statute
        start = max(0, match.start() - 20)
        excerpt = text[start:match.end() + 6].replace("\n", " ")
        numbers = match.group("articles").split("、")
        for position, numeral in enumerate(numbers):
            suffix = match.group("suffix") if position == len(numbers) - 1 else None
            try:
                number = article_number(numeral, suffix)
            except ValueError:
                continue
            references.append(Reference(number, current, current_name, explicit, excerpt))
    return references


def reference_problems(text: str, basis: list[tuple[str, str]], laws: LawLibrary) -> list[str]:
    """Problems with the article references in text, given the entry's basis.

    basis: (full title, article key) of each citation the entry rests on. A reference is wrong
    when no instrument was named before it, when the instrument it falls under is not in
    content/laws/, when that instrument has no such article, or when the article is not in the
    basis under this instrument but is under another — the tell-tale of a bare number written
    after the wrong instrument.
    """
    problems: list[str] = []
    cited = set(basis)
    for ref in read_references(text, laws):
        where = f"…{ref.excerpt}…"
        label = article_label(ref.article)
        if ref.statute is None:
            if ref.context:
                problems.append(f"{label}读作《{ref.context}》的条文，但这部文件不在 content/laws/ "
                                f"里，无法核对，请不写条号或改引已收录的法律：{where}")
            else:
                problems.append(f"{label}前面没有写明是哪部法律，请写明：{where}")
            continue
        if ref.statute.article(ref.article) is None:
            problems.append(f"{label}按上文读作《{ref.statute.short_title}》{label}，"
                            f"但该法没有这一条，请写明法律名称：{where}")
            continue
        if (ref.statute.title, ref.article) not in cited:
            others = [title for title, article in cited
                      if article == ref.article and title != ref.statute.title]
            if others:
                problems.append(f"{label}按上文读作《{ref.statute.short_title}》{label}，但依据里"
                                f"这一条属于《{others[0]}》，请写明法律名称：{where}")
    return problems


def cited_articles(citations: Iterable[str], laws: LawLibrary) -> list[tuple[str, str]]:
    """(full title, article key) of each well-formed citation to a shipped instrument."""
    cited: list[tuple[str, str]] = []
    for text in citations:
        try:
            citation = parse_citation(text)
        except ValueError:
            continue  # malformed citations are reported where they are listed
        statute = laws.statute(citation.title)
        if statute is not None:
            cited.append((statute.title, citation.article))
    return cited


@lru_cache(maxsize=8)
def _token_pattern(library_names: frozenset[str]) -> re.Pattern[str]:
    # Longest names first, so 劳动合同法实施条例 is not read as 劳动合同法 + 实施条例.
    names = sorted({*library_names, *SHORTHANDS, _REGULATION}, key=len, reverse=True)
    return re.compile(
        r"“[^”]*”|《(?P<bracketed>[^》]+)》"
        r"|(?P<appendix>附录)?(?P<named>" + "|".join(map(re.escape, names)) + r")?"
        rf"第(?P<articles>{_N}(?:、{_N})*)条(?P<suffix>之[一二三四五六七八九])?"
    )


def _lookup(name: str, laws: LawLibrary) -> Statute | None:
    return laws.statute(SHORTHANDS.get(name, name))
