"""Staff admin for case explainers: list, editor with phone preview, review, history, push."""

from __future__ import annotations

import re
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from ..db import db
from ..extensions import get_site
from ..models import Case, CaseVersion
from ..publishing import workflow
from ..publishing.content import get_content
from ..publishing.documents import CASE_TOPICS, SECTIONS, SLUG_RE
from ..publishing.pages import build_page
from ..staff.auth import Staff, current_staff, protect_blueprint, role_required

bp = Blueprint("admin_cases", __name__, url_prefix="/admin")
protect_blueprint(bp)

NEW_CASE_BODY = "\n\n".join(f"## {name}\n\n" for name in SECTIONS)
_FAQ_SPLIT = re.compile(r"[\s,，、;；]+")


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    return response


def _actor() -> workflow.Actor:
    staff = current_staff()
    if staff is None:
        abort(401)
    return workflow.Actor(staff.id, staff.username, staff.role)


def _staff() -> Staff:
    staff = current_staff()
    if staff is None:
        abort(401)
    return staff


def _case_or_404(slug: str) -> Case:
    case = workflow.find_case(db.session, slug)
    if case is None:
        abort(404)
    return case


def _form_fields() -> dict[str, Any]:
    """Read the editor form into the case's content fields."""
    form = request.form
    return {
        "title": form.get("title", "").strip(),
        "summary": form.get("summary", "").strip(),
        "topics": [t for t in form.getlist("topics") if t in CASE_TOPICS],
        "related_faq": [f for f in _FAQ_SPLIT.split(form.get("related_faq", "")) if f],
        "source": form.get("source", "").strip(),
        "source_url": form.get("source_url", "").strip(),
        "illustrative": form.get("illustrative") == "on",
        "published_date": workflow.parse_date(form.get("published_date", "")),
        "body": form.get("body", "").replace("\r\n", "\n"),
    }


def _problems(case: Case | None, fields: dict[str, Any], slug: str) -> list[str]:
    front = {
        "title": fields["title"], "summary": fields["summary"], "topics": fields["topics"],
        "related_faq": fields["related_faq"],
        "source": {"name": fields["source"], "url": fields["source_url"]}
        if fields["source_url"] else fields["source"],
        "illustrative": fields["illustrative"], "published": fields["published_date"],
    }
    _, problems = workflow.check_document(front, fields["body"], slug, get_content())
    return problems


def _case_fields(case: Case) -> dict[str, Any]:
    return {name: getattr(case, name) for name in workflow.CONTENT_FIELDS}


@bp.get("/cases")
@role_required("editor", "reviewer", "inspector")
def case_list() -> ResponseReturnValue:
    status = request.args.get("status", "")
    query = select(Case).order_by(Case.updated_at.desc())
    if status:
        query = query.where(Case.status == status)
    cases = list(db.session.scalars(query))
    return render_template(
        "admin/cases/list.html", cases=cases, status=status,
        labels=workflow.STATUS_LABELS, counts=workflow.count_by_status(db.session),
    )


@bp.get("/cases/new")
@role_required("editor")
def case_new() -> ResponseReturnValue:
    fields = {"title": "", "summary": "", "topics": [], "related_faq": [], "source": "",
              "source_url": "", "illustrative": True, "published_date": None,
              "body": NEW_CASE_BODY}
    return render_template("admin/cases/edit.html", case=None, slug="", fields=fields,
                           problems=[], topics=CASE_TOPICS, labels=workflow.STATUS_LABELS)


@bp.post("/cases/new")
@role_required("editor")
def case_create() -> ResponseReturnValue:
    slug = request.form.get("slug", "").strip().lower()
    fields = _form_fields()
    error = ""
    if not SLUG_RE.match(slug):
        error = "网址名只能用小写字母、数字和连字符，例如 gongshang-shenqing。"
    elif not fields["title"]:
        error = "请填写标题。"
    if not error:
        try:
            workflow.create_case(db.session, _actor(), slug, fields)
            db.session.commit()
        except workflow.WorkflowError as exc:
            db.session.rollback()
            error = str(exc)
    if error:
        flash(error, "error")
        return render_template("admin/cases/edit.html", case=None, slug=slug, fields=fields,
                               problems=[], topics=CASE_TOPICS,
                               labels=workflow.STATUS_LABELS), 400
    flash("已保存草稿。", "info")
    return redirect(url_for("admin_cases.case_edit", slug=slug))


@bp.get("/cases/<slug>")
@role_required("editor", "reviewer", "inspector")
def case_edit(slug: str) -> ResponseReturnValue:
    case = _case_or_404(slug)
    fields = _case_fields(case)
    return render_template(
        "admin/cases/edit.html", case=case, slug=slug, fields=fields,
        problems=_problems(case, fields, slug), topics=CASE_TOPICS,
        labels=workflow.STATUS_LABELS, can_edit=_staff().has_role("editor"),
    )


@bp.post("/cases/<slug>")
@role_required("editor")
def case_update(slug: str) -> ResponseReturnValue:
    case = _case_or_404(slug)
    action = request.form.get("action", "save")
    actor = _actor()
    try:
        if action in ("save", "submit"):
            version = workflow.save_case(db.session, actor, case, _form_fields())
            message = f"已保存为第 {version.number} 版。" if version else "内容没有变化。"
            if action == "submit":
                workflow.submit(db.session, actor, case, get_content())
                message += "已提交审核。"
        elif action == "withdraw":
            workflow.withdraw(db.session, actor, case)
            message = "已撤回，可以继续修改。"
        else:
            abort(400)
    except workflow.WorkflowError as exc:
        db.session.rollback()
        if action == "submit" and exc.problems:
            # Keep the edit even when the submission is refused.
            case = _case_or_404(slug)
            if case.status != "submitted":
                workflow.save_case(db.session, actor, case, _form_fields())
                db.session.commit()
        flash(str(exc), "error")
        for problem in exc.problems:
            flash(problem, "error")
        return redirect(url_for("admin_cases.case_edit", slug=slug))
    db.session.commit()
    flash(message, "info")
    return redirect(url_for("admin_cases.case_edit", slug=slug))


