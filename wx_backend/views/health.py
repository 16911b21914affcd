"""GET /healthz: is the database reachable, is the store reachable."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from ..db import db
from ..extensions import get_store
from ..migrate import is_current

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    checks: dict[str, str] = {}
    try:
        db.ping()
        checks["database"] = "ok" if is_current(db.engine) else "migrations pending"
    except Exception as exc:  # any driver error means "not healthy", never a 500
        current_app.logger.warning("healthz: database check failed: %s", exc)
        checks["database"] = "unreachable"
    try:
        get_store().ping()
        checks["store"] = "ok"
    except Exception as exc:
        current_app.logger.warning("healthz: store check failed: %s", exc)
        checks["store"] = "unreachable"
    healthy = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if healthy else "degraded", **checks}
    store_kind = "redis" if get_store().shared_between_processes else "in-process"
    body["store_kind"] = store_kind
    return jsonify(body), 200 if healthy else 503
