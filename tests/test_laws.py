"""The statute library: parsing content/laws/, numbering, citations, quotations."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wx_backend.laws import Citation, LawLibrary, cn_to_int, int_to_cn, parse_citation

LAWS_DIR = Path(__file__).resolve().parents[1] / "content" / "laws"


@pytest.fixture(scope="module")
def laws() -> LawLibrary:
    return LawLibrary.load(LAWS_DIR)


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("一", 1), ("十", 10), ("十七", 17), ("二十", 20), ("一百零二", 102), ("一百一十", 110),
     ("二百七十六", 276), ("两", 2), ("17", 17)],
)
def test_chinese_numerals_read_as_in_statutes(numeral: str, value: int) -> None:
    assert cn_to_int(numeral) == value


@given(st.integers(min_value=1, max_value=9999))
def test_numerals_round_trip(value: int) -> None:
    assert cn_to_int(int_to_cn(value)) == value


def test_statute_form_of_article_numbers() -> None:
    assert [int_to_cn(n) for n in (10, 17, 102, 110, 111)] == [
        "十", "十七", "一百零二", "一百一十", "一百一十一"]


def test_every_statute_numbers_its_articles_without_gaps(laws: LawLibrary) -> None:
    assert len(laws) >= 20
    for statute in laws:
        numbers = [int(a.number.split("之")[0]) for a in statute.articles]
        assert numbers, statute.title
        if statute.short_title == "刑法":
            continue  # an excerpt of one article
        assert numbers == list(range(1, len(numbers) + 1)), statute.title


def test_known_articles_have_their_text(laws: LawLibrary) -> None:
    article = laws.article("劳动合同法", "82")
    assert article is not None
    assert article.label == "第八十二条"
    assert article.title == "中华人民共和国劳动合同法"
    assert "二倍的工资" in article.text
    assert len(article.paragraphs) == 2
    assert laws.article("中华人民共和国劳动合同法", "第八十二条") == article
    assert laws.article("劳动合同法", "82") is laws.article("劳动合同法", "八十二")


def test_law_article_counts_match_the_official_texts(laws: LawLibrary) -> None:
    counts = {s.short_title: len(s.articles) for s in laws}
    assert counts["劳动合同法"] == 98
    assert counts["劳动法"] == 107
    assert counts["工伤保险条例"] == 67


def test_criminal_law_excerpt_without_info_marker_is_parsed(laws: LawLibrary) -> None:
    article = laws.article("刑法", "276之一")
    assert article is not None
    assert article.label == "第二百七十六条之一"
    assert article.text.startswith("以转移财产、逃匿等方法")
    assert "节选" not in article.text
    assert laws.article("中华人民共和国刑法", "276之一") == article


def test_unnumbered_notice_sections_count_as_articles(laws: LawLibrary) -> None:
    title = "关于职工全年月平均工作时间和工资折算问题的通知"
    second = laws.article(title, "2")
    assert second is not None and "21.75天" in second.text
    third = laws.article(title, "3")
    assert third is not None and "同时废止" in third.text
    assert laws.article(title, "4") is None


def test_article_text_excludes_chapter_headings(laws: LawLibrary) -> None:
    last_of_chapter = laws.article("工伤保险条例", "6")
    assert last_of_chapter is not None
    assert "第二章" not in last_of_chapter.text
    assert laws.article("工伤保险条例", "7").chapter.startswith("第二章")


def test_unambiguous_short_names_resolve(laws: LawLibrary) -> None:
    assert laws.article("工伤条例", "17") == laws.article("工伤保险条例", "17")
    assert laws.statute("社保法") == laws.statute("社会保险法")
    assert laws.statute("仲裁法") is None  # commercial arbitration is a different law


def test_parse_citation_with_paragraph_and_item() -> None:
    assert parse_citation("《工伤保险条例》第十七条第二款") == Citation("工伤保险条例", "17", 2)
    assert parse_citation("《劳动合同法》第三十八条第一款第（二）项") == Citation(
        "劳动合同法", "38", 1, 2)
    assert str(parse_citation("《刑法》第二百七十六条之一")) == "《刑法》第二百七十六条之一"


@pytest.mark.parametrize(
    "text", ["工伤保险条例第十七条", "《工伤保险条例》17条", "《工伤保险条例》第十七"])
def test_parse_citation_rejects_other_shapes(text: str) -> None:
    with pytest.raises(ValueError):
        parse_citation(text)


def test_resolve_checks_paragraph_exists(laws: LawLibrary) -> None:
    assert laws.resolve(parse_citation("《工伤保险条例》第十七条第二款")) is not None
    assert laws.resolve(parse_citation("《工伤保险条例》第十七条第九款")) is None
    assert laws.resolve(parse_citation("《工伤保险条例》第九十九条")) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("劳动合同法第八十二条", "《劳动合同法》第八十二条"),
        ("工伤保险条例17条", "《工伤保险条例》第十七条"),
        ("劳动法 第44条 是什么", "《劳动法》第四十四条"),
        ("《劳动合同法实施条例》第十条怎么理解", "《劳动合同法实施条例》第十条"),
        ("想看看刑法276条之一", "《刑法》第二百七十六条之一"),
    ],
)
def test_find_reference_in_users_words(laws: LawLibrary, text: str, expected: str) -> None:
    citation = laws.find_reference(text)
    assert citation is not None
    assert str(citation) == expected


def test_find_reference_ignores_articles_that_do_not_exist(laws: LawLibrary) -> None:
    assert laws.find_reference("劳动合同法第五百条") is None
    assert laws.find_reference("老板欠我三个月工资") is None


def test_verbatim_quotation_passes(laws: LawLibrary) -> None:
    detail = ("《劳动合同法》第八十二条规定：“用人单位自用工之日起超过一个月不满一年未与劳动者订立"
              "书面劳动合同的，应当向劳动者每月支付二倍的工资。”")
    assert laws.verify_quotations(detail) == []


def test_quotation_with_ellipsis_passes_when_pieces_are_in_order(laws: LawLibrary) -> None:
    detail = "《劳动合同法》第八十二条规定：“用人单位自用工之日起……应当向劳动者每月支付二倍的工资”"
    assert laws.verify_quotations(detail) == []


def test_altered_quotation_is_reported(laws: LawLibrary) -> None:
    detail = "《劳动合同法》第八十二条规定：“用人单位应当向劳动者每月支付三倍的工资。”"
    problems = laws.verify_quotations(detail)
    assert len(problems) == 1
    assert "not verbatim" in str(problems[0])
    assert "《劳动合同法》第八十二条" in str(problems[0])


def test_quotation_of_missing_article_is_reported(laws: LawLibrary) -> None:
    problems = laws.verify_quotations("《工伤保险条例》第九十九条规定：“任何内容”")
    assert [p.reason for p in problems] == ["no such article"]
