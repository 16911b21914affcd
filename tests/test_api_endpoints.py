"""Every /api/v1 endpoint as a mini-program uses it, with good and bad input."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.api_helpers import (
    add_case,
    add_worksite,
    api_app,
    bearer,
    token_for,
    unpublish_case,
)
from wx_backend.analytics.privacy import pseudonym
from wx_backend.db import db
from wx_backend.models import Case, QuestionRecord, UserEvent

WORKER = "oMiniWorker1"


@pytest.fixture
def app(tmp_path: Path, sqlite_template: Path) -> Flask:
    return api_app(tmp_path, sqlite_template)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def auth(app: Flask) -> dict[str, str]:
    return bearer(token_for(app, WORKER))


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def err(response: Any, status: int) -> dict[str, str]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error: dict[str, str] = response.get_json()["error"]
    return error


def questions(app: Flask) -> list[QuestionRecord]:
    with app.app_context():
        return list(db.session.scalars(select(QuestionRecord).order_by(QuestionRecord.id)))


def events(app: Flask) -> list[UserEvent]:
    with app.app_context():
        return list(db.session.scalars(select(UserEvent).order_by(UserEvent.id)))


# ---- topics and the FAQ ---------------------------------------------------------------------
def test_topics_come_in_menu_order_with_their_labels_and_sizes(client: FlaskClient) -> None:
    body = ok(client.get("/api/v1/topics"))
    assert body == {"topics": [
        {"name": "工伤认定", "label": "受伤了算不算工伤", "entries": 2},
        {"name": "欠薪与工资支付", "label": "拖欠工资怎么办", "entries": 2},
        {"name": "劳动合同订立", "label": "劳动合同和双倍工资", "entries": 1},
    ]}


def test_the_faq_pages_through_every_entry(client: FlaskClient) -> None:
    body = ok(client.get("/api/v1/faq"))
    assert (body["total"], body["page"], body["pages"], body["page_size"]) == (5, 1, 1, 20)
    assert [item["id"] for item in body["items"]] == ["gsrd-01", "gsrd-02", "qx-01", "qx-02",
                                                      "ht-01"]
    beyond = ok(client.get("/api/v1/faq?page=2"))
    assert beyond["items"] == [] and beyond["total"] == 5


def test_the_faq_of_one_topic(client: FlaskClient) -> None:
    body = ok(client.get("/api/v1/faq", query_string={"topic": "欠薪与工资支付"}))
    assert [(i["id"], i["topic"]) for i in body["items"]] == [("qx-01", "欠薪与工资支付"),
                                                             ("qx-02", "欠薪与工资支付")]


def test_search_uses_the_matching_engine_best_match_first(client: FlaskClient) -> None:
    body = ok(client.get("/api/v1/faq", query_string={"q": "老板欠我工钱好几个月了"}))
    # colloquial words are mapped (工钱 → 工资, 老板 → 用人单位) exactly as for questions
    assert body["items"][0]["id"] == "qx-01"
    assert body["total"] == len(body["items"]) < 5  # weak matches are left out


def test_search_within_a_topic_and_search_with_no_match(client: FlaskClient) -> None:
    within = ok(client.get("/api/v1/faq", query_string={"q": "工资", "topic": "工伤认定"}))
    assert all(item["topic"] == "工伤认定" for item in within["items"])
    nothing = ok(client.get("/api/v1/faq", query_string={"q": "火星殖民计划"}))
    assert nothing == {"items": [], "page": 1, "pages": 0, "total": 0, "page_size": 20}


def test_empty_search_words_browse_and_an_empty_topic_is_refused(client: FlaskClient) -> None:
    assert ok(client.get("/api/v1/faq?q="))["total"] == 5
    assert err(client.get("/api/v1/faq?topic="), 400)["field"] == "topic"
    assert err(client.get("/api/v1/faq?page="), 400)["field"] == "page"


@pytest.mark.parametrize(("query", "field"), [
    ("topic=不存在的主题", "topic"),
    ("page=0", "page"),
    ("page=abc", "page"),
    ("page=1001", "page"),
    ("q=" + "工" * 201, "q"),
    ("sort=new", "sort"),
    ("page=1&page=2", "page"),
])
def test_bad_faq_queries_are_400s_naming_the_field(
    client: FlaskClient, query: str, field: str
) -> None:
    error = err(client.get(f"/api/v1/faq?{query}"), 400)
    assert error["code"] == "invalid_request" and error["field"] == field


def test_an_faq_entry_with_its_legal_basis_related_questions_and_cases(
    app: Flask, client: FlaskClient
) -> None:
    add_case(app, "a-case-slug")
    body = ok(client.get("/api/v1/faq/gsrd-02"))
    assert body["question"] == "在工地干活时受伤，算工伤吗？"
    assert body["basis"][0]["citation"] == "《工伤保险条例》第十四条第（一）项"
    assert "应当认定为工伤" in body["basis"][0]["text"]
    assert body["related_faq"] == [{"id": "gsrd-01", "topic": "工伤认定",
                                    "question": "受伤后多长时间内要申请工伤认定？"}]
    assert [c["slug"] for c in body["related_cases"]] == ["a-case-slug"]
    assert body["url"] == "https://pufa.example.org/faq/gsrd-02"


def test_faq_text_is_filled_from_the_site_and_html_in_it_is_never_rendered(
    client: FlaskClient
) -> None:
    body = ok(client.get("/api/v1/faq/gsrd-02"))
    assert "12333" in body["answer"] and "{hotline}" not in body["answer"]
    assert "<script>" not in body["detail_html"] and "&lt;script&gt;" in body["detail_html"]


def test_an_faq_entry_does_not_list_unpublished_cases(app: Flask, client: FlaskClient) -> None:
    add_case(app, "a-case-slug", publish=False)
    assert ok(client.get("/api/v1/faq/gsrd-02"))["related_cases"] == []


@pytest.mark.parametrize("entry_id", ["gsrd-99", "nope", "GSRD-01"])
def test_an_unknown_faq_entry_is_a_404(client: FlaskClient, entry_id: str) -> None:
    assert err(client.get(f"/api/v1/faq/{entry_id}"), 404)["code"] == "not_found"


# ---- statutes -------------------------------------------------------------------------------
@pytest.mark.parametrize(("title", "article"), [
    ("劳动合同法", "第八十二条"), ("中华人民共和国劳动合同法", "82"), ("劳动合同法", "八十二"),
    ("《劳动合同法》", "82"),
])
def test_a_statute_article_by_short_or_full_title_and_any_number_form(
    client: FlaskClient, title: str, article: str
) -> None:
    body = ok(client.get(f"/api/v1/laws/{title}/{article}"))
    assert (body["title"], body["short_title"], body["number"], body["article"]) == (
        "中华人民共和国劳动合同法", "劳动合同法", "82", "第八十二条")
    assert body["text"].startswith("用人单位自用工之日起超过一个月不满一年未与劳动者订立书面")
    assert len(body["paragraphs"]) == 2 and body["chapter"] == "第七章 法律责任"


def test_an_article_by_a_common_short_name(client: FlaskClient) -> None:
    body = ok(client.get("/api/v1/laws/工伤条例/17"))
    assert body["title"] == "工伤保险条例" and body["article"] == "第十七条"


def test_unknown_statutes_articles_and_bad_numbers(client: FlaskClient) -> None:
    assert err(client.get("/api/v1/laws/婚姻法/1"), 404)["code"] == "not_found"
    assert err(client.get("/api/v1/laws/劳动合同法/第九百条"), 404)["code"] == "not_found"
    bad = err(client.get("/api/v1/laws/劳动合同法/八十二款"), 404)
    assert bad["field"] == "article" and "第八十二条" in bad["message"]


# ---- cases ----------------------------------------------------------------------------------
def test_only_published_cases_are_listed(app: Flask, client: FlaskClient) -> None:
    add_case(app, "shiyongqi-gongshang")
    add_case(app, "qianxin-caogao", title="欠薪草稿", topics=("欠薪",), publish=False)
    add_case(app, "xiaxian-anli", title="已下线", topics=("欠薪",))
    unpublish_case(app, "xiaxian-anli")
    body = ok(client.get("/api/v1/cases"))
    assert [c["slug"] for c in body["cases"]] == ["shiyongqi-gongshang"]
    assert body["topics"] == ["工伤"]
    assert body["cases"][0]["url"] == "https://pufa.example.org/cases/shiyongqi-gongshang"
    for slug in ("qianxin-caogao", "xiaxian-anli", "no-such-case"):
        assert err(client.get(f"/api/v1/cases/{slug}"), 404)["code"] == "not_found"


def test_cases_by_topic(app: Flask, client: FlaskClient) -> None:
    add_case(app, "shiyongqi-gongshang")
    add_case(app, "qianxin-anli", title="欠薪案例", topics=("欠薪",))
    body = ok(client.get("/api/v1/cases", query_string={"topic": "欠薪"}))
    assert [c["slug"] for c in body["cases"]] == ["qianxin-anli"]
    assert body["topics"] == ["工伤", "欠薪"]
    assert err(client.get("/api/v1/cases?kind=x"), 400)["field"] == "kind"


def test_a_case_page_is_sanitised_html_with_its_source_and_counts_a_view(
    app: Flask, client: FlaskClient
) -> None:
    add_case(app, "shiyongqi-gongshang")
    body = ok(client.get("/api/v1/cases/shiyongqi-gongshang"))
    assert body["html"].startswith("<h2>导语</h2>") and "12333" in body["html"]
    assert (body["published"], body["illustrative"]) == ("2026-11-26", True)
    assert body["note"].startswith("说明：本文为以案释法的说明性案例")
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.slug == "shiyongqi-gongshang"))
        assert case is not None and case.view_count == 1


# ---- asking ---------------------------------------------------------------------------------
def ask(client: FlaskClient, auth: dict[str, str], question: str) -> Any:
    return ok(client.post("/api/v1/ask", json={"question": question}, headers=auth))


def test_a_clear_question_gets_the_answer_its_entry_and_related_cases(
    app: Flask, client: FlaskClient, auth: dict[str, str]
) -> None:
    add_case(app, "a-case-slug")
    body = ask(client, auth, "在工地干活时受伤，算工伤吗？")
    assert body["outcome"] == "answer"
    assert body["entry"] == {"id": "gsrd-02", "topic": "工伤认定",
                             "question": "在工地干活时受伤，算工伤吗？"}
    assert "依据：《工伤保险条例》第十四条" in body["text"]
    assert body["url"] == "https://pufa.example.org/faq/gsrd-02"
    assert [c["slug"] for c in body["related_cases"]] == ["a-case-slug"]
    assert len(body["answer_id"]) == 32 and body["choices"] == []


def test_the_same_words_get_the_same_reply_as_the_official_account(
    app: Flask, client: FlaskClient, auth: dict[str, str]
) -> None:
    from wx_backend.dialogue.service import make_dialogue
    from wx_backend.dialogue.types import Incoming

    body = ask(client, auth, "老板拖欠了好几个月工资怎么办")
    with app.test_request_context():
        official = make_dialogue("https://pufa.example.org").respond(
            Incoming(user_id="oOfficial", kind="text", text="老板拖欠了好几个月工资怎么办"))
    assert body["text"] == official.text and body["outcome"] == official.outcome


def test_greeting_gives_the_topic_menu_as_choices_and_a_number_picks_one(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    menu = ask(client, auth, "你好")
    assert menu["outcome"] == "menu"
    assert menu["choices"][1] == {"kind": "topic", "id": "欠薪与工资支付", "text": "拖欠工资怎么办"}
    topic = ask(client, auth, "2")
    assert topic["outcome"] == "topic"
    assert [c["id"] for c in topic["choices"]] == ["qx-01", "qx-02"]
    assert all(c["kind"] == "faq" for c in topic["choices"])
    answer = ask(client, auth, "1")
    assert answer["outcome"] == "answer" and answer["entry"]["id"] == "qx-01"


def test_a_close_call_offers_choices_with_ids_and_a_number_picks_one(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    body = ask(client, auth, "受伤")
    assert body["outcome"] == "choices" and body["entry"] is None
    assert body["choices"] == [
        {"kind": "faq", "id": "gsrd-01", "text": "受伤后多长时间内要申请工伤认定？"},
        {"kind": "faq", "id": "gsrd-02", "text": "在工地干活时受伤，算工伤吗？"},
    ]
    picked = ask(client, auth, "2")
    assert picked["outcome"] == "answer" and picked["entry"]["id"] == "gsrd-02"


def test_an_unclear_question_gets_an_honest_fallback_naming_the_hotlines(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    body = ask(client, auth, "今天天气怎么样")
    assert body["outcome"] == "fallback" and body["entry"] is None
    assert "12333" in body["text"] and "12348" in body["text"]


def test_a_non_labor_question_is_declined_with_12348(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    body = ask(client, auth, "离婚财产怎么分")
    assert body["outcome"] == "out_of_scope" and "12348" in body["text"]


def test_a_statute_reference_gets_the_article(client: FlaskClient, auth: dict[str, str]) -> None:
    body = ask(client, auth, "劳动合同法第八十二条")
    assert body["outcome"] == "statute" and "二倍的工资" in body["text"]


def test_asking_for_a_person_outside_office_hours_gives_the_numbers(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    body = ask(client, auth, "人工")
    assert body["outcome"] in {"contacts", "transfer"}
    assert "12333" in body["text"]
    assert "已为您转接人工客服" not in body["text"]  # no hand-over happens in the mini-program


def test_every_question_is_logged_on_the_miniprogram_channel_with_a_pseudonym(
    app: Flask, client: FlaskClient, auth: dict[str, str]
) -> None:
    first = ask(client, auth, "在工地干活时受伤，算工伤吗？")
    ask(client, auth, "今天天气怎么样")
    rows = questions(app)
    assert [(r.channel, r.outcome, r.message_type) for r in rows] == [
        ("miniprogram", "answer", "text"), ("miniprogram", "fallback", "text")]
    assert rows[0].reply_id == first["answer_id"] and rows[0].entry_id == "gsrd-02"
    assert rows[0].user_pseudonym == pseudonym(app.config["SECRET_KEY"], WORKER) != WORKER
    assert rows[0].source is None


def test_personal_numbers_are_scrubbed_from_the_log(
    app: Flask, client: FlaskClient, auth: dict[str, str]
) -> None:
    ask(client, auth, "我电话13812345678，老板欠工资")
    (row,) = questions(app)
    assert row.text is not None and "13812345678" not in row.text


def test_a_dialogue_failure_is_an_honest_try_again_not_a_500(
    app: Flask, client: FlaskClient, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from wx_backend.dialogue.engine import Dialogue

    def broken(self: Dialogue, incoming: object) -> None:
        raise RuntimeError("index corrupted")

    monkeypatch.setattr(Dialogue, "respond", broken)
    with caplog.at_level(logging.ERROR):
        body = ask(client, auth, "工伤怎么认定")
    assert body["outcome"] == "error" and "12333" in body["text"]
    assert "dialogue failed" in caplog.text
    assert [r.outcome for r in questions(app)] == ["error"]


@pytest.mark.parametrize(("payload", "field"), [
    ({}, "question"),
    ({"question": ""}, "question"),
    ({"question": "   "}, "question"),
    ({"question": "问" * 501}, "question"),
    ({"question": ["工伤"]}, "question"),
    ({"question": "工伤", "source": "ws=JY001"}, "source"),
])
def test_bad_questions_are_400s_naming_the_field(
    client: FlaskClient, auth: dict[str, str], payload: dict[str, object], field: str
) -> None:
    error = err(client.post("/api/v1/ask", json=payload, headers=auth), 400)
    assert error["field"] == field


def test_ask_needs_a_token(client: FlaskClient) -> None:
    assert err(client.post("/api/v1/ask", json={"question": "工伤"}), 401)["code"] == \
        "unauthorized"


# ---- feedback -------------------------------------------------------------------------------
def test_feedback_marks_the_answer_and_the_latest_vote_counts(
    app: Flask, client: FlaskClient, auth: dict[str, str]
) -> None:
    answer_id = ask(client, auth, "在工地干活时受伤，算工伤吗？")["answer_id"]
    for helpful, stored in ((True, "helpful"), (False, "not_helpful")):
        body = ok(client.post("/api/v1/feedback", json={"answer_id": answer_id,
                                                         "helpful": helpful}, headers=auth))
        assert body == {"recorded": True}
        assert questions(app)[0].feedback == stored


def test_feedback_on_an_unknown_answer_is_a_404(client: FlaskClient,
                                                 auth: dict[str, str]) -> None:
    response = client.post("/api/v1/feedback", json={"answer_id": "0" * 32, "helpful": True},
                           headers=auth)
    assert err(response, 404)["code"] == "not_found"


@pytest.mark.parametrize(("payload", "field"), [
    ({"helpful": True}, "answer_id"),
    ({"answer_id": "abc"}, "helpful"),
    ({"answer_id": "not-hex!", "helpful": True}, "answer_id"),
    ({"answer_id": "a" * 33, "helpful": True}, "answer_id"),
    ({"answer_id": "abc", "helpful": "maybe"}, "helpful"),
])
def test_bad_feedback_is_a_400_naming_the_field(
    client: FlaskClient, auth: dict[str, str], payload: dict[str, object], field: str
) -> None:
    error = err(client.post("/api/v1/feedback", json=payload, headers=auth), 400)
    assert error["field"] == field


def test_feedback_needs_a_token(client: FlaskClient) -> None:
    response = client.post("/api/v1/feedback", json={"answer_id": "ab", "helpful": True})
    assert err(response, 401)["code"] == "unauthorized"


# ---- worksites ------------------------------------------------------------------------------
def test_a_worksite_landing_shows_its_questions_and_only_known_numbers(
    app: Flask, client: FlaskClient, auth: dict[str, str]
) -> None:
    add_worksite(app, "JY001")
    body = ok(client.get("/api/v1/worksites/JY001", headers=auth))
    assert (body["code"], body["name"], body["township"]) == ("JY001", "缙云县城北安置房工程",
                                                              "五云街道")
    assert body["questions"][0] == {"text": "老板拖欠了好几个月工资，该怎么办？", "id": "qx-01"}
    # the site file leaves local numbers empty until the bureau confirms them: none invented
    assert body["channels"] == [{"name": "人社服务热线", "phone": "12333"},
                                {"name": "公共法律服务热线（法律援助）", "phone": "12348"}]


def test_opening_a_worksite_records_a_scan_and_later_questions_count_there(
    app: Flask, client: FlaskClient, auth: dict[str, str]
) -> None:
    add_worksite(app, "JY001")
    ok(client.get("/api/v1/worksites/JY001", headers=auth))
    ok(client.get("/api/v1/worksites/JY001", headers=auth))  # same day: one visit
    assert [(e.event, e.channel, e.source) for e in events(app)] == [
        ("scan", "miniprogram", "ws:JY001")]
    assert WORKER not in events(app)[0].event_key
    ask(client, auth, "在工地干活时受伤，算工伤吗？")
    assert questions(app)[0].source == "ws:JY001"


def test_unknown_inactive_and_malformed_worksites_are_404s(
    app: Flask, client: FlaskClient, auth: dict[str, str]
) -> None:
    add_worksite(app, "JY009", active=False)
    for code in ("JY009", "NOPE01", "a" * 40, "-bad"):
        assert err(client.get(f"/api/v1/worksites/{code}", headers=auth), 404)["code"] == \
            "not_found"
    assert events(app) == []


def test_a_worksite_needs_a_token(app: Flask, client: FlaskClient) -> None:
    add_worksite(app, "JY001")
    assert err(client.get("/api/v1/worksites/JY001"), 401)["code"] == "unauthorized"


# ---- errors everywhere under /api/v1 are JSON -------------------------------------------
def test_unknown_api_paths_are_json_404s(client: FlaskClient) -> None:
    error = err(client.get("/api/v1/nothing/here"), 404)
    assert error["code"] == "not_found" and "/api/v1/openapi.json" in error["message"]
    assert err(client.get("/api/v1"), 404)["code"] == "not_found"


def test_a_wrong_method_is_a_json_405_with_allow(client: FlaskClient) -> None:
    response = client.delete("/api/v1/topics")
    assert err(response, 405)["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]
    assert err(client.get("/api/v1/ask"), 405)["code"] == "method_not_allowed"


def test_other_pages_keep_their_own_errors(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_a_body_that_is_too_large_is_a_json_413(app: Flask, client: FlaskClient,
                                                 auth: dict[str, str]) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/api/v1/ask", data='{"question": "' + "工" * 1000 + '"}',
                           content_type="application/json", headers=auth)
    assert err(response, 413)["code"] == "too_large"


def test_a_server_fault_is_a_json_500_and_logged(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from wx_backend.api import content

    def broken() -> None:
        raise RuntimeError("catalog vanished")

    monkeypatch.setattr(content, "topics", broken)
    with caplog.at_level(logging.ERROR):
        error = err(client.get("/api/v1/topics"), 500)
    assert error == {"code": "server_error", "message": "the server failed; it has been logged"}
    assert "catalog vanished" in caplog.text


def test_the_openapi_document_describes_every_endpoint(client: FlaskClient) -> None:
    document = ok(client.get("/api/v1/openapi.json"))
    assert document["openapi"].startswith("3.1") and document["servers"] == [{"url": "/api/v1"}]
    operations = {(method.upper(), path) for path, item in document["paths"].items()
                  for method in item}
    assert operations == {
        ("POST", "/session"), ("GET", "/topics"), ("GET", "/faq"), ("GET", "/faq/{entry_id}"),
        ("POST", "/ask"), ("POST", "/feedback"), ("GET", "/cases"), ("GET", "/cases/{slug}"),
        ("GET", "/worksites/{code}"), ("GET", "/laws/{title}/{article}"),
    }
    ask_op = document["paths"]["/ask"]["post"]
    assert ask_op["security"] == [{"bearer": []}]
    assert {"200", "400", "401", "415", "429"} <= set(ask_op["responses"])
    assert "Retry-After" in ask_op["responses"]["429"]["headers"]
    schemas = document["components"]["schemas"]
    assert schemas["AskRequest"]["additionalProperties"] is False
    assert "openid" not in str(schemas["SessionResponse"])
