"""Load and validate the FAQ catalog: faq/*.yaml, one file per topic of content/topics.yaml."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from wx_backend.laws import LawLibrary, parse_citation
from wx_backend.laws.references import cited_articles, reference_problems
from wx_backend.problems import ProblemsError
from wx_backend.yaml_safe import safe_load

PLACEHOLDERS = frozenset({
    "county", "bureau", "inspection", "arbitration", "injury_office", "legal_aid", "hotline",
    "legal_aid_hotline", "wage_clue_platform", "minimum_wage",
})
REQUIRED_FIELDS = ("id", "question", "similar", "keywords", "answer", "detail", "basis",
                   "related", "reviewed")
OPTIONAL_FIELDS = ("guide",)
MIN_SIMILAR = 8
MAX_ANSWER = 350
MAX_GUIDE = 160
KEYWORDS_RANGE = (2, 8)
_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
# An entry id (sb-07) means nothing to a worker reading the reply; `related` links entries.
_ENTRY_ID_RE = re.compile(r"(?<![A-Za-z0-9/])[a-z]{2,4}-\d\d(?!\d)")


class ContentError(ProblemsError):
    """Invalid content; the message names the file, the entry and the field."""


@dataclass(frozen=True)
class Topic:
    """One topic of content/topics.yaml."""

    name: str
    file: str
    prefix: str
    menu: str
    minimum: int
    # The topic's 办事要点, shown under every answer of the topic; its citations in guide_basis.
    guide: str = ""
    guide_basis: tuple[str, ...] = ()


@dataclass(frozen=True)
class FaqEntry:
    """One question and its answer."""

    id: str
    topic: str
    question: str
    similar: tuple[str, ...]
    keywords: tuple[str, ...]
    answer: str
    detail: str
    basis: tuple[str, ...]
    related: tuple[str, ...]
    reviewed: dt.date
    # The topic whose 办事要点 goes under the answer: its own topic unless the question crosses
    # into another (a dispatched worker's injury needs the 工伤认定 route, not the 派遣 rules).
    guide_topic: str = ""


@dataclass(frozen=True)
class FaqCatalog:
    """All topics and entries, in menu order and file order."""

    topics: tuple[Topic, ...]
    entries: tuple[FaqEntry, ...]
    missing_files: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()  # only when loaded with strict=False: what was skipped
    _by_id: dict[str, FaqEntry] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({entry.id: entry for entry in self.entries})

    def __iter__(self) -> Iterator[FaqEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> FaqEntry | None:
        """Return the entry with this id, or None."""
        return self._by_id.get(entry_id)

    def topic(self, name: str) -> Topic | None:
        """Return the topic with this name, or None."""
        return next((t for t in self.topics if t.name == name), None)

    def in_topic(self, name: str) -> list[FaqEntry]:
        """Return the entries of one topic in file order."""
        return [entry for entry in self.entries if entry.topic == name]

    @property
    def case_slugs(self) -> frozenset[str]:
        """Related ids that are not FAQ ids: the caller checks them against cases_explained/."""
        return frozenset(r for e in self.entries for r in e.related if r not in self._by_id)


def load_topics(topics_file: Path | str) -> tuple[Topic, ...]:
    """Read content/topics.yaml."""
    path = Path(topics_file)
    data = _read_yaml(path)
    raw = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(raw, list) or not raw:
        raise ContentError([f"{path}: topics: must be a non-empty list"])
    topics: list[Topic] = []
    problems: list[str] = []
    for index, item in enumerate(raw):
        where = f"{path}: topic {index + 1}"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        try:
            topics.append(Topic(
                name=_text(item, "name"), file=_text(item, "file"), prefix=_text(item, "prefix"),
                menu=_text(item, "menu"), minimum=int(item.get("minimum", 0)),
                guide=str(item.get("guide") or "").strip(),
                guide_basis=tuple(str(c).strip() for c in item.get("guide_basis") or ()),
            ))
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"{where}: {exc}")
    for attr in ("name", "file", "prefix"):
        values = [getattr(t, attr) for t in topics]
        for dup in sorted({v for v in values if values.count(v) > 1}):
            problems.append(f"{path}: {attr} {dup!r} used by more than one topic")
    if problems:
        raise ContentError(problems)
    return tuple(topics)


def load_catalog(
    faq_dir: Path | str,
    topics_file: Path | str,
    laws: LawLibrary | None = None,
    *,
    require_all_files: bool = False,
    enforce_minimum: bool = False,
    strict: bool = True,
) -> FaqCatalog:
    """Load every topic file that exists; raise ContentError listing every problem found.

    With laws given, every citation must resolve and every quotation be verbatim. Missing
    topic files are tolerated (and listed in missing_files) unless require_all_files.
    """
    directory = Path(faq_dir)
    topics = load_topics(topics_file)
    problems: list[str] = []
    for topic in topics:
        problems.extend(_check_guide(topic, laws, Path(topics_file)))
    entries: list[FaqEntry] = []
    missing: list[str] = []
    seen: dict[str, str] = {}
    known_files = {t.file for t in topics}
    for path in sorted(directory.glob("*.y*ml")):
        if path.name not in known_files:
            problems.append(f"{_show(path)}: file is not listed in content/topics.yaml")
    for topic in topics:
        path = directory / topic.file
        if not path.exists():
            missing.append(topic.file)
            if require_all_files:
                problems.append(f"{_show(path)}: missing (topic {topic.name})")
            continue
        try:
            file_entries = _load_topic_file(path, topic, laws, problems, seen)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        if enforce_minimum and len(file_entries) < topic.minimum:
            problems.append(
                f"{_show(path)}: {len(file_entries)} entries, topic minimum is {topic.minimum}"
            )
        entries.extend(file_entries)
    ids = {e.id for e in entries}
    names = {t.name for t in topics}
    for entry in entries:
        if entry.guide_topic not in names:
            problems.append(f"{seen[entry.id]}: entry {entry.id}: guide: unknown topic "
                            f"{entry.guide_topic!r}")
    absent = [t for t in topics if t.file in missing]
    for entry in entries:
        for target in entry.related:
            if target == entry.id:
                problems.append(f"{seen[entry.id]}: entry {entry.id}: related: refers to itself")
            elif _looks_like_faq_id(target, absent) and not require_all_files:
                continue  # points into a topic file that is not written yet
            elif _looks_like_faq_id(target, topics) and target not in ids:
                problems.append(
                    f"{seen[entry.id]}: entry {entry.id}: related: unknown entry id {target!r}"
                )
    if problems and strict:
        raise ContentError(problems)
    return FaqCatalog(topics, tuple(entries), tuple(missing), tuple(problems))


def _check_guide(topic: Topic, laws: LawLibrary | None, path: Path) -> list[str]:
    """A topic guide is legal content too: known placeholders, citations that resolve."""
    where = f"{path.parent.name}/{path.name}: topic {topic.name}"
    problems = [
        f"{where}: guide: unknown placeholder {{{name}}}"
        for name in _PLACEHOLDER_RE.findall(topic.guide)
        if name not in PLACEHOLDERS
    ]
    if len(topic.guide) > MAX_GUIDE:
        problems.append(f"{where}: guide: {len(topic.guide)} characters, at most {MAX_GUIDE}")
    for text in topic.guide_basis:
        try:
            citation = parse_citation(text)
        except ValueError:
            problems.append(f"{where}: guide_basis: {text!r} is not a citation")
            continue
        if laws is not None and laws.resolve(citation) is None:
            problems.append(f"{where}: guide_basis: {text} does not exist in content/laws/")
    if laws is not None:
        cited = cited_articles(topic.guide_basis, laws)
        for problem in reference_problems(topic.guide, cited, laws):
            problems.append(f"{where}: guide: {problem}")
    return problems


def _looks_like_faq_id(value: str, topics: Sequence[Topic]) -> bool:
    return any(re.fullmatch(rf"{re.escape(t.prefix)}-\d\d", value) for t in topics)


def _show(path: Path) -> str:
    """Name a file the way a content writer knows it: faq/wages.yaml."""
    return f"{path.parent.name}/{path.name}"


def _read_yaml(path: Path) -> Any:
    try:
        return safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise ContentError([f"{_show(path)}:{line} invalid YAML: {exc}"]) from exc


def _text(item: Mapping[str, Any], key: str) -> str:
    value = item[key]
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key}: must be a non-empty string")
    return value.strip()


def _load_topic_file(
    path: Path,
    topic: Topic,
    laws: LawLibrary | None,
    problems: list[str],
    seen: dict[str, str],
) -> list[FaqEntry]:
    where_file = _show(path)
    data = _read_yaml(path)
    if not isinstance(data, dict):
        problems.append(f"{where_file}: must be a mapping with topic and entries")
        return []
    if data.get("topic") != topic.name:
        problems.append(f"{where_file}: topic: must be {topic.name!r}, found {data.get('topic')!r}")
    raw_entries = data.get("entries")
    if raw_entries is None:
        return []
    if not isinstance(raw_entries, list):
        problems.append(f"{where_file}: entries: must be a list")
        return []
    result: list[FaqEntry] = []
    for index, raw in enumerate(raw_entries):
        entry_id = str(raw.get("id")) if isinstance(raw, dict) and raw.get("id") else None
        where = f"{where_file}: entry {entry_id or f'#{index + 1}'}"
        if not isinstance(raw, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        before = len(problems)
        entry = _check_entry(raw, topic, laws, where, problems)
        if entry_id is not None:
            if entry_id in seen:
                problems.append(f"{where}: id: duplicate, already used in {seen[entry_id]}")
            else:
                seen[entry_id] = where_file
        if entry is not None and len(problems) == before:
            result.append(entry)
    return result


def _string_list(raw: dict[str, Any], key: str, where: str, problems: list[str]) -> list[str]:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        problems.append(f"{where}: {key}: must be a list of strings")
        return []
    return [str(v).strip() for v in value]


def _check_entry(
    raw: dict[str, Any],
    topic: Topic,
    laws: LawLibrary | None,
    where: str,
    problems: list[str],
) -> FaqEntry | None:
    for name in REQUIRED_FIELDS:
        if name not in raw or raw[name] is None:
            problems.append(f"{where}: {name}: missing")
    for name in raw:
        if name not in REQUIRED_FIELDS and name not in OPTIONAL_FIELDS:
            problems.append(f"{where}: {name}: unknown field")
    entry_id = str(raw.get("id", ""))
    if not re.fullmatch(rf"{re.escape(topic.prefix)}-\d\d", entry_id):
        problems.append(f"{where}: id: must be {topic.prefix}-NN (two digits), found {entry_id!r}")
    texts: dict[str, str] = {}
    for name in ("question", "answer", "detail"):
        value = raw.get(name)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            problems.append(f"{where}: {name}: must be non-empty text")
        texts[name] = value.strip() if isinstance(value, str) else ""
    similar = _string_list(raw, "similar", where, problems)
    keywords = _string_list(raw, "keywords", where, problems)
    basis = _string_list(raw, "basis", where, problems)
    related = _string_list(raw, "related", where, problems)

    if len(similar) < MIN_SIMILAR:
        problems.append(f"{where}: similar: {len(similar)} questions, at least {MIN_SIMILAR}")
    duplicates = sorted({s for s in similar if similar.count(s) > 1})
    if duplicates:
        problems.append(f"{where}: similar: duplicate question {duplicates[0]!r}")
    if any(not s for s in similar):
        problems.append(f"{where}: similar: empty question")
    low, high = KEYWORDS_RANGE
    if not low <= len(keywords) <= high:
        problems.append(f"{where}: keywords: {len(keywords)} words, need {low}–{high}")
    if len(texts["answer"]) > MAX_ANSWER:
        problems.append(
            f"{where}: answer: {len(texts['answer'])} characters, at most {MAX_ANSWER}"
        )
    for name in ("question", "answer", "detail"):
        if (shown_id := _ENTRY_ID_RE.search(texts[name])) is not None:
            problems.append(f"{where}: {name}: names entry id {shown_id.group(0)!r}, which a "
                            "worker cannot follow; say it in words (related: links entries)")
        for placeholder in _PLACEHOLDER_RE.findall(texts[name]):
            if placeholder not in PLACEHOLDERS:
                problems.append(f"{where}: {name}: unknown placeholder {{{placeholder}}}")
    guide_topic = raw.get("guide", "")
    if not isinstance(guide_topic, str):
        problems.append(f"{where}: guide: must be a topic name")
        guide_topic = ""
    reviewed = raw.get("reviewed")
    if isinstance(reviewed, str):
        try:
            reviewed = dt.date.fromisoformat(reviewed)
        except ValueError:
            reviewed = None
    if isinstance(reviewed, dt.datetime):
        reviewed = reviewed.date()
    if "reviewed" in raw and not isinstance(reviewed, dt.date):
        problems.append(f"{where}: reviewed: must be a date YYYY-MM-DD")
    if not basis and "basis" in raw:
        problems.append(f"{where}: basis: at least one citation")
    for text in basis:
        try:
            citation = parse_citation(text)
        except ValueError:
            problems.append(
                f"{where}: basis: {text!r} is not in the form 《名称》第N条[第N款][第（N）项]"
            )
            continue
        if laws is None:
            continue
        if laws.statute(citation.title) is None:
            problems.append(f"{where}: basis: unknown instrument 《{citation.title}》")
        elif laws.resolve(citation) is None:
            problems.append(f"{where}: basis: {text} does not exist in content/laws/")
    if laws is not None:
        for problem in laws.verify_quotations(texts["detail"]):
            problems.append(f"{where}: detail: {problem}")
        cited = cited_articles(basis, laws)
        for field in ("answer", "detail"):
            problems.extend(f"{where}: {field}: {message}"
                            for message in reference_problems(texts[field], cited, laws))
    if not isinstance(reviewed, dt.date):
        return None
    return FaqEntry(
        id=entry_id,
        topic=topic.name,
        question=texts["question"],
        similar=tuple(similar),
        keywords=tuple(keywords),
        answer=texts["answer"],
        detail=texts["detail"],
        basis=tuple(basis),
        related=tuple(related),
        reviewed=reviewed,
        guide_topic=guide_topic or topic.name,
    )
