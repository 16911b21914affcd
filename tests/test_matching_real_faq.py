"""End-to-end on the shipped FAQ, with questions written for these tests (not eval items)."""

from __future__ import annotations

from pathlib import Path

import pytest

from wx_backend.faq import FaqCatalog, documents_from_catalog, load_catalog
from wx_backend.laws import LawLibrary
from wx_backend.matching import Matcher

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def catalog() -> FaqCatalog:
    laws = LawLibrary.load(ROOT / "content" / "laws")
    return load_catalog(ROOT / "faq", ROOT / "content" / "topics.yaml", laws)


@pytest.fixture(scope="module")
def matcher(catalog: FaqCatalog, tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return Matcher.build(documents_from_catalog(catalog), cache_dir=tmp_path_factory.mktemp("j"))


@pytest.mark.parametrize(("question", "topics"), [
    ("包工头跑了，我们几十个人的工钱找谁要", {"欠薪与工资支付", "维权渠道与仲裁"}),
    ("在车间被机器压断了手指头，老板说不算工商", {"工伤认定"}),
    ("厂里干了快一年了一直没签合同", {"劳动合同订立"}),
    ("公司一直不给我们买社保合法吗", {"社会保险"}),
    ("我在这个厂干了三年多，上个月厂子说要搬到外省，让我们自己走人，一分钱补偿都不给，"
     "这种情况能要经济补偿吗", {"解除终止与经济补偿"}),
    ("我在一个工地上干了快两年，前天从脚手架上摔下来腿骨折了，在医院躺着，"
     "包工头说是我自己不小心，这个能不能算工伤", {"工伤认定"}),
])
def test_worker_questions_reach_the_right_topic(matcher: Matcher, question: str,
                                                topics: set[str]) -> None:
    decision = matcher.decide(question)
    assert decision.outcome in ("answer", "choices")
    assert decision.candidates[0].topic in topics


@pytest.mark.parametrize("question", [
    "老公出轨了要离婚，房子怎么分",
    "我哥借了我五万块钱打了借条，现在不还",
    "我家装修，装修队把地板弄坏了不肯赔",
    "我离婚了，前夫一直不给孩子抚养费",
])
def test_non_labor_questions_are_declined_on_the_real_faq(matcher: Matcher,
                                                          question: str) -> None:
    assert matcher.decide(question).outcome == "out_of_scope"


@pytest.mark.parametrize("question", [
    "我老婆在单位上班时突然晕倒猝死了，单位说不管，怎么赔",
    "老公因工去世了，家属能拿到什么",
    "工程早就完工了，开发商一直拖着不给钱，我们的工资也拿不到",
    # The job named in the question makes 车祸/撞/装修 a work matter.
    "我在美团送外卖 被车撞了 平台说我是众包的不管",
    "给私人老板开大车 跑长途出了车祸 我受伤了谁赔",
    "干装修的 梯子断了摔骨折 师傅说他不管让我找老板",
    "开货车送货出了车祸 对方全责 保险公司赔了 单位还要赔吗",
    "去客户家装修的时候从二楼摔下来了 公司说是个人行为",
    "公司年会喝多了酒 回家路上出了车祸",
    "我老婆在服装厂做了三年 老板说要结婚了就别干了",
])
def test_family_words_and_the_developer_do_not_push_a_labor_question_out(
        matcher: Matcher, question: str) -> None:
    assert matcher.decide(question).outcome != "out_of_scope"


def test_every_entry_finds_itself_by_its_standard_question(
        matcher: Matcher, catalog: FaqCatalog) -> None:
    misses = [e.id for e in catalog if e.id not in
              {c.entry_id for c in matcher.rank(e.question, limit=3)}]
    assert len(misses) <= len(catalog) // 50, misses


def test_a_labor_contractor_who_ran_off_leads_to_the_general_contractor_entry(
    matcher: Matcher,
) -> None:
    decision = matcher.decide("包工头跑了工钱找谁要")
    assert decision.candidates[0].entry_id == "qx-02"  # 包工头跑了或者不给工钱，谁来付？


def test_a_grade_already_assessed_is_not_read_as_asking_about_recognition(
        matcher: Matcher) -> None:
    # Workers say "认定工伤九级" for the assessed grade: they ask what grade 9 pays, and the
    # 工伤认定 concept would pull the question to entries on how recognition works.
    for question in ("工伤认定了九级能赔多少", "认定工伤10级老板给多少钱", "工地认定工伤八级"):
        assert "工伤认定" not in matcher.tokens(question), question
    assert "工伤认定" in matcher.tokens("工伤认定一般要多久")


def test_an_age_past_sixty_reaches_the_older_worker_entry(matcher: Matcher) -> None:
    # "今年62了" says nothing of retirement in words, but 60+ is what changes the answer.
    decision = matcher.decide("我今年62了还在工地上干活 手被砸伤了能报工伤吗")
    assert decision.candidates[0].entry_id == "gsrd-27"  # 超过60岁在工地干活受伤，还能认定工伤吗？


@pytest.mark.parametrize(("question", "entry_id"), [
    ("手里有老板写的欠条，能直接去法院告吗", "qx-11"),        # 欠条, 法院: a wage IOU
    ("打架被拘留了几天，回来公司不要我了", "jc-30"),          # 打架, 拘留: a dismissal
    ("肇事司机跑了，我这工伤的医疗费怎么办", "gsdy-18"),
])
def test_a_strong_faq_match_keeps_a_labor_question_with_outside_words_in_scope(
        matcher: Matcher, question: str, entry_id: str) -> None:
    decision = matcher.decide(question)
    assert decision.outcome != "out_of_scope"
    assert decision.candidates[0].entry_id == entry_id
