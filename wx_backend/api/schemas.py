"""Every request and response of /api/v1, as pydantic models (the OpenAPI source of truth)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ErrorDetail(BaseModel):
    code: str = Field(description="stable machine-readable code, e.g. invalid_request")
    message: str
    field: str | None = Field(default=None, description="the request field at fault")


class ErrorResponse(BaseModel):
    error: ErrorDetail


# --- session -------------------------------------------------------------------------------
class SessionRequest(Strict):
    code: str = Field(min_length=1, max_length=128, description="the code from wx.login()")


class SessionResponse(BaseModel):
    token: str = Field(description="send back as Authorization: Bearer <token>")
    expires_in: int = Field(description="seconds the token stays valid")


# --- topics and FAQ ------------------------------------------------------------------------
class Topic(BaseModel):
    name: str
    label: str = Field(description="short menu label")
    entries: int


class TopicList(BaseModel):
    topics: list[Topic]


class FaqSummary(BaseModel):
    id: str
    topic: str
    question: str


class FaqPage(BaseModel):
    items: list[FaqSummary]
    page: int
    pages: int
    total: int


class FaqQuery(Strict):
    topic: str | None = Field(default=None, max_length=32)
    q: str | None = Field(default=None, max_length=200, description="search words")
    page: int = Field(default=1, ge=1, le=1000)


class CaseSummary(BaseModel):
    slug: str
    title: str
    summary: str
    topics: list[str]
    url: str


class FaqDetail(BaseModel):
    id: str
    topic: str
    question: str
    answer: str
    detail_markdown: str
    basis: list[str]
    related_faq: list[FaqSummary]
    related_cases: list[CaseSummary]
    url: str


# --- asking --------------------------------------------------------------------------------
class AskRequest(Strict):
    question: str = Field(min_length=1, max_length=500)
    source: str | None = Field(
        default=None, max_length=64, description="worksite scene the page was opened from, e.g. ws=JY001"
    )


class AskResponse(BaseModel):
    answer_id: str = Field(description="use with POST /feedback")
    outcome: Literal["answered", "choices", "fallback", "out_of_scope", "menu", "statute", "other"]
    text: str = Field(description="the reply, exactly as the official account would send it")
    entry: FaqSummary | None
    choices: list[FaqSummary]
    related_cases: list[CaseSummary]


class FeedbackRequest(Strict):
    answer_id: str = Field(min_length=1, max_length=32)
    helpful: bool


class FeedbackResponse(BaseModel):
    recorded: bool


# --- cases ---------------------------------------------------------------------------------
class CaseList(BaseModel):
    cases: list[CaseSummary]


class CaseQuery(Strict):
    topic: str | None = Field(default=None, max_length=32)


class CaseDetail(CaseSummary):
    html: str = Field(description="sanitised HTML body")
    published_at: str | None


# --- worksites and laws --------------------------------------------------------------------
class Channel(BaseModel):
    name: str
    phone: str


class WorksiteLanding(BaseModel):
    code: str
    name: str
    township: str
    top_questions: list[FaqSummary]
    channels: list[Channel]


class LawArticle(BaseModel):
    title: str
    article: str = Field(description="e.g. 第八十二条")
    text: str


class OpenApiDocument(BaseModel):
    model_config = ConfigDict(extra="allow")
    openapi: str
