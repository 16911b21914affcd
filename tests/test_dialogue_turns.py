"""One turn of conversation: what a worker types or does, and what they read back."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import pytest

from tests.dialogue_support import fixture_content_dir
from wx_backend.dialogue import Answer, Dialogue, Incoming, get_brain
from wx_backend.dialogue.brain import Brain
from wx_backend.dialogue.engine import basis_line
from wx_backend.dialogue.service import visible_text
from wx_backend.matching import Candidate, Decision
from wx_backend.site import load_site
from wx_backend.store import MemoryStore

MONDAY_10AM = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
SATURDAY = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
LABOR_CITATION = "《"


@dataclass
class StubMatcher:
    """Returns a chosen decision, so dialogue rules are tested apart from the engine."""

    decision: Decision
    asked: list[str] = field(default_factory=list)

    def decide(self, text: str) -> Decision:
        self.asked.append(text)
        return self.decision


@dataclass
class Events:
    attributed: list[tuple[str, str, str]] = field(default_factory=list)
    recorded: list[tuple[str, str]] = field(default_factory=list)

    def attribute(self, user_id: str, source: str, *, event: str, event_key: str) -> None:
        self.attributed.append((user_id, source, event))

    def record(self, user_id: str, *, event: str, event_key: str) -> None:
        self.recorded.append((user_id, event))


def real_brain() -> Brain:
    return get_brain(fixture_content_dir())


def stub_brain(outcome: str, *ids: str, score: float = 0.9) -> Brain:
    brain = real_brain()
    candidates = tuple(Candidate(i, brain.entry(i).topic if brain.entry(i) else "", score)
                       for i in ids)
    return replace(brain, matcher=StubMatcher(Decision(outcome, candidates, "")))  # type: ignore[arg-type]


def dialogue(brain: Brain | None = None, *, now: datetime = SATURDAY,
             events: Events | None = None, case_lookup=None) -> Dialogue:  # type: ignore[no-untyped-def]
    return Dialogue(
        store=MemoryStore(),
        site=load_site(fixture_content_dir(), "jinyun"),
        brain=brain or real_brain(),
        public_base_url="https://pufa.example.org",
        case_lookup=case_lookup,
        events=events,
        now=lambda: now,
    )


def say(d: Dialogue, text: str, user: str = "oU") -> Answer:
    return d.respond(Incoming(user_id=user, kind="text", text=text))


# ---- menu and numbered choices ----------------------------------------------------------
@pytest.mark.parametrize("text", ["你好", "您好！", "菜单", "帮助", "?", "？", "hello", "在吗"])
def test_greetings_and_help_words_show_the_numbered_topic_menu(text: str) -> None:
    answer = say(dialogue(), text)
    assert answer.outcome == "menu"
    assert "1. 受伤了算不算工伤\n2. 拖欠工资怎么办\n3. 劳动合同和双倍工资" in answer.text
    assert answer.choices == ("受伤了算不算工伤", "拖欠工资怎么办", "劳动合同和双倍工资")


@pytest.mark.parametrize("number", ["2", "２", "二", "第2个", " 2 "])
def test_a_topic_number_lists_that_topics_common_questions(number: str) -> None:
    d = dialogue()
    say(d, "菜单")
    answer = say(d, number)
    assert answer.outcome == "topic" and answer.topic == "欠薪与工资支付"
    assert "1. 老板拖欠了好几个月工资，该怎么办？" in answer.text


def test_numbers_pick_from_the_last_suggestions_of_that_user_only() -> None:
    d = dialogue(stub_brain("choices", "qx-01", "ht-01", "gsrd-02", score=0.4))
    offered = say(d, "钱的事情", user="oA")
    assert offered.outcome == "choices"
    # A close call shows the likeliest answer, introduced as a guess, with the others a digit away.
    assert offered.text.startswith("您问的可能是：老板拖欠了好几个月工资")
    assert "依据：《劳动法》第五十条" in offered.text
    assert offered.text.endswith(
        "不是这个问题？回复数字看相近的解答：\n2. 干了几个月单位一直不签劳动合同，有什么赔偿？"
        "\n3. 在工地干活时受伤，算工伤吗？"
    )
    assert say(d, "1", user="oA").entry_id == "qx-01"
    picked = say(d, "三", user="oA")
    assert (picked.outcome, picked.entry_id) == ("answer", "gsrd-02")
    # another user has no suggestions: their "3" picks from the topic menu
    assert say(d, "3", user="oB").topic == "劳动合同订立"


def test_suggestions_are_kept_for_ten_minutes() -> None:
    d = dialogue()
    say(d, "菜单", user="oT")
    assert 590 <= (d.store.ttl("dlg:sugg:oT") or 0) <= 600  # type: ignore[attr-defined]


def test_a_number_outside_the_choices_repeats_them() -> None:
    d = dialogue(stub_brain("choices", "qx-01", "ht-01"))
    say(d, "问一下")
    answer = say(d, "3")
    assert answer.outcome == "choices" and answer.text.startswith("没有第3项。请回复 1-2")


# ---- FAQ answers, fallback, out of scope ------------------------------------------------
def test_a_confident_match_answers_with_filled_placeholders_and_basis() -> None:
    answer = say(dialogue(stub_brain("answer", "qx-01")), "老板欠我工资")
    assert (answer.outcome, answer.entry_id, answer.topic) == ("answer", "qx-01", "欠薪与工资支付")
    assert "{" not in answer.text and "缙云县劳动保障监察机构" in answer.text
    assert "依据：《劳动法》第五十条" in answer.text
    assert answer.article and answer.article.url == "https://pufa.example.org/faq/qx-01"
    assert answer.score == 0.9


def test_related_cases_are_listed_when_a_case_lookup_is_registered() -> None:
    cases = {"a-case-slug": ("工地受伤认定工伤案", "https://pufa.example.org/cases/a-case-slug")}
    answer = say(dialogue(stub_brain("answer", "gsrd-02"), case_lookup=cases.get), "工地受伤")
    line = "相关案例：《工地受伤认定工伤案》 https://pufa.example.org/cases/a-case-slug"
    assert line in answer.text


def test_a_broken_case_lookup_does_not_cost_the_answer() -> None:
    def broken(slug: str) -> None:
        raise RuntimeError("db down")
    answer = say(dialogue(stub_brain("answer", "gsrd-02"), case_lookup=broken), "工地受伤")
    assert answer.outcome == "answer" and "相关案例" not in answer.text


def test_fallback_is_honest_and_names_the_people_who_can_help() -> None:
    answer = say(dialogue(stub_brain("fallback", "qx-01", score=0.1)), "啥情况")
    assert answer.outcome == "fallback" and answer.entry_id is None
    assert "没有把握" in answer.text
    for channel in ("12333", "缙云县劳动保障监察机构", "12348"):
        assert channel in answer.text
    assert "依据" not in answer.text


def test_out_of_scope_never_cites_a_labor_statute() -> None:
    answer = say(dialogue(stub_brain("out_of_scope", "qx-01", score=0.2)), "离婚财产怎么分")
    assert answer.outcome == "out_of_scope"
    assert "12348" in answer.text and "12333" in answer.text
    assert LABOR_CITATION not in answer.text and "依据" not in answer.text


def test_a_single_close_candidate_is_offered_as_a_guess_not_asserted() -> None:
    answer = say(dialogue(stub_brain("choices", "ht-01", score=0.4)), "合同的事")
    assert answer.outcome == "choices" and answer.entry_id == "ht-01"
    assert answer.text.startswith("您问的可能是：")
    assert answer.text.endswith("没答到点子上？可以换个说法再问，或回复“人工”。")


def with_guide(brain: Brain, guide: str) -> Brain:
    topics = tuple(replace(t, guide=guide) for t in brain.catalog.topics)
    return replace(brain, catalog=replace(brain.catalog, topics=topics))


def test_answers_carry_the_topic_guide_when_it_adds_something() -> None:
    guide = "讨薪怎么办：先保存考勤和转账记录，再向{inspection}投诉。"
    brain = with_guide(stub_brain("answer", "qx-01"), guide)
    answer = say(dialogue(brain), "工资")
    assert "讨薪怎么办：先保存考勤和转账记录，再向缙云县劳动保障监察机构" in answer.text


def test_an_entry_that_crosses_topics_carries_the_guide_of_the_topic_it_names() -> None:
    brain = stub_brain("answer", "qx-01")
    topics = tuple(replace(t, guide=f"{t.name}的要点。") for t in brain.catalog.topics)
    entries = tuple(replace(e, guide_topic="工伤认定") if e.id == "qx-01" else e
                    for e in brain.catalog.entries)
    brain = replace(brain, catalog=replace(brain.catalog, topics=topics, entries=entries))
    answer = say(dialogue(brain), "工资")
    assert "工伤认定的要点。" in answer.text and "欠薪与工资支付的要点。" not in answer.text


def test_close_call_choices_survive_the_length_limit_when_the_guide_does_not_fit() -> None:
    brain = with_guide(stub_brain("choices", "qx-01", "ht-01", "gsrd-02", score=0.4), "要点" * 400)
    answer = say(dialogue(brain), "钱的事情")
    assert "要点要点" not in answer.text
    assert visible_text(answer) == f"{answer.text}\n查看全文：{answer.article.url}"  # uncut
    assert answer.text.endswith("3. 在工地干活时受伤，算工伤吗？")


def test_the_guide_uses_all_the_room_wechat_leaves_beside_the_link() -> None:
    shown_with_guide: list[str] = []
    for size in range(0, 700, 7):
        brain = with_guide(stub_brain("answer", "qx-01"), "要" * size)
        answer = say(dialogue(brain), "工资")
        shown = visible_text(answer)
        assert answer.article is not None
        assert shown == f"{answer.text}\n查看全文：{answer.article.url}"  # never cut
        assert len(shown.encode("utf-8")) <= 2000
        if "要" * size in answer.text:
            shown_with_guide.append(shown)
    # The longest guide that went out left less room than one more step of the loop.
    assert len(shown_with_guide[-1].encode("utf-8")) > 2000 - 3 * 7


@pytest.mark.parametrize(("text", "words"), [
    ("谢谢！", "不客气"),
    ("你是机器人吗", "回复“人工”"),
    ("吃饭了没", "直接打字或发语音问我"),
])
def test_small_talk_gets_a_polite_word_not_an_faq_guess(text: str, words: str) -> None:
    brain = stub_brain("answer", "qx-01")
    answer = say(dialogue(brain), text)
    assert words in answer.text and answer.entry_id is None
    assert brain.matcher.asked == []  # type: ignore[union-attr]  # never reached the matcher


def test_a_close_call_does_not_offer_the_same_question_twice() -> None:
    # Two topics can share a question (quitting over unpaid wages is 欠薪 and 解除 at once).
    brain = stub_brain("choices", "qx-01", "ht-01", "gsrd-02", score=0.4)
    top = brain.entry("qx-01")
    assert top is not None
    entries = tuple(replace(e, question=top.question.replace("老板", "单位"))
                    if e.id == "ht-01" else e for e in brain.catalog.entries)
    brain = replace(brain, catalog=replace(brain.catalog, entries=entries))
    answer = say(dialogue(brain), "工资的事")
    assert answer.choices == (top.question, "在工地干活时受伤，算工伤吗？")
    assert answer.text.endswith("2. 在工地干活时受伤，算工伤吗？")


def test_the_basis_line_names_each_statute_once_and_keeps_every_article() -> None:
    line = basis_line(["《劳动合同法》第四十四条第（一）项", "《劳动合同法》第四十五条",
                       "《劳动合同法实施条例》第二十二条", "《劳动合同法》第十四条",
                       "《劳动合同法》第四十五条"])
    assert line == ("依据：《劳动合同法》第四十四条第（一）项、第四十五条、第十四条；"
                    "《劳动合同法实施条例》第二十二条")


def test_the_real_engine_answers_a_known_question() -> None:
    answer = say(dialogue(), "没签劳动合同能要二倍工资吗")
    assert (answer.outcome, answer.entry_id) == ("answer", "ht-01")
    # even a clear match keeps the way on in view
    assert answer.text.endswith("没答到点子上？可以换个说法再问，或回复“人工”。")


# ---- statutes ---------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "heading", "words"), [
    ("劳动合同法第八十二条", "《劳动合同法》第八十二条", "二倍的工资"),
    ("工伤保险条例17条", "《工伤保险条例》第十七条", "30日内"),
    ("《劳动法》第50条是什么", "《劳动法》第五十条", "按月支付"),
])
def test_statute_look_ups_return_the_article(text: str, heading: str, words: str) -> None:
    answer = say(dialogue(), text)
    assert answer.outcome == "statute"
    assert answer.text.startswith(heading + "\n") and words in answer.text


def test_a_question_that_mentions_an_article_goes_to_the_faq() -> None:
    brain = stub_brain("answer", "ht-01")
    answer = say(dialogue(brain), "劳动合同法第八十二条说的二倍工资从哪天开始算，最多能拿几个月")
    assert answer.outcome == "answer"


# ---- people -----------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["人工", "转人工", "人工客服"])
def test_asking_for_a_person_in_office_hours_transfers(text: str) -> None:
    answer = say(dialogue(now=MONDAY_10AM), text)
    assert answer.outcome == "transfer" and answer.transfer


def test_asking_for_a_person_after_hours_gives_the_contacts() -> None:
    answer = say(dialogue(now=SATURDAY), "人工")
    assert answer.outcome == "contacts" and not answer.transfer
    assert "周一至周五 08:30-12:00、14:00-17:30" in answer.text
    assert "12333" in answer.text and "12348" in answer.text


# ---- other message kinds and events -----------------------------------------------------
def test_voice_uses_the_recognised_text() -> None:
    d = dialogue()
    voice = d.respond(Incoming(user_id="oV", kind="voice", text="劳动合同法第八十二条"))
    assert voice.outcome == "statute"


def test_voice_with_empty_recognition_offers_the_menu() -> None:
    answer = dialogue().respond(Incoming(user_id="oV", kind="voice", text=""))
    assert answer.outcome == "no_speech" and "没能听清" in answer.text and "1. " in answer.text


@pytest.mark.parametrize("kind", ["image", "video", "shortvideo", "location", "link", "file"])
def test_non_text_messages_get_guidance(kind: str) -> None:
    answer = dialogue().respond(Incoming(user_id="oI", kind=kind))
    assert answer.outcome == "guidance" and "请用文字或语音" in answer.text


def test_subscribe_from_a_qr_code_attributes_the_source_and_welcomes() -> None:
    events = Events()
    answer = dialogue(events=events).respond(
        Incoming(user_id="oS", kind="event", event="subscribe", event_key="qrscene_ws:JY001"))
    assert answer.outcome == "welcome" and not answer.is_question
    assert answer.text.startswith("欢迎关注缙云县人力资源和社会保障局")
    assert events.attributed == [("oS", "ws:JY001", "subscribe")]


def test_plain_subscribe_and_unsubscribe_are_recorded() -> None:
    events = Events()
    d = dialogue(events=events)
    d.respond(Incoming(user_id="oS", kind="event", event="subscribe"))
    gone = d.respond(Incoming(user_id="oS", kind="event", event="unsubscribe"))
    assert not gone.reply
    assert events.recorded == [("oS", "subscribe"), ("oS", "unsubscribe")]


def test_scan_attributes_the_scene() -> None:
    events = Events()
    dialogue(events=events).respond(
        Incoming(user_id="oS", kind="event", event="scan", event_key="ws:JY002"))
    assert events.attributed == [("oS", "ws:JY002", "scan")]


@pytest.mark.parametrize(("key", "outcome"), [("TOPIC_QX", "topic"), ("topic_gsrd", "topic"),
                                              ("MENU", "menu"), ("HUMAN", "contacts"),
                                              ("UNKNOWN_KEY", "menu")])
def test_menu_clicks(key: str, outcome: str) -> None:
    answer = dialogue().respond(Incoming(user_id="oC", kind="event", event="click",
                                         event_key=key))
    assert answer.outcome == outcome and not answer.is_question


@pytest.mark.parametrize("event", ["view", "location", "templatesendjobfinish"])
def test_other_events_get_no_reply(event: str) -> None:
    answer = dialogue().respond(Incoming(user_id="oE", kind="event", event=event))
    assert not answer.reply and not answer.is_question
