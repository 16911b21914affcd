"""The FAQ catalog: loading, validation messages, and the shipped faq/ folder itself."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
import yaml

from wx_backend.faq import (
    ContentError,
    FaqCatalog,
    documents_from_catalog,
    fill_placeholders,
    load_catalog,
    load_topics,
)
from wx_backend.laws import LawLibrary, parse_citation

ROOT = Path(__file__).resolve().parents[1]
TOPICS = ROOT / "content" / "topics.yaml"


@pytest.fixture(scope="module")
def laws() -> LawLibrary:
    return LawLibrary.load(ROOT / "content" / "laws")


@pytest.fixture(scope="module")
def shipped(laws: LawLibrary) -> FaqCatalog:
    return load_catalog(ROOT / "faq", TOPICS, laws)


def _entry(**changes: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "id": "qx-01",
        "question": "老板拖欠工资怎么办？",
        "similar": [f"工钱拿不到第{i}种问法" for i in range(8)],
        "keywords": ["拖欠工资", "讨薪"],
        "answer": "先找用人单位要，要不到就投诉。拨打{hotline}。",
        "detail": "《劳动法》第五十条规定：“工资应当以货币形式按月支付给劳动者本人。”",
        "basis": ["《劳动法》第五十条"],
        "related": [],
        "reviewed": dt.date(2026, 11, 26),
    }
    entry.update(changes)
    return entry


def _write(tmp_path: Path, entries: list[dict[str, object]], topic: str = "欠薪与工资支付",
           name: str = "wages.yaml") -> Path:
    faq = tmp_path / "faq"
    faq.mkdir(exist_ok=True)
    (faq / name).write_text(
        yaml.safe_dump({"topic": topic, "entries": entries}, allow_unicode=True), "utf-8")
    return faq


def _problems(tmp_path: Path, laws: LawLibrary, *entries: dict[str, object]) -> str:
    faq = _write(tmp_path, list(entries))
    with pytest.raises(ContentError) as info:
        load_catalog(faq, TOPICS, laws)
    return str(info.value)


def test_valid_entry_loads_as_typed_frozen_dataclass(tmp_path: Path, laws: LawLibrary) -> None:
    catalog = load_catalog(_write(tmp_path, [_entry()]), TOPICS, laws)
    entry = catalog.get("qx-01")
    assert entry is not None
    assert entry.topic == "欠薪与工资支付"
    assert isinstance(entry.similar, tuple) and len(entry.similar) == 8
    assert entry.reviewed == dt.date(2026, 11, 26)
    with pytest.raises(AttributeError):
        entry.answer = "changed"  # type: ignore[misc]
    assert "injury_recognition.yaml" in catalog.missing_files


def test_long_answer_error_names_file_entry_and_field(tmp_path: Path, laws: LawLibrary) -> None:
    message = _problems(tmp_path, laws, _entry(id="qx-07", answer="欠" * 371))
    assert "faq/wages.yaml: entry qx-07: answer: 371 characters, at most 350" in message


def test_too_few_similar_questions(tmp_path: Path, laws: LawLibrary) -> None:
    message = _problems(tmp_path, laws, _entry(similar=["一", "二"]))
    assert "entry qx-01: similar: 2 questions, at least 8" in message


def test_missing_field_is_named(tmp_path: Path, laws: LawLibrary) -> None:
    entry = _entry()
    del entry["basis"]
    assert "entry qx-01: basis: missing" in _problems(tmp_path, laws, entry)


def test_id_must_carry_the_topic_prefix(tmp_path: Path, laws: LawLibrary) -> None:
    message = _problems(tmp_path, laws, _entry(id="gsrd-01"))
    assert "id: must be qx-NN" in message


def test_duplicate_ids_across_files_are_rejected(tmp_path: Path, laws: LawLibrary) -> None:
    _write(tmp_path, [_entry()])
    faq = _write(tmp_path, [_entry(id="qx-01")], topic="工伤认定", name="injury_recognition.yaml")
    with pytest.raises(ContentError) as info:
        load_catalog(faq, TOPICS, laws)
    assert "duplicate" in str(info.value)


def test_unknown_placeholder_is_rejected(tmp_path: Path, laws: LawLibrary) -> None:
    message = _problems(tmp_path, laws, _entry(answer="打电话给{phone}"))
    assert "answer: unknown placeholder {phone}" in message


def test_an_answer_never_shows_a_worker_a_bare_entry_id(tmp_path: Path, laws: LawLibrary) -> None:
    message = _problems(tmp_path, laws, _entry(answer="也可以解除合同要经济补偿（见sb-07）。"))
    assert "answer: names entry id 'sb-07'" in message
    detail = _problems(tmp_path, laws, _entry(detail="怎么查缴费记录见 sb-21。"))
    assert "detail: names entry id 'sb-21'" in detail


def test_citation_to_missing_article_is_rejected(tmp_path: Path, laws: LawLibrary) -> None:
    message = _problems(tmp_path, laws, _entry(basis=["《劳动法》第五百条"]))
    assert "basis: 《劳动法》第五百条 does not exist" in message


def test_citation_to_unknown_instrument_is_rejected(tmp_path: Path, laws: LawLibrary) -> None:
    message = _problems(tmp_path, laws, _entry(basis=["《民法典》第一条"]))
    assert "unknown instrument 《民法典》" in message


def test_malformed_citation_is_rejected(tmp_path: Path, laws: LawLibrary) -> None:
    message = _problems(tmp_path, laws, _entry(basis=["劳动法第50条"]))
    assert "is not in the form" in message


def test_an_article_number_written_after_the_wrong_law_is_rejected(
        tmp_path: Path, laws: LawLibrary) -> None:
    # A worker reading （第四十七条） right after the arbitration law looks up that law's
    # article 47 (final awards), not the contract law's compensation formula.
    answer = ("离职后1年内申请仲裁（《劳动争议调解仲裁法》第二十七条）；"
              "经济补偿每满一年付一个月工资（第四十七条）。")
    message = _problems(tmp_path, laws, _entry(
        answer=answer, basis=["《劳动争议调解仲裁法》第二十七条", "《劳动合同法》第四十七条"]))
    assert "answer: 第四十七条按上文读作《劳动争议调解仲裁法》第四十七条" in message
    fixed = answer.replace("（第四十七条）", "（《劳动合同法》第四十七条）")
    load_catalog(_write(tmp_path, [_entry(
        answer=fixed, basis=["《劳动争议调解仲裁法》第二十七条", "《劳动合同法》第四十七条"])]),
        TOPICS, laws)


def test_an_article_number_with_no_law_named_is_rejected(tmp_path: Path, laws: LawLibrary) -> None:
    message = _problems(tmp_path, laws, _entry(detail="工资按月支付（第五十条）。"))
    assert "detail: 第五十条前面没有写明是哪部法律" in message


def test_altered_quotation_is_rejected(tmp_path: Path, laws: LawLibrary) -> None:
    detail = "《劳动法》第五十条规定：“工资可以用实物按季度支付。”"
    assert "detail: 《劳动法》第五十条: quotation is not verbatim" in _problems(
        tmp_path, laws, _entry(detail=detail))


def test_an_entry_may_borrow_another_topics_guide_but_only_a_real_one(
        tmp_path: Path, laws: LawLibrary) -> None:
    own = load_catalog(_write(tmp_path, [_entry()]), TOPICS, laws).get("qx-01")
    assert own is not None and own.guide_topic == "欠薪与工资支付"
    borrowed = load_catalog(_write(tmp_path, [_entry(guide="解除终止与经济补偿")]), TOPICS, laws)
    entry = borrowed.get("qx-01")
    assert entry is not None and entry.guide_topic == "解除终止与经济补偿"
    message = _problems(tmp_path, laws, _entry(guide="辞职"))
    assert "wages.yaml: entry qx-01: guide: unknown topic '辞职'" in message


def test_related_faq_id_must_exist_but_case_slugs_are_returned(
        tmp_path: Path, laws: LawLibrary) -> None:
    message = _problems(tmp_path, laws, _entry(related=["qx-99"]))
    assert "related: unknown entry id 'qx-99'" in message
    catalog = load_catalog(_write(tmp_path, [_entry(related=["laoban-paolu-2024"])]), TOPICS, laws)
    assert catalog.case_slugs == {"laoban-paolu-2024"}


def test_related_ids_into_unwritten_topic_files_are_tolerated(
        tmp_path: Path, laws: LawLibrary) -> None:
    catalog = load_catalog(_write(tmp_path, [_entry(related=["gsrd-03"])]), TOPICS, laws)
    assert catalog.get("qx-01") is not None


def test_non_strict_load_keeps_valid_entries_and_lists_problems(
        tmp_path: Path, laws: LawLibrary) -> None:
    faq = _write(tmp_path, [_entry(), _entry(id="qx-02", answer="欠" * 400)])
    catalog = load_catalog(faq, TOPICS, laws, strict=False)
    assert [e.id for e in catalog] == ["qx-01"]
    assert any("qx-02" in p for p in catalog.problems)


def test_invalid_yaml_names_file_and_line(tmp_path: Path, laws: LawLibrary) -> None:
    faq = tmp_path / "faq"
    faq.mkdir()
    (faq / "wages.yaml").write_text(textwrap.dedent("""\
        topic: 欠薪与工资支付
        entries:
          - id: qx-01
            question: [unclosed
        """), "utf-8")
    with pytest.raises(ContentError) as info:
        load_catalog(faq, TOPICS, laws)
    assert "faq/wages.yaml: line" in str(info.value)


def test_placeholders_fall_back_to_national_channels() -> None:
    assert fill_placeholders("拨打{hotline}或{legal_aid_hotline}") == "拨打12333或12348"
    assert fill_placeholders("{arbitration}", {"arbitration": "缙云县劳动人事争议仲裁委员会"}) == (
        "缙云县劳动人事争议仲裁委员会")


# --- the shipped content -------------------------------------------------------------------

def test_every_shipped_faq_file_loads_strictly(shipped: FaqCatalog) -> None:
    assert len(shipped) > 0


def test_every_topic_file_is_shipped(shipped: FaqCatalog) -> None:
    if shipped.missing_files:
        pytest.skip(f"topic files not written yet: {', '.join(shipped.missing_files)}")


def test_shipped_topics_meet_their_minimum_counts(shipped: FaqCatalog) -> None:
    for topic in load_topics(TOPICS):
        if topic.file in shipped.missing_files:
            continue
        count = len(shipped.in_topic(topic.name))
        assert count >= topic.minimum, f"{topic.file}: {count} entries, minimum {topic.minimum}"


def test_every_shipped_citation_resolves(shipped: FaqCatalog, laws: LawLibrary) -> None:
    for entry in shipped:
        for text in entry.basis:
            assert laws.resolve(parse_citation(text)) is not None, f"{entry.id}: {text}"


def test_every_shipped_quotation_is_verbatim(shipped: FaqCatalog, laws: LawLibrary) -> None:
    for entry in shipped:
        assert laws.verify_quotations(entry.detail) == [], entry.id


def test_shipped_answers_fit_a_chat_reply(shipped: FaqCatalog) -> None:
    for entry in shipped:
        assert len(entry.answer) <= 350, entry.id
        assert len(fill_placeholders(entry.answer).encode("utf-8")) < 2000, entry.id


def test_documents_carry_every_similar_question_and_the_answer(shipped: FaqCatalog) -> None:
    documents = documents_from_catalog(shipped)
    assert [d.id for d in documents] == [e.id for e in shipped]
    assert all(len(d.similar) >= 8 for d in documents)
    # The answer's words help long, story-like questions find the entry.
    assert [d.answer for d in documents] == [e.answer for e in shipped]


def test_shipped_answers_name_no_county_city_or_province(shipped: FaqCatalog) -> None:
    # Any county runs the same FAQ: its own names come from the site file via placeholders.
    site = yaml.safe_load((ROOT / "content" / "site" / "jinyun.yaml").read_text("utf-8"))
    places = [site[key].removesuffix("县").removesuffix("市").removesuffix("省")
              for key in ("county", "city", "province")]
    texts = [(e.id, t) for e in shipped.entries for t in (e.question, e.answer, e.detail)]
    texts += [(t.name, t.guide) for t in shipped.topics]
    assert [(where, place) for where, text in texts for place in places if place in text] == []


def test_shipped_similar_questions_name_no_default_county(shipped: FaqCatalog) -> None:
    # Workers anywhere may name a province; only the default county's own name would make
    # another county's FAQ read oddly.
    site = yaml.safe_load((ROOT / "content" / "site" / "jinyun.yaml").read_text("utf-8"))
    county = site["county"].removesuffix("县")
    assert [(e.id, s) for e in shipped.entries for s in e.similar if county in s] == []


def test_every_shipped_topic_has_a_guide_whose_citations_resolve() -> None:
    from wx_backend.faq import load_topics

    topics = load_topics(ROOT / "content" / "topics.yaml")
    laws = LawLibrary.load(ROOT / "content" / "laws")
    load_catalog(ROOT / "faq", ROOT / "content" / "topics.yaml", laws)  # raises on a bad guide
    for topic in topics:
        assert topic.guide, f"topic {topic.name} has no guide"
        assert len(topic.guide) <= 160


def test_a_guide_citing_a_missing_article_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "faq").mkdir()
    (tmp_path / "topics.yaml").write_text(
        "topics:\n  - {name: 试用期, file: probation.yaml, prefix: syq, menu: 试用期, minimum: 0,\n"
        "     guide: 试用期最长6个月。, guide_basis: [《劳动合同法》第三百条]}\n",
        encoding="utf-8",
    )
    laws = LawLibrary.load(ROOT / "content" / "laws")
    with pytest.raises(ContentError, match="guide_basis: 《劳动合同法》第三百条 does not exist"):
        load_catalog(tmp_path / "faq", tmp_path / "topics.yaml", laws)
