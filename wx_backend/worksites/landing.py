"""The public landing page /s/<code>: what a worker sees after scanning a worksite poster.

Mobile-first, no external resources. A visit attributes the visitor to the worksite through a
first-party cookie id, so the questions they ask on the H5 pages count there; the event key
holds the day, so reloading the page does not add visits.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue

from ..analytics.attribution import attribute
from ..extensions import get_site
from ..models.questions import local_day
from .qr import qr_png, scene_for
from .questions import common_questions
from .registry import CODE_RE, get_worksite

bp = Blueprint("worksites_web", __name__)

VISITOR_COOKIE = "pufa_vid"
VISITOR_MAX_AGE = 365 * 86400


def _visitor_id() -> tuple[str, bool]:
    """The visitor's cookie id and whether it is new."""
    current = request.cookies.get(VISITOR_COOKIE, "")
    if 16 <= len(current) <= 64 and current.replace("-", "").replace("_", "").isalnum():
        return current, False
    return secrets.token_urlsafe(18), True


@bp.get("/s/<code>")
def landing(code: str) -> ResponseReturnValue:
    site_config = get_site()
    site = get_worksite(code) if CODE_RE.fullmatch(code) else None
    if site is None or not site.active:
        html = render_template("worksites/landing.html", site=None, code=code,
                               questions=common_questions(None), config=site_config)
        return html, 404
    visitor, new = _visitor_id()
    try:
        attribute(
            "h5:" + visitor, scene_for(site.code), channel="h5", event="landing",
            event_key=f"landing:{visitor}:{site.code}:{local_day().isoformat()}",
        )
    except Exception:  # attribution must never keep a worker from the page
        current_app.logger.exception("landing attribution failed for %s", site.code)
    html = render_template(
        "worksites/landing.html", site=site, code=site.code, config=site_config,
        questions=common_questions(scene_for(site.code)),
    )
    response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "private, no-cache"
    if new:
        response.set_cookie(
            VISITOR_COOKIE, visitor, max_age=VISITOR_MAX_AGE, httponly=True, samesite="Lax",
            secure=str(current_app.config.get("PUBLIC_BASE_URL", "")).startswith("https://"),
        )
    return response


@bp.get("/s/<code>/follow.png")
def follow_qr(code: str) -> ResponseReturnValue:
    """The account's WeChat QR code for this worksite (long-press to follow in WeChat)."""
    site = get_worksite(code) if CODE_RE.fullmatch(code) else None
    if site is None or not site.wechat_qr_url:
        return "not found", 404
    response = Response(qr_png(site.wechat_qr_url, box_size=8), mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
