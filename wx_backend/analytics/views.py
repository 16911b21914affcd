"""Staff pages: the dashboard, CSV export, the warning list and the daily digest.

Views only read the request, call the services and render; every figure comes from
aggregates / warnings / report.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue

from ..staff.auth import protect_blueprint, role_required
from .report import CSV_KINDS, build_report, to_csv
from .warnings import LEVEL_LABELS, Thresholds, current_levels, default_since, digest

bp = Blueprint("analytics_admin", __name__, url_prefix="/admin/analytics")
protect_blueprint(bp)

STAFF_ROLES = ("inspector", "reviewer", "editor")
PERIODS = (7, 30, 90, 365)


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _days() -> int:
    raw = request.args.get("days", "30")
    if not raw.isdigit() or not 1 <= int(raw) <= 3660:
        abort(400, description="days must be a whole number from 1 to 3660")
    return int(raw)


def _thresholds() -> Thresholds:
    return Thresholds.from_config(current_app.config)


@bp.get("/")
@role_required(*STAFF_ROLES)
def dashboard() -> ResponseReturnValue:
    days = _days()
    report = build_report(days, _thresholds())
    chart = {
        "days": [d.isoformat() for d in report.daily.days],
        "series": report.daily.series,
        "topics": [{"name": s.topic, "value": s.count} for s in report.topics if s.count],
    }
    return render_template(
        "admin/analytics/dashboard.html", report=report, days=days, periods=PERIODS,
        # "</" cannot close the script element the JSON sits in.
        chart_json=json.dumps(chart, ensure_ascii=False).replace("</", "<\\/"),
        csv_kinds=CSV_KINDS,
        level_labels=LEVEL_LABELS,
    )


@bp.get("/export/<kind>.csv")
@role_required(*STAFF_ROLES)
def export(kind: str) -> ResponseReturnValue:
    if kind not in CSV_KINDS:
        abort(404)
    days = _days()
    report = build_report(days, _thresholds(), unanswered_limit=200)
    name = f"pufa-{kind}-{report.period.start.isoformat()}-{report.period.end.isoformat()}.csv"
    return Response(
        to_csv(report, kind), mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/warnings")
@role_required(*STAFF_ROLES)
def warnings() -> ResponseReturnValue:
    thresholds = _thresholds()
    levels = [w for w in current_levels(thresholds) if w.level != "none"]
    return render_template(
        "admin/analytics/warnings.html", levels=levels, thresholds=thresholds,
        level_labels=LEVEL_LABELS,
    )


@bp.get("/digest")
@role_required(*STAFF_ROLES)
def digest_page() -> ResponseReturnValue:
    raw = request.args.get("hours", "24")
    hours = int(raw) if raw.isdigit() and 1 <= int(raw) <= 24 * 90 else 24
    items = digest(_thresholds(), default_since(hours=hours))
    return render_template(
        "admin/analytics/digest.html", items=items, hours=hours, level_labels=LEVEL_LABELS,
    )
