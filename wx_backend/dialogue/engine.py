"""One turn: commands, numbered choices, events, statute look-ups, then the FAQ matcher.

Every reply that is not a confident match says so and names the people who can help
(12333, the county's labor inspection office, 12348): an honest "not sure" is always better
than a confident wrong answer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import Protocol

from wx_backend.dialogue import intents
from wx_backend.dialogue.brain import Brain
from wx_backend.dialogue.suggestions import KeyValueStore, Suggestions, recall, remember
from wx_backend.dialogue.types import Answer, ArticleLink, Incoming
from wx_backend.faq import FaqEntry, Topic
from wx_backend.laws import Citation
from wx_backend.site import SiteConfig
from wx_backend.wechat.replies import MORE_LABEL, TEXT_LIMIT_BYTES

log = logging.getLogger(__name__)

CaseLookup = Callable[[str], "tuple[str, str] | None"]
TOPIC_QUESTIONS = 5
# WeChat shows at most 2048 bytes of a text reply and the channel adds a 查看全文 link to the
# entry's page: the dialogue keeps its own text within what is left, so nothing is ever cut
# (the mini-program gets the same text).
REPLY_BUDGET_BYTES = TEXT_LIMIT_BYTES
NOT_QUITE = "没答到点子上？可以换个说法再问，或回复“人工”。"
MAX_CASES = 2
# Two FAQ questions sharing this share of their character pairs ask the same thing.
TWIN_QUESTION_OVERLAP = 0.6
# A statute look-up is the reference plus at most a few words (是什么, 的规定, 内容 …).
STATUTE_LOOKUP_EXTRA_CHARS = 6
_ARTICLE_CHARS = frozenset("第条款项之一二三四五六七八九十百零〇两")
NON_TEXT_GUIDANCE = {
    "image": "我现在还看不懂图片。",
    "video": "我现在还看不懂视频。",
    "shortvideo": "我现在还看不懂视频。",
    "location": "收到您发来的位置。",
    "link": "收到您分享的链接，不过我打不开链接里的内容。",
    "file": "收到您发来的文件，不过我打不开文件。",
    "miniprogrampage": "收到您分享的小程序页面。",
}


class EventSink(Protocol):
    """Where follow, unfollow and scan events are recorded."""

    def attribute(self, user_id: str, source: str, *, event: str, event_key: str) -> None: ...
    def record(self, user_id: str, *, event: str, event_key: str) -> None: ...


@dataclass
class Dialogue:
    """The conversation rules for one site, over one brain and one store."""

    store: KeyValueStore
    site: SiteConfig
    brain: Brain
    public_base_url: str
    case_lookup: CaseLookup | None = None
    events: EventSink | None = None
    now: Callable[[], datetime] = lambda: datetime.now(UTC)

    # ---- entry point -------------------------------------------------------------------
    def respond(self, incoming: Incoming) -> Answer:
        """Answer one message or event."""
        if incoming.kind == "event":
            return self._event(incoming)
        if incoming.kind == "voice":
            if not incoming.text.strip():
                return self._menu(
                    "抱歉，没能听清这段语音。可以再说一遍（说慢一点、靠近话筒），或者直接打字提问。",
                    incoming, outcome="no_speech",
                )
            return self._text(incoming)
        if incoming.kind == "text":
            return self._text(incoming)
        lead = NON_TEXT_GUIDANCE.get(incoming.kind, "收到您的消息。")
        return self._menu(
            f"{lead}请用文字或语音说说您遇到了什么问题，例如“老板拖欠工资两个月了怎么办”。",
            incoming, outcome="guidance",
        )

    # ---- text --------------------------------------------------------------------------
    def _text(self, incoming: Incoming) -> Answer:
        text = incoming.text.strip()
        if not text or intents.is_menu_request(text):
            return self._menu("您好！请直接说出您遇到的问题，例如“老板拖欠工资怎么办”。", incoming)
        if intents.is_human_request(text):
            return self._human()
        talk = intents.small_talk(text)
        if talk is not None:
            return self._small_talk(talk)
        number = intents.choice_number(text)
        if number is not None:
            return self._pick(incoming, number)
        statute = self._statute(text)
        if statute is not None:
            return statute
        return self._match(incoming, text)

    def _match(self, incoming: Incoming, text: str) -> Answer:
        decision = self.brain.decide(text)
        top = decision.candidates[0] if decision.candidates else None
        score = top.score if top else None
        if decision.outcome == "answer" and top is not None:
            entry = self.brain.entry(top.entry_id)
            if entry is not None:
                return self.entry_answer(entry, score=score)
        if decision.outcome == "choices":
            entries = [e for c in decision.candidates if (e := self.brain.entry(c.entry_id))]
            if entries:
                return self._tentative(incoming, entries, score)
        if decision.outcome == "out_of_scope":
            return Answer(self._out_of_scope_text(), "out_of_scope", score=score)
        return Answer(self.fallback_text(), "fallback", score=score,
                      topic=top.topic if top else None)

    def _tentative(self, incoming: Incoming, entries: list[FaqEntry],
                   score: float | None) -> Answer:
        """A close call: the most likely answer, marked as such, with the others a digit away.

        Workers rarely come back for a second round, so the best guess goes out now — but it is
        introduced as a guess, and the alternatives (and the human channels) stay in view.
        """
        entries = _distinct(entries)[:3]
        remember(self.store, incoming.user_id, Suggestions("entries", tuple(e.id for e in entries)))
        if len(entries) > 1:
            follow = ["不是这个问题？回复数字看相近的解答：",
                      *(f"{i}. {e.question}" for i, e in enumerate(entries[1:], 2))]
        else:
            follow = [NOT_QUITE]
        best = self.entry_answer(entries[0], score=score,
                                 lead="您问的可能是：" + entries[0].question, follow=follow)
        return replace(best, outcome="choices", choices=tuple(e.question for e in entries))

    def _pick(self, incoming: Incoming, number: int) -> Answer:
        remembered = recall(self.store, incoming.user_id)
        if remembered is None:
            # The topic menu is always on offer, so its numbers stay meaningful.
            remembered = Suggestions("topics", tuple(t.name for t in self.brain.topics))
        if not 1 <= number <= len(remembered.items):
            if remembered.kind == "topics":
                return self._menu(f"没有第{number}项。", incoming)
            return self._reoffer(incoming, remembered, f"没有第{number}项。")
        item = remembered.items[number - 1]
        if remembered.kind == "topics":
            topic = next((t for t in self.brain.topics if t.name == item), None)
            if topic is None:
                return self._menu("", incoming)
            return self._topic_questions(incoming, topic)
        entry = self.brain.entry(item)
        if entry is None:
            return self._menu("这个选项已经失效。", incoming)
        return self.entry_answer(entry, score=None)

    def _reoffer(self, incoming: Incoming, remembered: Suggestions, lead: str) -> Answer:
        entries = [e for i in remembered.items if (e := self.brain.entry(i))]
        if not entries:
            return self._menu(lead, incoming)
        lines = [f"{lead}请回复 1-{len(entries)} 之间的数字：",
                 *(f"{i}. {e.question}" for i, e in enumerate(entries, 1))]
        return Answer("\n".join(lines), "choices", choices=tuple(e.question for e in entries),
                      topic=entries[0].topic)

    # ---- FAQ answers -------------------------------------------------------------------
    def faq_url(self, entry_id: str) -> str:
        return f"{self.public_base_url.rstrip('/')}/faq/{entry_id}"

    def entry_answer(self, entry: FaqEntry, score: float | None = None, *, lead: str = "",
                     follow: Sequence[str] = ()) -> Answer:
        """The reply for one FAQ entry: answer and basis, the topic's 办事要点, related cases.

        `lead` and `follow` frame the answer (a close call's heading and its other choices) and
        are never cut; the guide and the case lines are added only while the reply and its
        查看全文 link stay within REPLY_BUDGET_BYTES, so the part a worker must read is never lost
        to the length limit.
        """
        answer_text = self.site.fill(entry.answer)
        required = [lead] if lead else []
        required.append(answer_text)
        if entry.basis:
            required.append(basis_line(entry.basis))
        optional: list[str] = []
        guide_topic = entry.guide_topic or entry.topic
        topic = next((t for t in self.brain.topics if t.name == guide_topic), None)
        if topic is not None and topic.guide and not _mostly_said(topic.guide, entry.answer):
            optional.append(self.site.fill(topic.guide))
        optional.extend(self._case_lines(entry))
        if not follow:
            # Even a clear match can miss the worker's point: the way on is always in view.
            optional.append(NOT_QUITE)
        url = self.faq_url(entry.id)
        budget = REPLY_BUDGET_BYTES - _utf8_len(f"\n{MORE_LABEL}{url}")
        parts = list(required)
        used = _utf8_len("\n".join([*required, *follow]))
        for line in optional:
            if used + 1 + _utf8_len(line) <= budget:
                parts.append(line)
                used += 1 + _utf8_len(line)
        parts.extend(follow)
        return Answer(
            "\n".join(parts),
            "answer",
            article=ArticleLink(entry.question, url, answer_text[:120]),
            topic=entry.topic,
            entry_id=entry.id,
            score=score,
        )

    def _case_lines(self, entry: FaqEntry) -> list[str]:
        if self.case_lookup is None:
            return []
        lines: list[str] = []
        for slug in entry.related:
            if self.brain.entry(slug) is not None:
                continue
            try:
                found = self.case_lookup(slug)
            except Exception:  # a broken lookup must not cost the worker the answer
                log.exception("case lookup failed for %s", slug)
                continue
            if found:
                title, url = found
                if url.startswith("/"):
                    url = self.public_base_url.rstrip("/") + url
                lines.append(f"相关案例：《{title}》 {url}")
            if len(lines) >= MAX_CASES:
                break
        return lines

    # ---- statutes ----------------------------------------------------------------------
    def _statute(self, text: str) -> Answer | None:
        laws = self.brain.laws
        if laws is None:
            return None
        citation = laws.find_reference(text)
        if citation is None or not self._is_bare_reference(text, citation):
            return None
        article = laws.article(citation.title, citation.article)
        if article is None:
            return None
        heading = f"《{citation.title}》{article.label}"
        return Answer(f"{heading}\n{article.text}", "statute")

    def _is_bare_reference(self, text: str, citation: Citation) -> bool:
        """True when text asks for the article itself, not a question that mentions it."""
        rest = intents.compact(text)
        names = sorted(self.brain.laws.names if self.brain.laws else (), key=len, reverse=True)
        for name in names:
            if name in rest:
                rest = rest.replace(name, "", 1)
                break
        rest = "".join(ch for ch in rest if not (ch.isdigit() or ch in _ARTICLE_CHARS))
        return len(rest) <= STATUTE_LOOKUP_EXTRA_CHARS

    # ---- menus, people, honest fallbacks -----------------------------------------------
    def menu_text(self) -> str:
        lines = ["回复数字查看常见问题："]
        lines += [f"{i}. {t.menu}" for i, t in enumerate(self.brain.topics, 1)]
        lines.append("回复“人工”联系工作人员。")
        return "\n".join(lines)

    def _menu(self, lead: str, incoming: Incoming, outcome: str = "menu") -> Answer:
        topics = tuple(t.name for t in self.brain.topics)
        remember(self.store, incoming.user_id, Suggestions("topics", topics))
        text = f"{lead}\n\n{self.menu_text()}" if lead else self.menu_text()
        return Answer(text, outcome, choices=tuple(t.menu for t in self.brain.topics))

    def _topic_questions(self, incoming: Incoming, topic: Topic) -> Answer:
        entries = self.brain.catalog.in_topic(topic.name)[:TOPIC_QUESTIONS]
        if not entries:
            return Answer(f"【{topic.menu}】的问答正在整理中。请直接打字提问，或拨打 "
                          f"{self.site.hotline} 咨询。", "topic", topic=topic.name)
        remember(self.store, incoming.user_id, Suggestions("entries", tuple(e.id for e in entries)))
        lines = [f"【{topic.menu}】常见问题，回复数字查看：",
                 *(f"{i}. {e.question}" for i, e in enumerate(entries, 1)),
                 "也可以直接打字或发语音提问。"]
        return Answer("\n".join(lines), "topic", choices=tuple(e.question for e in entries),
                      topic=topic.name)

    def _small_talk(self, kind: str) -> Answer:
        if kind == "thanks":
            lead = "不客气！"
        elif kind == "identity":
            lead = (f"我是{self.site.account_name}的自动问答助手，回答工资、工伤、"
                    "劳动合同、社保等问题；需要工作人员请回复“人工”。")
        else:
            lead = "您好！"
        return Answer(f"{lead}有劳动用工方面的问题，可以直接打字或发语音问我，"
                      "例如“老板拖欠工资怎么办”；回复“菜单”看常见问题。", "menu")

    def _human(self) -> Answer:
        hours = self.site.office_hours
        if hours.periods and hours.is_open(self.now()):
            return Answer("正在为您转接工作人员，请稍候。", "transfer")
        when = hours.describe()
        lead = f"现在不是人工服务时间（{when}）。" if when else "暂时无法转接人工服务。"
        return Answer(
            f"{lead}您可以：\n{self.site.human_channels()}\n也可以直接打字提问，我先帮您查一查。",
            "contacts",
        )

    def _inspection(self) -> str:
        return self.site.office("inspection").phrase(self.site.hotline)

    def fallback_text(self) -> str:
        """The honest "not sure" reply, with the people who can help."""
        site = self.site
        return (
            "抱歉，这个问题我没有把握答准确，不想给您不准确的说法。建议您：\n"
            f"· 拨打 {site.hotline}（人社服务热线）咨询；\n"
            f"· 欠薪、没签合同、社保等劳动问题，可以找{self._inspection()}；\n"
            f"· 其他法律问题拨打 {site.legal_aid_hotline}（公共法律服务热线，可申请法律援助）。\n"
            "也可以换个说法再问，或回复“菜单”查看常见问题。"
        )

    def _out_of_scope_text(self) -> str:
        site = self.site
        return (
            "这个问题好像不属于劳动用工方面，我这里只能回答工资、工伤、劳动合同、社保等问题，"
            "不好给您乱说。\n"
            f"· 其他法律问题请拨打 {site.legal_aid_hotline}（公共法律服务热线，可申请法律援助）；\n"
            f"· 如果和您的工作、工资、工伤有关，请拨打 {site.hotline}，或找{self._inspection()}。"
        )

    # ---- events ------------------------------------------------------------------------
    def _event(self, incoming: Incoming) -> Answer:
        event, key = incoming.event, incoming.event_key
        if event == "subscribe":
            if key.startswith("qrscene_") and len(key) > len("qrscene_"):
                self._attribute(incoming, key[len("qrscene_"):], "subscribe")
            else:
                self._record(incoming, "subscribe")
            welcome = (
                f"欢迎关注{self.site.account_name}！这里由{self.site.bureau}提供劳动用工法律问答："
                "工资被拖欠、受伤算不算工伤、没签劳动合同、被辞退……直接打字或发语音提问就行。"
            )
            return replace(self._menu(welcome, incoming, outcome="welcome"), is_question=False)
        if event == "scan":
            if key:
                self._attribute(incoming, key, "scan")
            welcome_back = self._menu("欢迎回来！请直接说出您遇到的问题。", incoming,
                                      outcome="welcome")
            return replace(welcome_back, is_question=False)
        if event == "click":
            return replace(self._click(incoming, key), is_question=False)
        if event == "unsubscribe":
            self._record(incoming, "unsubscribe")
        return Answer("", "ignored", reply=False, is_question=False)

    def _click(self, incoming: Incoming, key: str) -> Answer:
        upper = key.strip().upper()
        if upper == "HUMAN":
            return self._human()
        if upper.startswith("TOPIC_"):
            prefix = upper[len("TOPIC_"):].lower()
            topic = next((t for t in self.brain.topics if t.prefix == prefix), None)
            if topic is not None:
                return self._topic_questions(incoming, topic)
        return self._menu("请直接说出您遇到的问题，或选择一类常见问题。", incoming)

    def _attribute(self, incoming: Incoming, source: str, event: str) -> None:
        if self.events is not None:
            self.events.attribute(incoming.user_id, source[:64], event=event,
                                  event_key=incoming.message_key)

    def _record(self, incoming: Incoming, event: str) -> None:
        if self.events is not None:
            self.events.record(incoming.user_id, event=event, event_key=incoming.message_key)


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _distinct(entries: Sequence[FaqEntry]) -> list[FaqEntry]:
    """Drop entries that ask nearly the same question as a better-ranked one: a few topics
    share a question (拖欠工资辞职的经济补偿 is both 欠薪 and 解除), and offering it twice wastes
    one of the worker's three choices."""
    kept: list[FaqEntry] = []
    for entry in entries:
        pairs = _bigrams(entry.question)
        if all(_jaccard(pairs, _bigrams(k.question)) < TWIN_QUESTION_OVERLAP for k in kept):
            kept.append(entry)
    return kept


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


_CITATION = re.compile(r"^(《[^》]+》)(.+)$")


def basis_line(basis: Sequence[str]) -> str:
    """The 依据 line, each instrument named once: 《劳动合同法》第四十四条、第四十五条；《…》….

    Naming the title once per group keeps every article while leaving room in the 2000-byte
    reply for the topic's 办事要点.
    """
    groups: dict[str, list[str]] = {}
    for citation in basis:
        found = _CITATION.match(citation)
        title, article = (found.group(1), found.group(2)) if found else (citation, "")
        articles = groups.setdefault(title, [])
        if article and article not in articles:
            articles.append(article)
    return "依据：" + "；".join(title + "、".join(articles) for title, articles in groups.items())


@lru_cache(maxsize=2048)
def _mostly_said(guide: str, answer: str) -> bool:
    """Whether the answer already says most of what the topic guide would add."""
    guide_pairs = _bigrams(guide)
    return bool(guide_pairs) and len(guide_pairs & _bigrams(answer)) / len(guide_pairs) >= 0.6
