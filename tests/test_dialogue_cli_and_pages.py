"""`pufa ask`, `pufa eval`, the try-it page and the FAQ H5 pages."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import wechat_helpers as wx
from tests.conftest import make_test_app
from tests.dialogue_support import fixture_content_dir
from wx_backend.cli import STARTUP_STEPS, cli
from wx_backend.db import db
from wx_backend.dialogue.commands import warm_brain
from wx_backend.models import QuestionRecord
from wx_backend.store import MemoryStore


@pytest.fixture
def make_app(tmp_path: Path, sqlite_template: Path) -> Callable[..., Flask]:
    def build(**overrides: object) -> Flask:
        db_file = tmp_path / f"db-{len(list(tmp_path.iterdir()))}.sqlite3"
        shutil.copy(sqlite_template, db_file)
        overrides.setdefault("CONTENT_DIR", str(fixture_content_dir()))
        return make_test_app(tmp_path, f"sqlite:///{db_file}", MemoryStore(), **overrides)
    return build


def question_count(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(QuestionRecord)) or 0)


# ---- pufa ask / pufa eval ---------------------------------------------------------------
def test_ask_prints_exactly_what_the_worker_reads_and_logs_nothing(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app()
    result = app.test_cli_runner().invoke(cli, ["ask", "没签劳动合同能要二倍工资吗"])
    assert result.exit_code == 0, result.output
    wechat_reply = wx.WeChat(app.test_client()).reply_text(wx.text("没签劳动合同能要二倍工资吗"))
    # stdout carries exactly the reply; start-up notes go to stderr
    assert result.stdout == wechat_reply + "\n"
    assert question_count(app) == 1  # only the WeChat message, not the terminal question


def test_ask_joins_words_and_answers_statute_look_ups(make_app: Callable[..., Flask]) -> None:
    result = make_app().test_cli_runner().invoke(cli, ["ask", "劳动合同法", "第八十二条"])
    assert result.stdout.startswith("《劳动合同法》第八十二条\n")


def test_eval_scores_the_dialogue_and_the_baselines(make_app: Callable[..., Flask],
                                                    tmp_path: Path) -> None:
    items = [
        {"id": "t1", "q": "没签劳动合同能要二倍工资吗", "scope": "in", "topic": "劳动合同订立",
         "facts": [{"key": "double", "re": "二倍"}]},
        {"id": "t2", "q": "邻居家的狗咬了我怎么赔", "scope": "out", "area": "侵权"},
    ]
    path = tmp_path / "eval.jsonl"
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items), "utf-8")
    result = make_app().test_cli_runner().invoke(cli, ["eval", str(path), "--baselines"])
    assert result.exit_code == 0, result.output
    assert "pufa" in result.stdout and "B0 keyword" in result.stdout and "B1 BM25" in result.stdout
    assert "100.0%" in result.stdout.splitlines()[3]  # 劳动合同订立: the first reply hits


def test_pufa_serve_warms_the_brain_before_forking(make_app: Callable[..., Flask]) -> None:
    assert warm_brain in STARTUP_STEPS
    app = make_app()
    with app.app_context():
        warm_brain(app)


# ---- the try-it page --------------------------------------------------------------------
def test_demo_home_is_the_try_it_chat_with_menu_buttons_and_no_cdn(
    make_app: Callable[..., Flask],
) -> None:
    page = make_app(DEMO=True).test_client().get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="chat"' in html
    for label in ("常见问题", "工伤", "欠薪", "转人工"):
        assert f">{label}</button>" in html
    assert "https://" not in html and "http://" not in html
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert "pufa-test-token" not in html


def test_home_outside_demo_is_a_public_landing_page(make_app: Callable[..., Flask]) -> None:
    html = make_app().test_client().get("/").get_data(as_text=True)
    assert "缙云县人力资源和社会保障局" in html and "12333" in html and 'id="chat"' not in html


@pytest.mark.parametrize("aes_key", ["", wx.TEST_AES_KEY])
def test_try_it_sends_signed_messages_and_shows_the_real_reply(
    make_app: Callable[..., Flask], aes_key: str
) -> None:
    app = make_app(DEMO=True, WECHAT_AES_KEY=aes_key)
    client = app.test_client()
    sent = client.post("/try/send", json={"user": "browser01", "kind": "text",
                                          "text": "没签劳动合同能要二倍工资吗"})
    data = sent.get_json()
    assert sent.status_code == 200 and data["safe_mode"] is bool(aes_key)
    direct = wx.WeChat(app.test_client(), mode="safe" if aes_key else "plain")
    assert data["replies"] == [{"type": "text",
                                "text": direct.reply_text(wx.text("没签劳动合同能要二倍工资吗"))}]
    assert question_count(app) == 2


def test_try_it_menu_click_and_follow(make_app: Callable[..., Flask]) -> None:
    client = make_app(DEMO=True).test_client()
    follow = client.post("/try/send", json={"user": "browser02", "kind": "event",
                                            "event": "subscribe"}).get_json()
    assert follow["replies"][0]["text"].startswith("欢迎关注")
    click = client.post("/try/send", json={"user": "browser02", "kind": "event",
                                           "event": "click", "key": "TOPIC_QX"}).get_json()
    assert click["replies"][0]["text"].startswith("【拖欠工资怎么办】")
    picked = client.post("/try/send", json={"user": "browser02", "kind": "text",
                                            "text": "1"}).get_json()
    assert "依据：《劳动法》第五十条" in picked["replies"][0]["text"]


def test_try_it_links_open_on_the_host_the_browser_used(make_app: Callable[..., Flask]) -> None:
    client = make_app(DEMO=True, PUBLIC_BASE_URL="").test_client()
    sent = client.post("/try/send", json={"user": "browser05", "kind": "text",
                                          "text": "没签劳动合同能要二倍工资吗"},
                       base_url="http://192.0.2.7:8765")
    assert "查看全文：http://192.0.2.7:8765/faq/ht-01" in sent.get_json()["replies"][0]["text"]


def test_try_it_is_closed_outside_demo_mode(make_app: Callable[..., Flask]) -> None:
    response = make_app().test_client().post("/try/send", json={"user": "browser03",
                                                                "text": "你好"})
    assert response.status_code == 404


@pytest.mark.parametrize("payload", [{}, {"user": "x"}, {"user": "browser04", "kind": "image"},
                                     {"user": "browser04", "kind": "event", "event": "view"}])
def test_try_it_refuses_bad_requests(make_app: Callable[..., Flask],
                                     payload: dict[str, str]) -> None:
    assert make_app(DEMO=True).test_client().post("/try/send", json=payload).status_code == 400


# ---- FAQ H5 pages -----------------------------------------------------------------------
def test_faq_page_shows_question_answer_detail_basis_and_related(
    make_app: Callable[..., Flask],
) -> None:
    page = make_app().test_client().get("/faq/qx-01")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "老板拖欠了好几个月工资，该怎么办？" in html
    assert "缙云县劳动保障监察机构" in html and "{inspection}" not in html
    assert "<strong>先收集证据</strong>" in html
    assert "《劳动法》第五十条" in html and "工资应当以货币形式按月支付给劳动者本人" in html


def test_faq_page_never_renders_html_from_content(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    app.extensions["pufa_case_lookup"] = {"a-case-slug": ("案例标题", "/cases/a-case-slug")}.get
    html = app.test_client().get("/faq/gsrd-02").get_data(as_text=True)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="/faq/gsrd-01"' in html and "案例：案例标题" in html


def test_unknown_faq_page_is_404(make_app: Callable[..., Flask]) -> None:
    assert make_app().test_client().get("/faq/nope-99").status_code == 404
