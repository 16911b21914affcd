"""Cookie sessions for people (staff admin, H5 pages); none for WeChat's server calls."""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

# WeChat's servers keep no cookies and these endpoints never read or write a session.
SESSIONLESS_PATHS = frozenset({"/wechat"})


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, skipped (a null session) on SESSIONLESS_PATHS.

    Opening and saving a cookie session (signing serializer, cookie parsing, Vary header)
    costs about a quarter of Flask's own work on a /wechat message, for nothing.
    """

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path in SESSIONLESS_PATHS:
            return None  # Flask then uses a NullSession, which is never saved
        return super().open_session(app, request)
