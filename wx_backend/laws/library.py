"""Parse the statute Markdown files and look articles up by title and number."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from wx_backend.laws.citations import (
    Citation,
    QuotationProblem,
    article_label,
    article_number,
    find_quotations,
    normalize_article_number,
)
from wx_backend.laws.numerals import NUMERAL_CHARS, cn_to_int

PRC = "中华人民共和国"
_N = f"[{NUMERAL_CHARS}]+"
_ARTICLE_START = re.compile(rf"^第({_N})条(之[一二三四五六七八九])?(?:[\s　]+|$)(.*)$")
_SECTION_HEADING = re.compile(rf"^##\s*({_N})(?:[、.．]\s*(.*))?$")
_EXCERPT = re.compile(r"（[^）]*节选[^）]*）$")

# Short names people and documents use, for instruments whose short name is unambiguous.
# Keys are aliases, values the title without 中华人民共和国. An alias is only registered when its
# target is in the library.
ALIASES: dict[str, str] = {
    "工伤条例": "工伤保险条例",
    "社保法": "社会保险法",
    "调解仲裁法": "劳动争议调解仲裁法",
    "劳动争议仲裁法": "劳动争议调解仲裁法",
    "劳动合同法条例": "劳动合同法实施条例",
    "年休假条例": "职工带薪年休假条例",
    "带薪年休假条例": "职工带薪年休假条例",
    "年休假实施办法": "企业职工带薪年休假实施办法",
    "带薪年休假实施办法": "企业职工带薪年休假实施办法",
    "农民工工资支付条例": "保障农民工工资支付条例",
    "劳动监察条例": "劳动保障监察条例",
    "女职工特别规定": "女职工劳动保护特别规定",
    "女职工保护规定": "女职工劳动保护特别规定",
    "职业病法": "职业病防治法",
    "劳动争议司法解释一": "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）",
    "劳动争议解释一": "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）",
    "劳动争议司法解释（一）": "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）",
    "劳动争议解释（一）": "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）",
    "劳动争议司法解释二": "最高人民法院关于审理劳动争议案件适用法律问题的解释（二）",
    "劳动争议解释二": "最高人民法院关于审理劳动争议案件适用法律问题的解释（二）",
    "劳动争议司法解释（二）": "最高人民法院关于审理劳动争议案件适用法律问题的解释（二）",
    "劳动争议解释（二）": "最高人民法院关于审理劳动争议案件适用法律问题的解释（二）",
    "工资折算通知": "关于职工全年月平均工作时间和工资折算问题的通知",
}


@dataclass(frozen=True)
class Article:
    """One article of an instrument."""

    title: str  # the instrument's full title, e.g. 中华人民共和国劳动合同法
    number: str  # "17", "276之一"
    label: str  # "第十七条"
    text: str  # the article's words without the label, paragraphs joined by newlines
    paragraphs: tuple[str, ...]
    chapter: str = ""


@dataclass(frozen=True)
class Statute:
    """One instrument: its title and articles in order."""

    title: str
    short_title: str
    path: Path
    articles: tuple[Article, ...]
    _by_number: dict[str, Article] = field(default_factory=dict, repr=False, compare=False)

    def article(self, number: str | int) -> Article | None:
        """Return the article with this number ("17", "十七", "276之一"), or None."""
        try:
            key = normalize_article_number(number)
        except ValueError:
            return None
        return self._by_number.get(key)


def _clean_title(first_line: str) -> str:
    title = first_line.lstrip("#").strip()
    # 中华人民共和国刑法（节选：第二百七十六条之一 拒不支付劳动报酬罪） is the 刑法.
    return _EXCERPT.sub("", title).strip()


def parse_statute(path: Path) -> Statute:
    """Parse one statute Markdown file."""
    lines = path.read_text("utf-8").splitlines()
    if not lines or not lines[0].startswith("# "):
        raise ValueError(f"{path}: first line must be the title (# …)")
    title = _clean_title(lines[0])
    body = lines[1:]
    for index, line in enumerate(body):
        if line.strip() == "<!-- INFO END -->":
            body = body[index + 1 :]
            break
    numbered = any(_ARTICLE_START.match(line.strip()) for line in body)

    articles: list[tuple[str, str, list[str]]] = []  # (number, chapter, paragraphs)
    chapter = ""
    for raw in body:
        line = raw.strip().strip("　")
        if not line or line.startswith(">"):
            continue
        if line.startswith("#"):
            section = _SECTION_HEADING.match(line)
            if not numbered and section:
                # 一、二、… sections of an un-numbered notice count as 第一条, 第二条 …
                heading = (section.group(2) or "").strip()
                articles.append((str(cn_to_int(section.group(1))), chapter,
                                 [heading] if heading else []))
            elif numbered:
                chapter = line.lstrip("#").strip()
            continue
        start = _ARTICLE_START.match(line) if numbered else None
        if start:
            number = article_number(start.group(1), start.group(2))
            first = start.group(3).strip()
            articles.append((number, chapter, [first] if first else []))
        elif articles:
            articles[-1][2].append(line)

    built: list[Article] = []
    by_number: dict[str, Article] = {}
    for number, chap, paragraphs in articles:
        if number in by_number:
            raise ValueError(f"{path}: article {article_label(number)} appears twice")
        article = Article(
            title=title,
            number=number,
            label=article_label(number),
            text="\n".join(paragraphs),
            paragraphs=tuple(paragraphs),
            chapter=chap,
        )
        built.append(article)
        by_number[number] = article
    short = title.removeprefix(PRC)
    return Statute(title, short, path, tuple(built), by_number)


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


class LawLibrary:
    """All instruments under content/laws/ (top level and more/)."""

    def __init__(self, statutes: Iterable[Statute]) -> None:
        self._statutes: dict[str, Statute] = {}
        self._names: dict[str, Statute] = {}
        for statute in statutes:
            if statute.title in self._statutes:
                raise ValueError(f"two files for 《{statute.title}》")
            self._statutes[statute.title] = statute
            self._names[statute.title] = statute
            self._names[statute.short_title] = statute
        for alias, target in ALIASES.items():
            aliased = self._names.get(target)
            if aliased is not None and alias not in self._names:
                self._names[alias] = aliased
        # Longest names first so 劳动合同法实施条例 wins over 劳动合同法 in free text.
        names = sorted(self._names, key=len, reverse=True)
        self._reference_re = re.compile(
            "《?(?P<title>" + "|".join(map(re.escape, names)) + r")》?"
            rf"(?:的)?第?(?P<article>\d+|{_N})条(?P<suffix>之[一二三四五六七八九])?"
            rf"(?:第?(?P<paragraph>\d+|{_N})款)?"
        )

    @classmethod
    def load(cls, directory: Path | str) -> LawLibrary:
        """Load every *.md in directory and directory/more."""
        root = Path(directory)
        paths = sorted(root.glob("*.md")) + sorted((root / "more").glob("*.md"))
        if not paths:
            raise FileNotFoundError(f"no statute files in {root}")
        return cls(parse_statute(path) for path in paths)

    def __iter__(self) -> Iterator[Statute]:
        return iter(self._statutes.values())

    def __len__(self) -> int:
        return len(self._statutes)

    @property
    def names(self) -> frozenset[str]:
        """Every name (full title, short title, alias) the library recognises."""
        return frozenset(self._names)

    def statute(self, title: str) -> Statute | None:
        """Return the instrument by full title, title without 中华人民共和国, or alias."""
        return self._names.get(title.strip().strip("《》"))

    def article(self, title: str, number: str | int) -> Article | None:
        """Return one article, e.g. article("劳动合同法", "82"), or None."""
        statute = self.statute(title)
        return statute.article(number) if statute else None

    def resolve(self, citation: Citation) -> Article | None:
        """Return the cited article if it exists (and has the cited paragraph), else None."""
        article = self.article(citation.title, citation.article)
        if article is None:
            return None
        if citation.paragraph is not None and citation.paragraph > len(article.paragraphs):
            return None
        return article

    def find_reference(self, text: str) -> Citation | None:
        """Find an article reference in a user's words: 劳动法第44条, 工伤保险条例17条 …"""
        compact = _compact(text)
        for match in self._reference_re.finditer(compact):
            statute = self._names[match.group("title")]
            try:
                number = article_number(match.group("article"), match.group("suffix"))
            except ValueError:
                continue
            if statute.article(number) is None:
                continue
            paragraph = match.group("paragraph")
            return Citation(
                title=statute.short_title,
                article=number,
                paragraph=cn_to_int(paragraph) if paragraph else None,
            )
        return None

    def verify_quotations(self, text: str) -> list[QuotationProblem]:
        """Check every 《X》第N条规定：“…” in text is a verbatim piece of that article."""
        problems: list[QuotationProblem] = []
        for citation, quote in find_quotations(text):
            article = self.article(citation.title, citation.article)
            if article is None:
                problems.append(QuotationProblem(str(citation), quote, "no such article"))
                continue
            if not _is_verbatim(quote, article.text):
                problems.append(
                    QuotationProblem(str(citation), quote, "quotation is not verbatim")
                )
        return problems


def _is_verbatim(quote: str, article_text: str) -> bool:
    """True if quote (pieces separated by …… allowed) appears in order in article_text."""
    source = _compact(article_text)
    pieces = [p for p in re.split(r"…+|\.{3,}", _compact(quote)) if p]
    if not pieces:
        return False
    position = 0
    for piece in pieces:
        found = source.find(piece, position)
        if found < 0 and piece.endswith("。"):
            # A quote may end a sentence the article continues with a comma or semicolon.
            found = source.find(piece[:-1], position)
            piece = piece[:-1]
        if found < 0:
            return False
        position = found + len(piece)
    return True
