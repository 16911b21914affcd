"""Every request and response of /api/v1, as pydantic models (the OpenAPI source of truth)."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

# Path parameter patterns (also checked by the views, so the document and the code agree).
ENTRY_ID_PATTERN = r"^[a-z]+-[0-9]{2,3}$"
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
WORKSITE_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$"
# Statute titles and article numbers arrive URL-encoded in Chinese: 劳动合同法 / 第八十二条 / 82.
LAW_TITLE_PATTERN = r"^[^/]{1,80}$"
LAW_ARTICLE_PATTERN = (r"^第?(?:[0-9]{1,4}|[零〇一二两三四五六七八九十百千]{1,8})条?"
                       r"(?:之[一二三四五六七八九])?$")
# At least one visible character: a question of only spaces is not a question.
VISIBLE = r"\S"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ErrorDetail(BaseModel):
    code: str = Field(description="stable machine-readable code, e.g. invalid_request, "
                      "unauthorized, not_found, rate_limited, wechat_unavailable")
    message: str = Field(description="what went wrong, for the developer (English)")
    field: str | None = Field(default=None, description="the request field at fault")


class ErrorResponse(BaseModel):
    error: ErrorDetail


# --- session -------------------------------------------------------------------------------
class SessionRequest(Strict):
    code: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_\-]+$",
                      description="the code from wx.login(), valid once for five minutes",
                      examples=["0c3Ab2000xyzAb1mQh300Kd9nE2Ab20F"])


class SessionResponse(BaseModel):
    token: str = Field(description="send back as Authorization: Bearer <token>")
    expires_in: int = Field(description="seconds the token stays valid; then call POST /session "
                            "again")


# --- topics and FAQ ------------------------------------------------------------------------
class Topic(BaseModel):
    name: str = Field(description="topic name, the value of GET /faq?topic=")
    label: str = Field(description="short menu label in plain words")
    entries: int = Field(description="number of questions in the topic")


class TopicList(BaseModel):
    topics: list[Topic]


class FaqSummary(BaseModel):
    id: str = Field(description="FAQ entry id, for GET /faq/{entry_id}")
    topic: str
    question: str


class FaqPage(BaseModel):
    items: list[FaqSummary]
    page: int
    pages: int = Field(description="number of pages (0 when nothing matched)")
    total: int
    page_size: int


class FaqQuery(Strict):
    topic: str | None = Field(default=None, max_length=32,
                              description="only this topic (a name from GET /topics)")
    q: str | None = Field(default=None, max_length=200,
                          description="search words; results come best match first",
                          examples=["工地受伤"])
    page: int = Field(default=1, ge=1, le=1000)


class CaseSummary(BaseModel):
    slug: str = Field(description="for GET /cases/{slug}")
    title: str
    summary: str
    topics: list[str]
    url: str = Field(description="the public H5 page of the case")


class Basis(BaseModel):
    citation: str = Field(description="e.g. 《劳动合同法》第八十二条")
    text: str | None = Field(description="the article's words, when the statute library has it")


class FaqDetail(BaseModel):
    id: str
    topic: str
    question: str
    answer: str = Field(description="the short answer, local contacts filled in")
    detail_markdown: str = Field(description="the longer explanation (CommonMark; render it "
                                 "with HTML disabled)")
    detail_html: str = Field(description="the same, as HTML safe for <rich-text> (any HTML in "
                             "the text is shown as text)")
    basis: list[Basis]
    related_faq: list[FaqSummary]
    related_cases: list[CaseSummary]
    url: str = Field(description="the public H5 page of this answer")


# --- asking --------------------------------------------------------------------------------
class AskRequest(Strict):
    question: str = Field(min_length=1, max_length=500, pattern=VISIBLE,
                          description="what the worker typed (or the number of a choice: 1, 2, 3)",
                          examples=["老板拖欠了三个月工资怎么办", "2"])


class Choice(BaseModel):
    kind: Literal["faq", "topic"] = Field(
        description="faq: open GET /faq/{id}; topic: open GET /faq?topic={id}")
    id: str
    text: str


Outcome = Literal[
    "answer", "choices", "topic", "menu", "statute", "fallback", "out_of_scope",
    "contacts", "transfer", "error", "other",
]
OUTCOMES: frozenset[str] = frozenset(get_args(Outcome))


class AskResponse(BaseModel):
    answer_id: str = Field(description="use with POST /feedback")
    outcome: Outcome = Field(description=(
        "answer: a confident FAQ answer (entry set); choices: a close call, pick one of choices; "
        "topic: questions of a topic; menu: the topic menu; statute: the text of an article; "
        "fallback: not sure, the text names who can help; out_of_scope: not a labor matter; "
        "contacts: how to reach a person; transfer: staff are on duty now (offer the "
        "mini-program's 联系客服 button); error: a temporary failure, ask again later; "
        "other: any other reply, show the text"))
    text: str = Field(description="the reply, the same words the official account sends")
    entry: FaqSummary | None = Field(description="the FAQ entry answered, when outcome is answer")
    url: str | None = Field(description="the H5 page with the full answer, when there is one")
    choices: list[Choice] = Field(description="at most 3 for choices; the topic menu for menu")
    related_cases: list[CaseSummary]


class FeedbackRequest(Strict):
    answer_id: str = Field(min_length=1, max_length=32, pattern=r"^[0-9a-f]{1,32}$",
                           description="answer_id from POST /ask")
    helpful: bool


class FeedbackResponse(BaseModel):
    recorded: bool


# --- cases ---------------------------------------------------------------------------------
class CaseList(BaseModel):
    cases: list[CaseSummary]
    topics: list[str] = Field(description="topics that have published cases, for a filter bar")


class CaseQuery(Strict):
    topic: str | None = Field(default=None, max_length=32,
                              description="only cases of this topic (e.g. 工伤, 欠薪)")


class CaseDetail(CaseSummary):
    html: str = Field(description="the case explainer, sanitised HTML (safe for rich-text)")
    published: str | None = Field(description="publication date, YYYY-MM-DD")
    source: str = Field(description="where the case comes from")
    source_url: str
    illustrative: bool = Field(description="an illustrative case rewritten from public ones")
    note: str | None = Field(description="the notice to show with an illustrative case")


# --- worksites and laws --------------------------------------------------------------------
class Channel(BaseModel):
    name: str
    phone: str


class LandingQuestion(BaseModel):
    text: str
    id: str | None = Field(description="FAQ entry id, when the question is one")


class WorksiteLanding(BaseModel):
    code: str
    name: str
    township: str
    questions: list[LandingQuestion] = Field(
        description="most asked at this worksite, then the common questions of building sites")
    channels: list[Channel] = Field(description="phone numbers a worker can call")


class LawArticle(BaseModel):
    title: str = Field(description="full title, e.g. 中华人民共和国劳动合同法")
    short_title: str
    number: str = Field(description="e.g. 82, or 276之一")
    article: str = Field(description="e.g. 第八十二条")
    chapter: str
    text: str
    paragraphs: list[str]