@bp.post("/cases/preview")
@role_required("editor", "reviewer")
def case_preview() -> ResponseReturnValue:
    """The phone preview: the reader's page template, through the same sanitizer."""
    fields = _form_fields()
    slug = request.form.get("slug", "") or "preview"
    version = CaseVersion(**{**fields, "title": fields["title"] or "（未填写标题）"})
    return render_template("cases/page.html", page=build_page(slug, version, get_site()),
                           site=get_site(), preview=True, token="", thanks=False,
                           canonical="")


@bp.get("/cases/<slug>/history")
@role_required("editor", "reviewer", "inspector")
def case_history(slug: str) -> ResponseReturnValue:
    case = _case_or_404(slug)
    history = workflow.versions(db.session, case)
    diffs: dict[int, list[str]] = {}
    for newer, older in zip(history, [*history[1:], None], strict=True):
        diffs[newer.number] = workflow.diff_lines(
            workflow.version_text(older, slug), workflow.version_text(newer, slug),
            f"第 {older.number} 版" if older else "（无）", f"第 {newer.number} 版",
        )
    return render_template("admin/cases/history.html", case=case, history=history,
                           diffs=diffs, labels=workflow.STATUS_LABELS)


@bp.get("/review")
@role_required("reviewer")
def review_queue() -> ResponseReturnValue:
    staff = _staff()
    pending = workflow.pending_reviews(db.session)
    own = {c.id for c in pending if staff.id in workflow.submission_authors(db.session, c)}
    return render_template("admin/cases/review_queue.html", pending=pending, own=own)


@bp.get("/review/<slug>")
@role_required("reviewer")
def review(slug: str) -> ResponseReturnValue:
    case = _case_or_404(slug)
    if case.status != "submitted" or case.submitted_version_id is None:
        flash("这个案例不在待审核状态。", "info")
        return redirect(url_for("admin_cases.case_edit", slug=slug))
    submitted = db.session.get(CaseVersion, case.submitted_version_id)
    live = db.session.get(CaseVersion, case.live_version_id) if case.live_version_id else None
    assert submitted is not None
    diff = workflow.diff_lines(
        workflow.version_text(live, slug), workflow.version_text(submitted, slug),
        f"线上第 {live.number} 版" if live else "（尚未发布）", f"提交的第 {submitted.number} 版",
    )
    is_author = _staff().id in workflow.submission_authors(db.session, case)
    return render_template(
        "admin/cases/review.html", case=case, submitted=submitted, live=live, diff=diff,
        is_author=is_author,
    )


@bp.get("/review/<slug>/frame")
@role_required("reviewer")
def review_frame(slug: str) -> ResponseReturnValue:
    """The submitted version as readers would see it (for the review page's phone frame)."""
    case = _case_or_404(slug)
    if case.submitted_version_id is None:
        abort(404)
    submitted = db.session.get(CaseVersion, case.submitted_version_id)
    assert submitted is not None
    return render_template("cases/page.html", page=build_page(slug, submitted, get_site()),
                           site=get_site(), preview=True, token="", thanks=False,
                           canonical="")


@bp.post("/review/<slug>")
@role_required("reviewer")
def review_decide(slug: str) -> ResponseReturnValue:
    case = _case_or_404(slug)
    action = request.form.get("action", "")
    comment = request.form.get("comment", "")
    try:
        if action == "approve":
            workflow.approve(db.session, _actor(), case, get_content(), comment)
            message = "已发布，读者现在可以看到。"
        elif action == "return":
            workflow.return_case(db.session, _actor(), case, comment)
            message = "已退回给编辑。"
        else:
            abort(400)
    except workflow.WorkflowError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        for problem in exc.problems:
            flash(problem, "error")
        return redirect(url_for("admin_cases.review", slug=slug))
    db.session.commit()
    flash(message, "info")
    return redirect(url_for("admin_cases.review_queue"))


@bp.post("/cases/<slug>/unpublish")
@role_required("reviewer")
def case_unpublish(slug: str) -> ResponseReturnValue:
    case = _case_or_404(slug)
    try:
        workflow.unpublish(db.session, _actor(), case, request.form.get("reason", ""))
    except workflow.WorkflowError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("admin_cases.case_edit", slug=slug))
    db.session.commit()
    flash("已下线，读者不再能打开这个案例。", "info")
    return redirect(url_for("admin_cases.case_edit", slug=slug))


@bp.post("/cases/<slug>/push")
@role_required("reviewer")
def case_push(slug: str) -> ResponseReturnValue:
    from ..publishing.wechat_push import PushError, push_case

    case = _case_or_404(slug)
    try:
        result = push_case(current_app._get_current_object(),  # type: ignore[attr-defined]
                           db.session, _actor(), case,
                           publish=request.form.get("publish") == "on")
    except PushError as exc:
        db.session.rollback()
        flash(f"推送失败：{exc}", "error")
        return redirect(url_for("admin_cases.case_edit", slug=slug))
    db.session.commit()
    flash(result.describe(), "info")
    return redirect(url_for("admin_cases.case_edit", slug=slug))
