"""The matching engine on small hand-made documents: normalising, ranking, deciding."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from wx_backend.matching import Candidate, Document, Matcher, Thresholds
from wx_backend.matching.dictionaries import load_dictionaries
from wx_backend.matching.engine import Weights

PACKAGE = Path(__file__).resolve().parents[1] / "wx_backend" / "matching"

DOCS = [
    Document("qx-01", "欠薪与工资支付", "用人单位拖欠工资不发怎么办",
             ("包工头欠工钱不给怎么要", "干完活老板一直拖着不结工资", "工资被拖了好几个月"),
             ("拖欠工资", "讨薪")),
    Document("ht-01", "劳动合同订立", "没签劳动合同能要二倍工资吗",
             ("入职半年公司一直不签合同", "没有书面合同可以要双倍工资吗", "单位不跟我签合同怎么赔"),
             ("二倍工资", "未签合同")),
    Document("gsrd-01", "工伤认定", "上下班路上发生交通事故算工伤吗",
             ("下班回家路上被车撞了是工伤吗", "上班途中出车祸能认定工伤吗"),
             ("上下班途中", "工伤认定")),
    Document("gsrd-02", "工伤认定", "受伤后多久内要申请工伤认定",
             ("工伤认定的申请期限是多久", "受伤一年了还能报工伤吗"), ("工伤认定", "申请时限")),
    Document("jb-01", "加班工时休假", "周末加班有没有加班费",
             ("休息日加班工资怎么算", "星期天上班给不给加班费"), ("加班费", "休息日")),
    Document("sb-01", "社会保险", "单位不给交社保怎么办",
             ("公司没给我买社保", "老板说不交五险"), ("社保", "缴纳社会保险")),
]


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    return Matcher.build(DOCS, cache_dir=tmp_path_factory.mktemp("jieba"))


def test_engine_imports_nothing_from_flask_or_other_project_packages() -> None:
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(("flask", "sqlalchemy", "redis")), (path, name)
                if name.startswith("wx_backend"):
                    assert name.startswith("wx_backend.matching"), (path, name)


def test_normalising_folds_width_script_and_numerals(matcher: Matcher) -> None:
    assert matcher.normalize("老闆欠我三個月工錢") == "用人单位欠我3个月工资"
    assert matcher.normalize("ＡＢＣ１２３") == "abc123"
    assert "2倍工资" in matcher.normalize("双倍工资")


def test_colloquial_words_map_to_canonical_terms(matcher: Matcher) -> None:
    assert matcher.normalize("厂里") == matcher.normalize("老板") == "用人单位"
    # On building sites the labor contractor is legally distinct from the employer.
    assert matcher.normalize("工头") == matcher.normalize("带班的") == "包工头"
    assert matcher.normalize("总包") == matcher.normalize("项目部") == "施工总承包单位"
    assert matcher.normalize("被炒鱿鱼了") == matcher.normalize("被开除了")
    assert matcher.normalize("血汗钱") == "工资"


def test_being_moved_to_another_workshop_is_a_job_change(matcher: Matcher) -> None:
    assert "调岗" in matcher.tokens("被调到别的车间了")
    assert "调岗" in matcher.tokens("公司把我调去仓库")


def test_what_do_i_do_in_any_dialect_adds_no_topic_word(matcher: Matcher) -> None:
    for text in ("工钱咋整", "工钱咋办", "工钱怎么弄", "工钱怎么办"):
        assert matcher.tokens(text) == matcher.tokens("工钱"), text


def test_an_age_of_sixty_or_more_is_read_as_retirement_age(matcher: Matcher) -> None:
    for text in ("我爸65岁在工地", "六十多岁了还在干", "我今年62了", "七十岁的老人"):
        assert "退休" in matcher.tokens(text), text
    for text in ("我16岁", "女的50多岁", "干了60天", "1965年出生"):
        assert "退休" not in matcher.tokens(text), text


def test_numbers_are_not_rewritten_as_slang_inside_longer_numbers(matcher: Matcher) -> None:
    # "996" is slang for overtime; the 7 of 7年 and the 996 of 1996 are only numbers.
    assert matcher.normalize("干了7年") == "干了7年"
    assert "加班" not in matcher.normalize("1996年入职")
    assert "加班" in matcher.normalize("天天996")


def test_canonical_terms_are_not_rewritten_inside_themselves(matcher: Matcher) -> None:
    assert matcher.normalize("用人单位") == "用人单位"
    assert matcher.normalize("劳动合同") == "劳动合同"


def test_voice_homophone_fixed_only_where_safe(matcher: Matcher) -> None:
    assert "工伤认定" in matcher.normalize("工商认定")
    assert "工商局" in matcher.normalize("去工商局注册")
    assert "仲裁" in matcher.normalize("我要申请中裁")


def test_negation_is_kept_as_a_feature(matcher: Matcher) -> None:
    assert "NEG_签" in matcher.tokens("公司没签合同")
    assert "NEG_签" not in matcher.tokens("公司签了合同")
    assert "NEG_签" not in matcher.tokens("公司有没有签合同")


def test_filler_and_particles_are_dropped(matcher: Matcher) -> None:
    tokens = matcher.tokens("你好，请问一下老板欠工资怎么办呢？")
    assert "请问" not in tokens and "呢" not in tokens and "你好" not in tokens
    assert "用人单位" in tokens


def test_dialect_boss_and_wages_map_to_wage_arrears_entry(matcher: Matcher) -> None:
    decision = matcher.decide("包工头一直拖着血汗钱不给咋整")
    assert decision.outcome == "answer"
    assert decision.candidates[0].entry_id == "qx-01"


def test_traditional_characters_match_simplified_entries(matcher: Matcher) -> None:
    assert matcher.rank("上班途中出車禍算不算工傷")[0].entry_id == "gsrd-01"


def test_misheard_injury_word_still_finds_injury_entry(matcher: Matcher) -> None:
    assert matcher.rank("下班路上被车撞了算工商吗")[0].entry_id == "gsrd-01"


def test_no_contract_double_wages_question_is_answered(matcher: Matcher) -> None:
    decision = matcher.decide("厂里干了八个月一直没跟我签合同，能拿双倍工资吗")
    assert decision.outcome == "answer"
    assert decision.candidates[0] == Candidate("ht-01", "劳动合同订立",
                                               decision.candidates[0].score)


def test_rank_returns_scores_in_unit_interval_best_first(matcher: Matcher) -> None:
    ranked = matcher.rank("周末加班给加班费吗", limit=3)
    assert ranked[0].entry_id == "jb-01"
    assert len(ranked) <= 3
    assert all(0.0 <= c.score <= 1.0 for c in ranked)
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)


def test_unrelated_chatter_falls_back(matcher: Matcher) -> None:
    decision = matcher.decide("今天天气怎么样")
    assert decision.outcome == "fallback"


def test_empty_text_falls_back(matcher: Matcher) -> None:
    assert matcher.decide("？？？").outcome == "fallback"
    assert matcher.rank("") == []


@pytest.mark.parametrize("question", [
    "离婚后孩子的抚养费怎么算",
    "父亲去世没留遗嘱，遗产怎么分",
    "朋友借钱不还，借条还在，能起诉吗",
    "网购的东西有质量问题，商家不给退货",
    "开车追尾了，交警判我全责，保险公司赔多少",
])
def test_clearly_non_labor_questions_are_out_of_scope(matcher: Matcher, question: str) -> None:
    assert matcher.decide(question).outcome == "out_of_scope"


def test_commute_accident_with_work_link_stays_in_scope(matcher: Matcher) -> None:
    decision = matcher.decide("下班路上被车撞了，交警认定对方全责，能认定工伤吗")
    assert decision.outcome != "out_of_scope"
    assert decision.candidates[0].entry_id == "gsrd-01"


def test_close_call_offers_choices(tmp_path: Path) -> None:
    docs = [
        Document("a-01", "t", "工伤认定要带什么材料", ("工伤认定材料清单",), ("工伤认定", "材料")),
        Document("a-02", "t", "工伤认定要交什么费用", ("工伤认定费用清单",), ("工伤认定", "费用")),
    ]
    matcher = Matcher.build(docs, cache_dir=tmp_path)
    decision = matcher.decide("工伤认定")
    assert decision.outcome == "choices"
    assert {c.entry_id for c in decision.candidates} == {"a-01", "a-02"}


def test_thresholds_are_configurable(tmp_path: Path) -> None:
    strict = Matcher.build(DOCS, cache_dir=tmp_path, thresholds=Thresholds(answer=1.01))
    assert strict.decide("包工头一直拖着血汗钱不给").outcome != "answer"


def test_answer_text_lets_a_question_in_the_answers_words_find_its_entry(tmp_path: Path) -> None:
    docs = [
        Document("gs-01", "工伤待遇", "干活受伤了老板给什么待遇", ("厂里受伤了能拿什么钱",),
                 ("工伤待遇",),
                 answer="治疗期间是停工留薪期，原工资福利待遇不变，由所在单位按月支付。"),
        Document("qx-01", "欠薪", "老板拖欠工资怎么办", ("工资一直不发",), ("拖欠工资",),
                 answer="可以向劳动保障监察投诉，或者申请劳动仲裁。"),
    ]
    matcher = Matcher.build(docs, cache_dir=tmp_path)
    assert matcher.rank("停工留薪期间老板按多少发工资")[0].entry_id == "gs-01"


def test_questions_are_tagged_with_legal_concepts_through_colloquial_words(
        matcher: Matcher) -> None:
    tagger = matcher._concepts  # the shipped concepts.yaml
    def concepts(text: str) -> set[str]:
        return {tagger.names[i] for i in tagger.tags(matcher.normalize(text))}
    assert {"欠薪"} <= concepts("老板欠我三个月工钱")
    assert {"辞退", "孕产哺乳"} <= concepts("我怀孕了厂里把我炒鱿鱼")
    assert "伤残鉴定" in concepts("工伤评残要去哪里")
    assert "未成年" in concepts("我今年15岁能打工吗")
    assert concepts("今天天气不错") == set()


def test_an_entry_lacking_the_questions_status_concept_loses_ground(tmp_path: Path) -> None:
    docs = [
        Document("syq-01", "试用期", "试用期内单位能随便辞退我吗",
                 ("试用期被辞退了怎么办", "试用期说我不合格就辞退我"), ("试用期", "辞退")),
        Document("nz-01", "女职工与特殊保护", "怀孕了单位能辞退我吗",
                 ("孕期被开除合法吗", "哺乳期被辞退怎么办"), ("怀孕", "孕期")),
    ]
    question = "怀孕了，试用期被辞退了怎么办"
    plain = Matcher.build(docs, cache_dir=tmp_path,
                          weights=Weights(concept=0.0, concept_status=0.0))
    with_concepts = Matcher.build(docs, cache_dir=tmp_path)

    def lead(matcher: Matcher) -> float:
        scores = {c.entry_id: c.score for c in matcher.rank(question)}
        return scores["syq-01"] - scores["nz-01"]

    # The probation entry shares more words, but says nothing about pregnancy, which changes
    # the rules for a dismissal: its lead shrinks.
    assert lead(with_concepts) < lead(plain) * 0.5


def test_concept_status_must_name_a_concept(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[1] / "content" / "dictionaries"
    for name in ("synonyms.yaml", "legal_terms.txt", "stopwords.txt", "scope.yaml"):
        (tmp_path / name).write_text((source / name).read_text("utf-8"), "utf-8")
    (tmp_path / "concepts.yaml").write_text("concepts:\n  欠薪: [拖欠工资]\nstatus: [怀孕]\n",
                                            "utf-8")
    with pytest.raises(ValueError, match="status"):
        load_dictionaries(tmp_path)


def test_duplicate_document_ids_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unique"):
        Matcher.build([DOCS[0], DOCS[0]], cache_dir=tmp_path)


def test_tokenizer_cache_lives_in_the_given_directory(tmp_path: Path) -> None:
    Matcher.build(DOCS[:1], cache_dir=tmp_path / "instance")
    assert (tmp_path / "instance" / "jieba.pufa.cache").exists()
