"""Case explainer files: Markdown with YAML front matter, parsed and validated.

A file in cases_explained/ looks like::

    ---
    slug: gongshang-geren-shenqing
    title: 个人申请工伤认定保障职工工伤权益
    summary: 单位不申请，职工本人一年内可以自己申请工伤认定。
    topics: [工伤]
    related_faq: [gsrd-01]
    source: {name: 最高人民法院发布的典型案例, url: https://…}
    illustrative: false
    published: 2026-11-26
    ---
    ## 导语
    …

The same checks run on files (`pufa content sync`, tests) and on what staff write in the
admin, so a case cannot be published with a missing section or a misquoted statute.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from wx_backend.laws import LawLibrary, parse_citation
from wx_backend.laws.references import cited_articles, reference_problems
from wx_backend.problems import ProblemsError
from wx_backend.yaml_safe import safe_load

SECTIONS = ("导语", "案情", "争议焦点", "处理结果", "法律依据", "以案释法", "小喇叭播报稿")
BROADCAST_SECTION = "小喇叭播报稿"
BROADCAST_MAX_CHARS = 150
# Topics a reader can browse /cases by, in display order.
CASE_TOPICS = ("工伤", "欠薪", "劳动合同", "解除", "加班", "职业中介")
PLACEHOLDERS = frozenset({
    "county", "bureau", "inspection", "arbitration", "injury_office", "legal_aid", "hotline",
    "legal_aid_hotline", "wage_clue_platform", "minimum_wage",
})
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FAQ_ID_RE = re.compile(r"^[a-z]+-\d\d$")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.DOTALL)
_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.MULTILINE)
_PLACEHOLDER = re.compile(r"\{([^{}\n]*)\}")
_BASIS_CITATION = re.compile(r"^\s*[-*]\s*(《[^》]+》第[^规：:，,。；;\s]+)")
MAX_TITLE = 64
MAX_SUMMARY = 120


class CaseValidationError(ProblemsError):
    """A case is invalid; each problem names the file (or form) and the field."""


@dataclass(frozen=True)
class CaseDocument:
    """One explainer as written: front matter fields and the Markdown body."""

    slug: str
    title: str
    summary: str
    topics: tuple[str, ...]
    related_faq: tuple[str, ...]
    source: str
    source_url: str
    illustrative: bool
    published: dt.date | None
    body: str
    sections: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def broadcast(self) -> str:
        return self.sections.get(BROADCAST_SECTION, "")

    def citations(self) -> list[str]:
        """The citations listed under 法律依据, in order."""
        return basis_citations(self.sections.get("法律依据", ""))

    def to_markdown(self) -> str:
        """Write the case back as a file (front matter + body), as `pufa cases export` does."""
        source: dict[str, str] = {"name": self.source}
        if self.source_url:
            source["url"] = self.source_url
        front: dict[str, Any] = {
            "slug": self.slug,
            "title": self.title,
            "summary": self.summary,
            "topics": list(self.topics),
            "related_faq": list(self.related_faq),
            "source": source,
            "illustrative": self.illustrative,
            "published": self.published,
        }
        header = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000)
        return f"---\n{header}---\n{self.body.strip()}\n"


def split_sections(body: str) -> dict[str, str]:
    """Map each `## heading` of the body to the text under it."""
    parts = _HEADING.split(body)
    sections: dict[str, str] = {}
    for index in range(1, len(parts) - 1, 2):
        sections[parts[index].strip()] = parts[index + 1].strip()
    return sections


def basis_citations(basis: str) -> list[str]:
    return [m.group(1) for line in basis.splitlines() if (m := _BASIS_CITATION.match(line))]


def broadcast_length(text: str) -> int:
    """Characters a loudspeaker reader reads: whitespace and Markdown marks do not count."""
    return len(re.sub(r"[\s*_#>`]", "", text))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_case_text(text: str, where: str) -> CaseDocument:
    """Parse a case file's text; raise CaseValidationError naming `where` and the field."""
    match = _FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if not match:
        raise CaseValidationError([f"{where}: must start with YAML front matter between --- lines"])
    try:
        front = safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise CaseValidationError([f"{where}: front matter is not valid YAML: {exc}"]) from None
    if not isinstance(front, dict):
        raise CaseValidationError([f"{where}: front matter must be a mapping of fields"])
    return document_from_fields(front, match.group(2), where)


