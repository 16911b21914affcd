"""/api/v1: the mini-program's JSON API. Thin views; the work is in wx_backend.api."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, g, request
from werkzeug.exceptions import HTTPException

from ..analytics.privacy import pseudonym
from ..api import asking, cases, content, login, worksites
from ..api.errors import ApiError
from ..api.openapi import build_document
from ..api.ratelimit import limit_ip, limit_user
from ..api.routing import Endpoint, endpoint, json_response
from ..api.schemas import (
    ENTRY_ID_PATTERN,
    LAW_ARTICLE_PATTERN,
    LAW_TITLE_PATTERN,
    SLUG_PATTERN,
    WORKSITE_CODE_PATTERN,
    AskRequest,
    AskResponse,
    CaseDetail,
    CaseList,
    CaseQuery,
    FaqDetail,
    FaqPage,
    FaqQuery,
    FeedbackRequest,
    FeedbackResponse,
    LawArticle,
    SessionRequest,
    SessionResponse,
    TopicList,
    WorksiteLanding,
)
from ..api.sessions import MiniSession, current_session
from ..extensions import get_site

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)
log = logging.getLogger(__name__)


def guard(spec: Endpoint) -> None:
    """Before every endpoint: the per-IP limit, then the token and the per-user limit."""
    limit_ip()
    if spec.auth:
        session = current_session()
        g.api_session = session
        limit_user(pseudonym(current_app.config["SECRET_KEY"], session.openid))


def user() -> MiniSession:
    session: MiniSession = g.api_session
    return session


# ---- session ------------------------------------------------------------------------------
@bp.post("/session")
@endpoint(Endpoint("POST", "/session", "Log in: exchange a wx.login() code for a token",
                   SessionResponse, body=SessionRequest, tag="session", errors=(403, 502, 503),
                   description="The openid and session_key stay on the server; the token only "
                   "names the session. Codes are single-use: call wx.login() for each login."),
          before=guard)
def create_session(body: SessionRequest) -> SessionResponse:
    return login.start_session(body.code)


# ---- FAQ ----------------------------------------------------------------------------------
@bp.get("/topics")
@endpoint(Endpoint("GET", "/topics", "The FAQ topics in menu order", TopicList, tag="faq"),
          before=guard)
def list_topics() -> TopicList:
    return content.topics()


@bp.get("/faq")
@endpoint(Endpoint("GET", "/faq", "Browse or search the FAQ, 20 a page", FaqPage, query=FaqQuery,
                   tag="faq", description="With q, entries come best match first (the same "
                   "matching engine that answers questions); with topic, in topic order."),
          before=guard)
def list_faq(query: FaqQuery) -> FaqPage:
    return content.faq_page(query)


@bp.get("/faq/<entry_id>")
@endpoint(Endpoint("GET", "/faq/{entry_id}", "One FAQ entry with its legal basis", FaqDetail,
                   path_params={"entry_id": ENTRY_ID_PATTERN},
                   path_examples={"entry_id": "qx-01"}, tag="faq"),
          before=guard)
def get_faq(entry_id: str) -> FaqDetail:
    return content.faq_detail(entry_id)


# ---- asking -------------------------------------------------------------------------------
@bp.post("/ask")
@endpoint(Endpoint("POST", "/ask", "Ask a question, as in the official account", AskResponse,
                   body=AskRequest, auth=True, tag="ask",
                   description="A confident answer, up to 3 choices when it is a close call, or "
                   "an honest fallback naming who can help. Sending a choice's number (1, 2, 3) "
                   "picks from the last choices, as in the official account."),
          before=guard)
def ask(body: AskRequest) -> AskResponse:
    return asking.ask(user(), body.question, content.base_url())


@bp.post("/feedback")
@endpoint(Endpoint("POST", "/feedback", "Say whether an answer helped", FeedbackResponse,
                   body=FeedbackRequest, auth=True, tag="ask", errors=(404,),
                   description="The latest feedback on an answer counts."),
          before=guard)
def give_feedback(body: FeedbackRequest) -> FeedbackResponse:
    return asking.feedback(body.answer_id, body.helpful)


# ---- cases --------------------------------------------------------------------------------
@bp.get("/cases")
@endpoint(Endpoint("GET", "/cases", "Published case explainers, newest first", CaseList,
                   query=CaseQuery, tag="cases"),
          before=guard)
def list_cases(query: CaseQuery) -> CaseList:
    return cases.case_list(query.topic)


@bp.get("/cases/<slug>")
@endpoint(Endpoint("GET", "/cases/{slug}", "One published case explainer", CaseDetail,
                   path_params={"slug": SLUG_PATTERN},
                   path_examples={"slug": "geren-shenqing-gongshang-rending"}, tag="cases"),
          before=guard)
def get_case(slug: str) -> CaseDetail:
    return cases.case_detail(slug)


# ---- worksites and laws -------------------------------------------------------------------
@bp.get("/worksites/<code>")
@endpoint(Endpoint("GET", "/worksites/{code}", "A worksite's landing data (records the scan)",
                   WorksiteLanding, path_params={"code": WORKSITE_CODE_PATTERN},
                   path_examples={"code": "JY001"}, auth=True,
                   tag="worksites",
                   description="Call it when the mini-program opens from a worksite code "
                   "(scene ws=<code>): later questions count at that worksite."),
          before=guard)
def get_worksite(code: str) -> WorksiteLanding:
    return worksites.landing(user(), code)


@bp.get("/laws/<title>/<article>")
@endpoint(Endpoint("GET", "/laws/{title}/{article}", "One statute article", LawArticle,
                   path_params={"title": LAW_TITLE_PATTERN, "article": LAW_ARTICLE_PATTERN},
                   path_examples={"title": "劳动合同法", "article": "第八十二条"},
                   tag="laws",
                   description="title: full (中华人民共和国劳动合同法), short (劳动合同法) "
                   "or a common name (工伤条例); article: 82, 八十二 or 第八十二条."),
          before=guard)
def get_law(title: str, article: str) -> LawArticle:
    return content.law_article(title, article)


# ---- the document -------------------------------------------------------------------------
@bp.get("/openapi.json")
def openapi() -> Response:
    document = current_app.extensions.get("pufa_openapi")
    if document is None:
        topics = [t.name for t in content.brain().topics]
        document = build_document(f"{get_site().account_name} mini-program API",
                                  choices={"/faq": {"topic": topics}})
        current_app.extensions["pufa_openapi"] = document
    return json_response(document)


# ---- errors: JSON with a stable code, everywhere under /api/v1 ----------------------------
@bp.errorhandler(ApiError)
def api_error(exc: ApiError) -> Response:
    response = json_response(exc.body(), exc.status)
    if exc.retry_after is not None:
        response.headers["Retry-After"] = str(exc.retry_after)
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="pufa"'
    return response


HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "too_large",
              415: "unsupported_media_type"}


def http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    code = HTTP_CODES.get(status, "http_error" if status < 500 else "server_error")
    messages = {
        404: f"no such endpoint: {request.method} {request.path} (see {PREFIX}/openapi.json)",
        405: f"{request.method} is not allowed on {request.path}",
    }
    message = messages.get(status, exc.description or "error")
    response = json_response({"error": {"code": code, "message": message}}, status)
    if status == 405 and exc.response is None:
        allowed = getattr(exc, "valid_methods", None)
        if allowed:
            response.headers["Allow"] = ", ".join(allowed)
    return response


@bp.errorhandler(HTTPException)
def api_http_error(exc: HTTPException) -> Response:
    return http_error(exc)


@bp.errorhandler(Exception)
def api_server_error(exc: Exception) -> Response:
    log.exception("/api/v1 failed on %s %s", request.method, request.path)
    return json_response({"error": {"code": "server_error",
                                    "message": "the server failed; it has been logged"}}, 500)


@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
def unrouted(exc: HTTPException) -> Response | HTTPException:
    """URLs under /api/v1 that match no view (or not for this method) answer JSON too."""
    if request.path == PREFIX or request.path.startswith(PREFIX + "/"):
        return http_error(exc)
    return exc
