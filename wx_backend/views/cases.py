"""Public H5 pages for readers: /cases (by topic) and /cases/<slug>."""

from __future__ import annotations

from urllib.parse import urljoin

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from ..db import db
from ..extensions import get_site, get_store
from ..publishing import workflow
from ..publishing.documents import CASE_TOPICS
from ..publishing.pages import build_page, feedback_token, read_feedback_token

bp = Blueprint("cases", __name__)

FEEDBACK_NONCE_TTL = 2 * 24 * 3600


def public_url(path: str) -> str:
    """Absolute URL for sharing (og:url), from PUFA_PUBLIC_BASE_URL when set."""
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    return urljoin(base.rstrip("/") + "/", path.lstrip("/"))


@bp.after_request
def _headers(response: Response) -> Response:
    # Everything the pages use is served from here: no CDN, no inline script.
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'self'; form-action 'self'; base-uri 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response


@bp.get("/cases")
def index() -> ResponseReturnValue:
    site = get_site()
    pages = [(case, build_page(case.slug, version, site))
             for case, version in workflow.live_cases(db.session)]
    groups = [(topic, [p for _, p in pages if topic in p.topics]) for topic in CASE_TOPICS]
    selected = request.args.get("topic", "")
    if selected:
        groups = [(t, items) for t, items in groups if t == selected]
    return render_template(
        "cases/index.html", groups=[(t, items) for t, items in groups if items],
        topics=[t for t in CASE_TOPICS if any(t in p.topics for _, p in pages)],
        selected=selected, site=site, canonical=public_url(url_for("cases.index")),
    )


@bp.get("/cases/<slug>")
def page(slug: str) -> ResponseReturnValue:
    found = workflow.live_version(db.session, slug)
    if found is None:
        abort(404)
    case, version = found
    if request.method == "GET":
        workflow.record_view(db.session, case.id)
        db.session.commit()
    site = get_site()
    return render_template(
        "cases/page.html", page=build_page(slug, version, site), site=site, preview=False,
        token=feedback_token(current_app.config["SECRET_KEY"], slug),
        thanks=request.args.get("feedback") == "thanks",
        canonical=public_url(url_for("cases.page", slug=slug)),
    )


@bp.post("/cases/<slug>/feedback")
def feedback(slug: str) -> ResponseReturnValue:
    found = workflow.live_version(db.session, slug)
    if found is None:
        abort(404)
    case, _ = found
    vote = request.form.get("vote", "")
    nonce = read_feedback_token(current_app.config["SECRET_KEY"],
                                request.form.get("token", ""), slug)
    if vote not in ("useful", "not_useful") or nonce is None:
        abort(400)
    # One vote per page view: the token's nonce is claimed atomically.
    if get_store().set_nx(f"case-feedback:{nonce}", vote, FEEDBACK_NONCE_TTL):
        workflow.record_feedback(db.session, case.id, vote == "useful")
        db.session.commit()
    return redirect(url_for("cases.page", slug=slug, feedback="thanks", _anchor="feedback"),
                    code=303)
