"""Article numbers in running text are read the way a worker reads them.

A bare 第N条 belongs to the instrument named last before it; an answer that names one law and
then writes another law's article number sends the worker to the wrong text, so the content
checks reject it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wx_backend.laws import LawLibrary
from wx_backend.laws.references import read_references, reference_problems

LAWS_DIR = Path(__file__).resolve().parents[1] / "content" / "laws"
CONTRACT_LAW = "中华人民共和国劳动合同法"
ARBITRATION_LAW = "中华人民共和国劳动争议调解仲裁法"


@pytest.fixture(scope="module")
def laws() -> LawLibrary:
    return LawLibrary.load(LAWS_DIR)


def _read(text: str, laws: LawLibrary) -> list[tuple[str, str]]:
    return [(r.statute.short_title if r.statute else "", r.article)
            for r in read_references(text, laws)]


def test_a_bare_number_belongs_to_the_instrument_named_last(laws: LawLibrary) -> None:
    text = ("单位要付经济补偿（《劳动合同法》第四十六条、第四十七条）；"
            "仲裁时效1年（《劳动争议调解仲裁法》第二十七条），不服可起诉（第四十八条）。")
    assert _read(text, laws) == [("劳动合同法", "46"), ("劳动合同法", "47"),
                                 ("劳动争议调解仲裁法", "27"), ("劳动争议调解仲裁法", "48")]


def test_a_number_right_after_a_name_is_explicit(laws: LawLibrary) -> None:
    references = read_references("《劳动合同法》第四十条……（第四十一条）；实施条例第十条", laws)
    assert [r.explicit for r in references] == [True, False, True]


def test_shorthands_and_lists_are_read(laws: LawLibrary) -> None:
    text = ("合同期限分三种（《劳动合同法》第十三、十四、十五条）；"
            "年限合并计算（实施条例第十条）；举证责任在单位（司法解释（一）第四十四条）。")
    assert _read(text, laws) == [
        ("劳动合同法", "13"), ("劳动合同法", "14"), ("劳动合同法", "15"),
        ("劳动合同法实施条例", "10"),
        ("最高人民法院关于审理劳动争议案件适用法律问题的解释（一）", "44"),
    ]


def test_tiaoli_means_the_regulation_named_last(laws: LawLibrary) -> None:
    text = ("《工伤保险条例》第十四条……按《劳动合同法》第四十二条，"
            "条例第三十三条的停工留薪期照发工资。")
    assert _read(text, laws) == [
        ("工伤保险条例", "14"), ("劳动合同法", "42"), ("工伤保险条例", "33")]


def test_quotations_and_appendix_items_are_not_references(laws: LawLibrary) -> None:
    text = ("《劳动合同法》第四十六条规定：“劳动者依照本法第三十八条规定解除劳动合同的”；"
            "禁忌劳动范围见附录第三条。")
    assert _read(text, laws) == [("劳动合同法", "46")]


def test_a_number_after_the_wrong_law_is_reported(laws: LawLibrary) -> None:
    text = ("仲裁时效1年（《劳动争议调解仲裁法》第二十七条）。"
            "经济补偿每满一年付一个月工资（第四十七条）。")
    basis = [(ARBITRATION_LAW, "27"), (CONTRACT_LAW, "47")]
    problems = reference_problems(text, basis, laws)
    assert len(problems) == 1
    assert "第四十七条" in problems[0] and CONTRACT_LAW in problems[0]


def test_a_number_that_does_not_exist_under_its_law_is_reported(laws: LawLibrary) -> None:
    text = "书面合同的认定（司法解释（二）第八条）；违法解除要付赔偿金（第八十七条）。"
    problems = reference_problems(text, [(CONTRACT_LAW, "87")], laws)
    assert len(problems) == 1 and "该法没有这一条" in problems[0]


def test_a_number_with_no_law_named_before_it_is_reported(laws: LawLibrary) -> None:
    problems = reference_problems("符合第十四条第（六）项的，算工伤。", [], laws)
    assert len(problems) == 1 and "没有写明是哪部法律" in problems[0]


def test_a_number_under_an_instrument_we_do_not_ship_is_reported(laws: LawLibrary) -> None:
    problems = reference_problems("用工比例不超过10%（《劳务派遣暂行规定》第四条）。", [], laws)
    assert len(problems) == 1 and "不在 content/laws/" in problems[0]


def test_correct_references_pass(laws: LawLibrary) -> None:
    text = ("未签书面合同的，每月付二倍工资（《劳动合同法》第八十二条）；"
            "满一年视为无固定期限合同（第十四条第三款；实施条例第七条）。")
    basis = [(CONTRACT_LAW, "82"), (CONTRACT_LAW, "14"), ("中华人民共和国劳动合同法实施条例", "7")]
    assert reference_problems(text, basis, laws) == []


PIECES = [*"第条之、一二三四五六七八九十百千零〇两0123456789《》“”（）款项附录",
          "劳动合同法", "实施条例", "条例", "司法解释（一）", "《工伤保险条例》", "《民法典》"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_any_text_a_staff_member_types_gets_problems_never_a_crash(text: str) -> None:
    laws = LawLibrary.load(LAWS_DIR)
    assert isinstance(reference_problems(text, [], laws), list)
