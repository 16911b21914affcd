"""Staff pages for the worksite registry: list, add/edit, CSV import, QR codes and posters."""

from __future__ import annotations

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

from ..analytics.aggregates import Period, by_source
from ..extensions import get_site
from ..models import Worksite
from ..staff.auth import current_staff, protect_blueprint, role_required
from . import posters, registry
from .printing import poster_content
from .qr import QrError, landing_url, public_base_url, qr_png

bp = Blueprint("worksites_admin", __name__, url_prefix="/admin/worksites")
protect_blueprint(bp)

VIEW_ROLES = ("inspector", "reviewer", "editor")
EDIT_ROLES = ("editor",)  # and admin, who passes every check


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _actor() -> tuple[int | None, str] | None:
    staff = current_staff()
    return staff.actor if staff else None


def _base() -> str:
    # Without PUFA_PUBLIC_BASE_URL the admin's own address is the best guess for the page link.
    return public_base_url(request.host_url)


def _site_or_404(code: str) -> Worksite:
    site = registry.get_worksite(code)
    if site is None:
        abort(404)
    return site


@bp.get("/")
@role_required(*VIEW_ROLES)
def index() -> ResponseReturnValue:
    counts = {r.source: r for r in by_source(Period.last(30)) if r.is_worksite}
    staff = current_staff()
    return render_template(
        "admin/worksites/list.html", sites=registry.list_worksites(), counts=counts,
        townships=get_site().townships, can_edit=bool(staff and staff.has_role(*EDIT_ROLES)),
        columns=registry.COLUMNS, form={}, problems=[],
    )


@bp.post("/")
@role_required(*EDIT_ROLES)
def save() -> ResponseReturnValue:
    item, problems = registry.validate(request.form, get_site().townships)
    if item is None:
        return render_template(
            "admin/worksites/list.html", sites=registry.list_worksites(), counts={},
            townships=get_site().townships, can_edit=True, columns=registry.COLUMNS,
            form=request.form, problems=problems,
        ), 400
    _, status = registry.save(item, _actor())
    flash({"created": "已添加工地", "updated": "已更新工地", "unchanged": "没有变化"}[status]
          + f" {item.code}。", "info")
    return redirect(url_for(".index"))


@bp.post("/import")
@role_required(*EDIT_ROLES)
def import_csv() -> ResponseReturnValue:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("请选择一个 CSV 文件。", "error")
        return redirect(url_for(".index"))
    try:
        result = registry.import_csv(upload.read(), get_site().townships, _actor())
    except registry.WorksiteError as exc:
        for problem in exc.problems[:30]:
            flash(f"导入失败：{problem}", "error")
        return redirect(url_for(".index"))
    flash(f"导入完成：新增 {len(result.created)}，更新 {len(result.updated)}，"
          f"未变 {len(result.unchanged)}。", "info")
    return redirect(url_for(".index"))


@bp.post("/<code>/active")
@role_required(*EDIT_ROLES)
def set_active(code: str) -> ResponseReturnValue:
    site = _site_or_404(code)
    registry.set_active(site, request.form.get("active") == "1", _actor())
    return redirect(url_for(".index"))


@bp.get("/<code>/qr.png")
@role_required(*VIEW_ROLES)
def landing_qr(code: str) -> ResponseReturnValue:
    site = _site_or_404(code)
    return Response(qr_png(landing_url(site.code, _base())), mimetype="image/png")


def _poster(code: str, kind: str) -> ResponseReturnValue:
    site = _site_or_404(code)
    try:
        content = poster_content(site, _base())
        body = posters.pdf([content]) if kind == "pdf" else posters.png(content)
    except (QrError, posters.PosterFontMissing) as exc:
        current_app.logger.warning("poster %s for %s failed: %s", kind, code, exc)
        flash(f"海报未生成：{exc}", "error")
        return redirect(url_for(".index"))
    mimetype = "application/pdf" if kind == "pdf" else "image/png"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'inline; filename="poster-{site.code}.{kind}"'})


@bp.get("/<code>/poster.pdf")
@role_required(*VIEW_ROLES)
def poster_pdf(code: str) -> ResponseReturnValue:
    return _poster(code, "pdf")


@bp.get("/<code>/poster.png")
@role_required(*VIEW_ROLES)
def poster_png(code: str) -> ResponseReturnValue:
    return _poster(code, "png")


@bp.get("/posters.pdf")
@role_required(*VIEW_ROLES)
def all_posters() -> ResponseReturnValue:
    sites = registry.list_worksites(active_only=True)
    if not sites:
        flash("还没有在用的工地。", "error")
        return redirect(url_for(".index"))
    try:
        base = _base()
        body = posters.pdf([poster_content(site, base) for site in sites])
    except QrError as exc:
        flash(f"海报未生成：{exc}", "error")
        return redirect(url_for(".index"))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": 'attachment; filename="all-posters.pdf"'})
