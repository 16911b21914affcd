"""The review workflow as staff use it in the admin, and what readers then see."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.publishing_helpers import VALID_BODY, case_form
from tests.staff_helpers import login, make_user
from wx_backend.db import db
from wx_backend.models import AuditLog, Case, CaseVersion

SLUG = "shiyongqi-gongshang"


def _browser(app: Flask, username: str, role: str) -> FlaskClient:
    make_user(app, username, role)
    browser = app.test_client()
    login(browser, username)
    return browser


def _write_and_submit(editor: FlaskClient, **overrides: object) -> None:
    created = editor.post("/admin/cases/new", data=case_form(**overrides))
    assert created.status_code == 302, created.get_data(as_text=True)
    submitted = editor.post(f"/admin/cases/{SLUG}", data=case_form(action="submit", **overrides))
    assert submitted.status_code == 302


def _case(app: Flask) -> Case:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.slug == SLUG))
        assert case is not None
        return case


def _audit_actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(
            select(AuditLog.action).where(AuditLog.target_type == "case").order_by(AuditLog.id)
        ))


def test_write_submit_approve_then_readers_see_the_page(app: Flask) -> None:
    editor = _browser(app, "wang", "editor")
    reviewer = _browser(app, "zhao", "reviewer")
    _write_and_submit(editor)
    assert _case(app).status == "submitted"
    # Not public before approval.
    assert app.test_client().get(f"/cases/{SLUG}").status_code == 404

    queue = reviewer.get("/admin/review").get_data(as_text=True)
    assert "试用期受伤也能认定工伤" in queue
    assert reviewer.post(f"/admin/review/{SLUG}", data={"action": "approve"}).status_code == 302

    page = app.test_client().get(f"/cases/{SLUG}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<title>试用期受伤也能认定工伤" in html
    assert "12333" in html and "{hotline}" not in html  # placeholders filled from the site
    assert "说明性案例" in html
    assert _audit_actions(app) == ["case_create", "case_submit", "case_approve"]


def test_an_author_cannot_approve_their_own_case(app: Flask) -> None:
    # Even an admin, who may do everything else, does not review their own writing.
    admin = _browser(app, "root", "admin")
    _write_and_submit(admin)
    refused = admin.post(f"/admin/review/{SLUG}", data={"action": "approve"},
                         follow_redirects=True)
    assert "不能审核发布自己写的案例" in refused.get_data(as_text=True)
    assert _case(app).live_version_id is None
    assert app.test_client().get(f"/cases/{SLUG}").status_code == 404


def test_a_reviewer_who_edited_the_submission_cannot_approve_it(app: Flask) -> None:
    editor = _browser(app, "wang", "editor")
    both = _browser(app, "li", "admin")
    editor.post("/admin/cases/new", data=case_form())
    both.post(f"/admin/cases/{SLUG}", data=case_form(title="试用期受伤同样能认定工伤",
                                                     action="submit"))
    both.post(f"/admin/review/{SLUG}", data={"action": "approve"})
    assert _case(app).status == "submitted"


def test_editors_cannot_approve_and_reviewers_cannot_write(app: Flask) -> None:
    editor = _browser(app, "wang", "editor")
    reviewer = _browser(app, "zhao", "reviewer")
    _write_and_submit(editor)
    assert editor.post(f"/admin/review/{SLUG}", data={"action": "approve"}).status_code == 403
    assert reviewer.post("/admin/cases/new", data=case_form(slug="other")).status_code == 403
    inspector = _browser(app, "insp", "inspector")
    assert inspector.get("/admin/cases").status_code == 200
    assert inspector.get("/admin/review").status_code == 403


def test_returned_with_a_comment_then_resubmitted(app: Flask) -> None:
    editor = _browser(app, "wang", "editor")
    reviewer = _browser(app, "zhao", "reviewer")
    _write_and_submit(editor)
    no_comment = reviewer.post(f"/admin/review/{SLUG}", data={"action": "return"},
                               follow_redirects=True)
    assert "请写明修改意见" in no_comment.get_data(as_text=True)
    reviewer.post(f"/admin/review/{SLUG}", data={"action": "return", "comment": "导语再短些"})
    case = _case(app)
    assert case.status == "returned" and case.review_comment == "导语再短些"
    assert "审核意见：导语再短些" in editor.get(f"/admin/cases/{SLUG}").get_data(as_text=True)
    editor.post(f"/admin/cases/{SLUG}", data=case_form(action="submit"))
    assert _case(app).status == "submitted"


def test_an_article_number_under_the_wrong_law_is_named_to_the_editor(app: Flask) -> None:
    editor = _browser(app, "wang", "editor")
    editor.post("/admin/cases/new", data=case_form())
    # 第十四条 written after 《劳动合同法》 reads as the contract law's article 14.
    bad_body = VALID_BODY.replace(
        "试用期也是劳动关系，",
        "试用期也是劳动关系（《劳动合同法》第十九条），摔伤属于第十四条的情形，",
    ).replace("## 以案释法", "- 《工伤保险条例》第十四条\n\n## 以案释法")
    response = editor.post(f"/admin/cases/{SLUG}", data=case_form(body=bad_body, action="submit"),
                           follow_redirects=True)
    assert "第十四条按上文读作《劳动合同法》第十四条" in response.get_data(as_text=True)
    assert _case(app).status == "draft"


def test_a_case_with_problems_cannot_be_submitted_but_the_draft_is_kept(app: Flask) -> None:
    editor = _browser(app, "wang", "editor")
    editor.post("/admin/cases/new", data=case_form())
    bad_body = VALID_BODY.replace("可以直接向", "可以随时向")  # misquotes the statute
    response = editor.post(f"/admin/cases/{SLUG}", data=case_form(body=bad_body, action="submit"),
                           follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "quotation is not verbatim" in text
    case = _case(app)
    assert case.status == "draft"
    assert "可以随时向" in case.body


def test_editing_a_published_case_keeps_the_approved_text_online(app: Flask) -> None:
    editor = _browser(app, "wang", "editor")
    reviewer = _browser(app, "zhao", "reviewer")
    _write_and_submit(editor)
    reviewer.post(f"/admin/review/{SLUG}", data={"action": "approve"})
    editor.post(f"/admin/cases/{SLUG}", data=case_form(title="新标题：试用期工伤"))
    assert _case(app).status == "draft"
    assert "新标题" not in app.test_client().get(f"/cases/{SLUG}").get_data(as_text=True)
    editor.post(f"/admin/cases/{SLUG}", data=case_form(title="新标题：试用期工伤",
                                                        action="submit"))
    review = reviewer.get(f"/admin/review/{SLUG}").get_data(as_text=True)
    assert "-title: 试用期受伤也能认定工伤" in review
    assert "+title: 新标题：试用期工伤" in review
    reviewer.post(f"/admin/review/{SLUG}", data={"action": "approve"})
    assert "新标题" in app.test_client().get(f"/cases/{SLUG}").get_data(as_text=True)


def test_unpublish_removes_the_page_and_the_reply_link(app: Flask) -> None:
    editor = _browser(app, "wang", "editor")
    reviewer = _browser(app, "zhao", "reviewer")
    _write_and_submit(editor)
    reviewer.post(f"/admin/review/{SLUG}", data={"action": "approve"})
    lookup = app.extensions["pufa_case_lookup"]
    assert lookup(SLUG) == ("试用期受伤也能认定工伤", f"https://pufa.example.org/cases/{SLUG}")
    reviewer.post(f"/admin/cases/{SLUG}/unpublish", data={"reason": "法规更新"})
    assert app.test_client().get(f"/cases/{SLUG}").status_code == 404
    assert SLUG not in app.test_client().get("/cases").get_data(as_text=True)
    assert lookup(SLUG) is None
    assert _audit_actions(app)[-1] == "case_unpublish"


def test_every_version_is_kept_with_a_diff(app: Flask) -> None:
    editor = _browser(app, "wang", "editor")
    editor.post("/admin/cases/new", data=case_form())
    editor.post(f"/admin/cases/{SLUG}", data=case_form(summary="试用期受伤，同样可以认定工伤。"))
    editor.post(f"/admin/cases/{SLUG}", data=case_form(summary="试用期受伤，同样可以认定工伤。"))
    with app.app_context():
        numbers = list(db.session.scalars(select(CaseVersion.number).order_by(CaseVersion.number)))
    assert numbers == [1, 2]  # saving unchanged text adds no version
    history = editor.get(f"/admin/cases/{SLUG}/history").get_data(as_text=True)
    assert "+summary: 试用期受伤，同样可以认定工伤。" in history
    assert "-summary: 试用期也是劳动关系，受伤同样可以认定工伤。" in history


def test_a_submitted_case_is_locked_until_withdrawn(app: Flask) -> None:
    editor = _browser(app, "wang", "editor")
    _write_and_submit(editor)
    locked = editor.post(f"/admin/cases/{SLUG}", data=case_form(title="改"),
                         follow_redirects=True)
    assert "正在审核中" in locked.get_data(as_text=True)
    editor.post(f"/admin/cases/{SLUG}", data={"action": "withdraw"})
    assert _case(app).status == "draft"


def test_admin_list_shows_what_readers_read(app: Flask) -> None:
    editor = _browser(app, "wang", "editor")
    reviewer = _browser(app, "zhao", "reviewer")
    _write_and_submit(editor)
    reviewer.post(f"/admin/review/{SLUG}", data={"action": "approve"})
    reader = app.test_client()
    for _ in range(3):
        reader.get(f"/cases/{SLUG}")
    assert _case(app).view_count == 3
    listing = editor.get("/admin/cases").get_data(as_text=True)
    assert '<td class="num">3</td>' in listing


def test_the_live_preview_renders_through_the_sanitizer(app: Flask) -> None:
    editor = _browser(app, "wang", "editor")
    body = VALID_BODY + "\n<script>alert(1)</script>\n\n[点我](javascript:alert(1))\n"
    preview = editor.post("/admin/cases/preview", data=case_form(body=body))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html
    assert "试用期受伤也能认定工伤" in html
