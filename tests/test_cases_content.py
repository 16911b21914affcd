"""Every shipped explainer in cases_explained/ is complete, verified and loadable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wx_backend.faq import load_catalog
from wx_backend.laws import LawLibrary, parse_citation
from wx_backend.publishing.documents import (
    BROADCAST_MAX_CHARS,
    SECTIONS,
    CaseDocument,
    broadcast_length,
    load_case_dir,
    load_case_file,
)
from wx_backend.site import load_site

ROOT = Path(__file__).resolve().parent.parent
CASE_DIR = ROOT / "cases_explained"
CASE_FILES = sorted(p for p in CASE_DIR.glob("*.md") if p.name != "README.md")
# The five titles the bureau published, each explained by one case.
PHONE = re.compile(r"(?<![\d.])(?:0\d{2,3}-?\d{7,8}|1[3-9]\d{9}|123\d\d|96\d{3,4})(?![\d.])")
BUREAU_TITLES = ("欠薪19万", "擅行中介将受罚", "员工手册", "仅有一方劳动者签字", "个人申请工伤认定")


@pytest.fixture(scope="module")
def laws() -> LawLibrary:
    return LawLibrary.load(ROOT / "content" / "laws")


@pytest.fixture(scope="module")
def faq_ids() -> frozenset[str]:
    catalog = load_catalog(ROOT / "faq", ROOT / "content" / "topics.yaml", strict=False)
    return frozenset(entry.id for entry in catalog.entries)


def _load(path: Path) -> CaseDocument:
    return load_case_file(path)


def test_at_least_twelve_explainers_ship_and_all_load() -> None:
    documents, problems = load_case_dir(CASE_DIR)
    assert problems == []
    assert len(documents) >= 12


def test_the_five_bureau_titles_and_the_four_main_topics_are_covered() -> None:
    documents = [_load(p) for p in CASE_FILES]
    titles = " ".join(d.title for d in documents)
    for phrase in BUREAU_TITLES:
        assert phrase in titles, phrase
    for topic in ("工伤", "欠薪", "劳动合同", "解除"):
        assert sum(topic in d.topics for d in documents) >= 2, topic


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_explainer_has_every_section_in_order(path: Path) -> None:
    document = _load(path)
    assert list(document.sections) == list(SECTIONS)
    assert all(document.sections[name].strip() for name in SECTIONS)
    advice = document.sections["以案释法"]
    assert "劳动者" in advice and ("用人单位" in advice or "经营者" in advice)


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_loudspeaker_script_fits_when_read_aloud(path: Path) -> None:
    site = load_site(ROOT, "jinyun")
    spoken = site.fill(_load(path).broadcast)
    assert "{" not in spoken
    assert broadcast_length(spoken) <= BROADCAST_MAX_CHARS


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_citations_resolve_and_quotations_are_verbatim(path: Path, laws: LawLibrary) -> None:
    document = _load(path)
    citations = document.citations()
    assert citations, "法律依据 lists no citation"
    for text in citations:
        assert laws.resolve(parse_citation(text)) is not None, text
    assert laws.verify_quotations(document.body) == []


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_related_faq_ids_exist(path: Path, faq_ids: frozenset[str]) -> None:
    document = _load(path)
    assert document.related_faq
    assert set(document.related_faq) <= faq_ids


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_source_is_named_and_no_local_fact_is_invented(path: Path) -> None:
    document = _load(path)
    assert len(document.source) >= 10
    assert document.published is not None
    # Phone numbers come only from the site file through placeholders.
    phones = PHONE.findall(document.body)
    assert phones == [], f"write {{hotline}}, {{inspection}} … instead of numbers: {phones}"
