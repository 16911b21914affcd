"""Pushing a published case to the official account, against the fake WeChat API server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import make_test_app
from tests.fake_wechat_api import FakeWeChatApi
from tests.staff_helpers import login, make_user
from wx_backend.cli import cli, prepare
from wx_backend.db import db
from wx_backend.models import AuditLog, Case
from wx_backend.publishing.wechat_push import to_wechat_html
from wx_backend.store import MemoryStore

SLUG = "zijiguoshi-bu-yingxiang-gongshang"


@pytest.fixture
def fake() -> Iterator[FakeWeChatApi]:
    with FakeWeChatApi() as server:
        yield server


@pytest.fixture
def push_app(tmp_path: Path, sqlite_template: Path, fake: FakeWeChatApi) -> Flask:
    db_file = tmp_path / "push.sqlite3"
    shutil.copy(sqlite_template, db_file)
    app = make_test_app(tmp_path, f"sqlite:///{db_file}", MemoryStore(),
                        WECHAT_API_BASE=fake.base_url, WECHAT_SECRET="test-secret")
    prepare(app)
    return app


def _case(app: Flask) -> Case:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.slug == SLUG))
        assert case is not None
        return case


def test_cases_push_puts_the_article_in_the_drafts(push_app: Flask, fake: FakeWeChatApi) -> None:
    result = push_app.test_cli_runner().invoke(cli, ["cases", "push", SLUG])
    assert result.exit_code == 0, result.output
    assert "已存入公众号草稿箱（草稿 MEDIA_ID_DRAFT_1）" in result.output
    [call] = fake.calls_to("/cgi-bin/draft/add")
    [article] = call.json()["articles"]
    assert article["title"] == "自己不小心摔伤，也能认定工伤"
    assert article["content_source_url"] == f"https://pufa.example.org/cases/{SLUG}"
    assert article["thumb_media_id"]  # the cover, uploaded as a permanent image
    assert len(article["digest"]) <= 120
    content = article["content"]
    assert '<h2 style="' in content and "class=" not in content and "<script" not in content
    assert "案例来源：最高人民法院指导案例40号" in content
    assert fake.count("/cgi-bin/freepublish/submit") == 0
    assert _case(push_app).wechat_media_id == "MEDIA_ID_DRAFT_1"


def test_push_with_publish_submits_the_draft_and_the_cover_is_uploaded_once(
    push_app: Flask, fake: FakeWeChatApi
) -> None:
    runner = push_app.test_cli_runner()
    runner.invoke(cli, ["cases", "push", SLUG])
    result = runner.invoke(cli, ["cases", "push", SLUG, "--publish"])
    assert "已提交发布" in result.output
    [submit] = fake.calls_to("/cgi-bin/freepublish/submit")
    assert submit.json() == {"media_id": "MEDIA_ID_DRAFT_1"}
    assert fake.count("/cgi-bin/material/add_material") == 1
    with push_app.app_context():
        actions = list(db.session.scalars(
            select(AuditLog.action).where(AuditLog.action.like("case_push%"))))
    assert actions == ["case_push_draft", "case_push_draft", "case_push_publish"]


def test_a_reviewer_pushes_from_the_admin(push_app: Flask, fake: FakeWeChatApi) -> None:
    make_user(push_app, "zhao", "reviewer")
    browser = push_app.test_client()
    login(browser, "zhao")
    page = browser.post(f"/admin/cases/{SLUG}/push", data={"publish": "on"},
                        follow_redirects=True).get_data(as_text=True)
    assert "已存入公众号草稿箱" in page and "已提交发布" in page


def test_wechat_errors_are_reported_not_raised(push_app: Flask, fake: FakeWeChatApi) -> None:
    fake.script("/cgi-bin/draft/add", {"errcode": 45009, "errmsg": "reach max api daily quota"})
    result = push_app.test_cli_runner().invoke(cli, ["cases", "push", SLUG])
    assert result.exit_code == 1
    assert "微信接口返回错误" in result.output and "45009" in result.output
    assert _case(push_app).wechat_media_id == ""


def test_unpublished_cases_cannot_be_pushed(push_app: Flask, fake: FakeWeChatApi) -> None:
    make_user(push_app, "zhao", "reviewer")
    browser = push_app.test_client()
    login(browser, "zhao")
    browser.post(f"/admin/cases/{SLUG}/unpublish")
    result = push_app.test_cli_runner().invoke(cli, ["cases", "push", SLUG])
    assert "只有已发布的案例可以推送" in result.output
    assert fake.count("/cgi-bin/draft/add") == 0


def test_editors_cannot_push(push_app: Flask) -> None:
    make_user(push_app, "wang", "editor")
    browser = push_app.test_client()
    login(browser, "wang")
    assert browser.post(f"/admin/cases/{SLUG}/push").status_code == 403


def test_wechat_html_turns_links_into_words_and_inlines_styles() -> None:
    html = to_wechat_html(
        '<h2>导语</h2><p>见<a href="https://www.mohrss.gov.cn/">人社部网站</a>。</p>'
        '<p onclick="x()">正文</p><script>alert(1)</script>',
        source="某典型案例", illustrative=True,
    )
    assert "<a " not in html and "人社部网站（https://www.mohrss.gov.cn/）" in html
    assert "onclick" not in html and "<script" not in html
    assert '<h2 style="font-size:18px' in html
    assert "说明性案例" in html and "案例来源：某典型案例" in html