def document_from_fields(front: Mapping[str, Any], body: str, where: str) -> CaseDocument:
    """Build a CaseDocument from front-matter-like fields, collecting every problem."""
    problems: list[str] = []

    def text_field(name: str, required: bool = True) -> str:
        value = front.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                problems.append(f"{where}: field '{name}' is required")
            return ""
        if not isinstance(value, str):
            problems.append(f"{where}: field '{name}' must be text")
            return ""
        return value.strip()

    def list_field(name: str) -> tuple[str, ...]:
        value = front.get(name) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"{where}: field '{name}' must be a list of text")
            return ()
        return tuple(v.strip() for v in value if v.strip())

    known = {"slug", "title", "summary", "topics", "related_faq", "source", "illustrative",
             "published"}
    for name in sorted(set(front) - known):
        problems.append(f"{where}: unknown field '{name}' (fields: {', '.join(sorted(known))})")

    slug = text_field("slug")
    if slug and not SLUG_RE.match(slug):
        problems.append(f"{where}: field 'slug': lower-case letters, digits and '-' only")
    title = text_field("title")
    if len(title) > MAX_TITLE:
        problems.append(f"{where}: field 'title' is {len(title)} characters (at most {MAX_TITLE})")
    summary = text_field("summary")
    if len(summary) > MAX_SUMMARY:
        problems.append(
            f"{where}: field 'summary' is {len(summary)} characters (at most {MAX_SUMMARY})"
        )
    topics = list_field("topics")
    if not topics and isinstance(front.get("topics") or [], list):
        problems.append(f"{where}: field 'topics' needs at least one of {', '.join(CASE_TOPICS)}")
    for topic in topics:
        if topic not in CASE_TOPICS:
            problems.append(
                f"{where}: field 'topics': unknown topic {topic!r} "
                f"(topics: {', '.join(CASE_TOPICS)})"
            )
    related = list_field("related_faq")
    for faq_id in related:
        if not FAQ_ID_RE.match(faq_id):
            problems.append(f"{where}: field 'related_faq': {faq_id!r} is not an FAQ id like qx-05")

    raw_source = front.get("source")
    source, source_url = "", ""
    if isinstance(raw_source, dict):
        source = str(raw_source.get("name") or "").strip()
        source_url = str(raw_source.get("url") or "").strip()
    elif isinstance(raw_source, str):
        source = raw_source.strip()
    if not source:
        problems.append(f"{where}: field 'source' is required (name the published case)")
    if source_url and not source_url.startswith(("https://", "http://")):
        problems.append(f"{where}: field 'source.url' must be an http(s) address")

    illustrative = front.get("illustrative", False)
    if not isinstance(illustrative, bool):
        problems.append(f"{where}: field 'illustrative' must be true or false")
        illustrative = False

    published = front.get("published")
    if isinstance(published, str):
        try:
            published = dt.date.fromisoformat(published.strip())
        except ValueError:
            problems.append(f"{where}: field 'published' must be a date like 2026-11-26")
            published = None
    elif published is not None and not isinstance(published, dt.date):
        problems.append(f"{where}: field 'published' must be a date like 2026-11-26")
        published = None

    body = body.strip()
    sections = split_sections(body)
    headings = [h.strip() for h in _HEADING.findall(body)]
    missing = [s for s in SECTIONS if s not in sections]
    for name in missing:
        problems.append(f"{where}: section '## {name}' is missing")
    unknown = [h for h in headings if h not in SECTIONS]
    for name in unknown:
        problems.append(f"{where}: section '## {name}' is not one of {', '.join(SECTIONS)}")
    if not missing and not unknown and headings != list(SECTIONS):
        problems.append(f"{where}: sections must come in this order: {' → '.join(SECTIONS)}")
    for name in SECTIONS:
        if name in sections and not sections[name]:
            problems.append(f"{where}: section '## {name}' is empty")
    for name in set(_PLACEHOLDER.findall(body + summary)):
        if name not in PLACEHOLDERS:
            problems.append(
                f"{where}: unknown placeholder {{{name}}} "
                f"(placeholders: {', '.join(sorted(PLACEHOLDERS))})"
            )
    if problems:
        raise CaseValidationError(problems)
    return CaseDocument(
        slug=slug, title=title, summary=summary, topics=topics, related_faq=related,
        source=source, source_url=source_url, illustrative=bool(illustrative),
        published=published, body=body, sections=sections,
    )


def check_against_content(
    document: CaseDocument,
    where: str,
    laws: LawLibrary,
    faq_ids: Collection[str] | None = None,
    fill: Any = None,
) -> list[str]:
    """Problems that need the statute texts and the FAQ: citations, quotations, FAQ ids,
    and the loudspeaker script's length as it will be read (placeholders filled)."""
    problems: list[str] = []
    citations = document.citations()
    if not citations:
        problems.append(
            f"{where}: section '## 法律依据' lists no citation like - 《劳动合同法》第十条"
        )
    for text in citations:
        try:
            citation = parse_citation(text)
        except ValueError as exc:
            problems.append(f"{where}: 法律依据: {exc}")
            continue
        if laws.statute(citation.title) is None:
            problems.append(f"{where}: 法律依据: unknown instrument 《{citation.title}》")
        elif laws.resolve(citation) is None:
            problems.append(f"{where}: 法律依据: {text} does not exist in content/laws/")
    for problem in laws.verify_quotations(document.body):
        problems.append(f"{where}: quotation: {problem}")
    cited = cited_articles(citations, laws)
    problems.extend(f"{where}: {message}"
                    for message in reference_problems(document.body, cited, laws))
    if faq_ids is not None:
        for faq_id in document.related_faq:
            if faq_id not in faq_ids:
                problems.append(f"{where}: field 'related_faq': no FAQ entry {faq_id!r}")
    spoken = fill(document.broadcast) if fill is not None else document.broadcast
    length = broadcast_length(spoken)
    if length > BROADCAST_MAX_CHARS:
        problems.append(
            f"{where}: section '## {BROADCAST_SECTION}' is {length} characters read aloud "
            f"(at most {BROADCAST_MAX_CHARS})"
        )
    return problems


def load_case_file(path: Path) -> CaseDocument:
    """Parse one file; the slug must match the file name so links and files stay aligned."""
    where = f"{path.parent.name}/{path.name}"
    document = parse_case_text(path.read_text("utf-8"), where)
    if document.slug != path.stem:
        raise CaseValidationError(
            [f"{where}: field 'slug' is {document.slug!r} but the file is named {path.stem}.md"]
        )
    return document


def load_case_dir(directory: Path) -> tuple[list[tuple[Path, CaseDocument]], list[str]]:
    """Load every *.md except README.md; return the good documents and every problem found."""
    documents: list[tuple[Path, CaseDocument]] = []
    problems: list[str] = []
    for path in sorted(directory.glob("*.md")):
        if path.name.upper() == "README.MD":
            continue
        try:
            documents.append((path, load_case_file(path)))
        except CaseValidationError as exc:
            problems.extend(exc.problems)
    return documents, problems
