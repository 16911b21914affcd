"""People's pages keep cookie sessions; WeChat's server-to-server /wechat gets none."""

from __future__ import annotations

from flask import Flask, session
from flask.sessions import NullSession

from tests import wechat_helpers as wx


def test_wechat_requests_have_no_session_and_set_no_cookie(app: Flask) -> None:
    with app.test_request_context("/wechat", method="POST"):
        assert isinstance(session, NullSession)
        assert dict(session) == {}  # reading is fine; nothing is ever written
    client = app.test_client()
    client.set_cookie("session", "whatever")
    response = wx.WeChat(client).post(wx.text("老板拖欠工资怎么办", msg_id=777))
    assert response.status_code == 200 and b"<xml>" in response.get_data()
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")


def test_other_pages_keep_their_cookie_session(app: Flask) -> None:
    @app.get("/session-probe")
    def probe() -> str:
        session["seen"] = session.get("seen", 0) + 1
        return str(session["seen"])

    client = app.test_client()
    assert client.get("/session-probe").get_data() == b"1"
    assert client.get("/session-probe").get_data() == b"2"  # the signed cookie came back
    with app.test_request_context("/admin/login"):
        assert not isinstance(session, NullSession)
