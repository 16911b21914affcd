"""Case explainers (以案释法): files and staff edits → review → public pages and WeChat drafts."""

from __future__ import annotations

from flask import Flask, has_app_context, has_request_context, request

from wx_backend.db import db

LOOKUP_KEY = "pufa_case_lookup"


def case_url(app: Flask, slug: str) -> str:
    """The reader's address of a case: absolute when PUFA_PUBLIC_BASE_URL (or a request) says
    where the service lives."""
    base = app.config.get("PUBLIC_BASE_URL") or (request.host_url if has_request_context() else "")
    return f"{base.rstrip('/')}/cases/{slug}"


def lookup_case(app: Flask, slug: str) -> tuple[str, str] | None:
    """(title, url) of a published case, or None (unknown, draft or unpublished)."""
    from wx_backend.publishing.workflow import live_version

    def find() -> tuple[str, str] | None:
        found = live_version(db.session, slug)
        if found is None:
            return None
        return found[1].title, case_url(app, slug)

    if has_app_context():
        return find()
    with app.app_context():
        return find()


def init_app(app: Flask) -> None:
    """Offer the message service `app.extensions["pufa_case_lookup"](slug)`."""
    app.extensions[LOOKUP_KEY] = lambda slug: lookup_case(app, slug)
