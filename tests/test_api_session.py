"""POST /api/v1/session against a fake WeChat API, and the bearer token it issues."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from tests.api_helpers import MINI_APPID, MINI_SECRET, api_app, bearer, token_for
from tests.conftest import TEST_SECRET
from tests.fake_wechat_api import FakeWeChatApi, Reply
from wx_backend.api.sessions import SALT

JSCODE = "/sns/jscode2session"
FAKE_OPENID = "oMiniUser0001"  # tests/fixtures/wechat_api/sns/jscode2session.json


@pytest.fixture
def fake() -> Iterator[FakeWeChatApi]:
    with FakeWeChatApi() as server:
        yield server


@pytest.fixture
def app(tmp_path: Path, sqlite_template: Path, fake: FakeWeChatApi) -> Flask:
    return api_app(tmp_path, sqlite_template, WECHAT_API_BASE=fake.base_url)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def error(response: Any) -> dict[str, str]:
    body = response.get_json()
    assert set(body) == {"error"}, body
    error: dict[str, str] = body["error"]
    return error


# ---- logging in -----------------------------------------------------------------------------
def test_a_wx_login_code_becomes_a_token_that_opens_the_authed_endpoints(
    client: FlaskClient, fake: FakeWeChatApi
) -> None:
    response = client.post("/api/v1/session", json={"code": "0a1B2c3D4e"})
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"token", "expires_in"} and body["expires_in"] == 7200
    (call,) = fake.calls_to(JSCODE)
    assert call.query == {"appid": MINI_APPID, "secret": MINI_SECRET, "js_code": "0a1B2c3D4e",
                          "grant_type": "authorization_code"}
    asked = client.post("/api/v1/ask", json={"question": "你好"}, headers=bearer(body["token"]))
    assert asked.status_code == 200 and asked.get_json()["outcome"] == "menu"


def test_the_openid_and_session_key_never_leave_the_server(client: FlaskClient) -> None:
    response = client.post("/api/v1/session", json={"code": "0a1B2c3D4e"})
    raw = response.get_data(as_text=True)
    token = response.get_json()["token"]
    payload = token.split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    for secret in (FAKE_OPENID, "tiihtNczf5v6AKRyjwEUhQ==", "oUnion0001"):
        assert secret not in raw and secret.encode() not in decoded


@pytest.mark.parametrize(("errcode", "errmsg"), [(40029, "invalid code"),
                                                  (40163, "code been used")])
def test_an_invalid_or_used_code_is_a_400_naming_the_code(
    client: FlaskClient, fake: FakeWeChatApi, errcode: int, errmsg: str
) -> None:
    fake.script(JSCODE, {"errcode": errcode, "errmsg": errmsg})
    response = client.post("/api/v1/session", json={"code": "stale"})
    assert response.status_code == 400
    assert error(response)["code"] == "invalid_code" and error(response)["field"] == "code"


@pytest.mark.parametrize("reply", [
    Reply(status=503, body=b"<html>Service Unavailable</html>", content_type="text/html"),
    Reply(status=200, body=b"not json", content_type="text/plain"),
    Reply.of({"errcode": -1, "errmsg": "system error"}),
], ids=["http-503", "garbage", "system-busy"])
def test_wechat_trouble_is_a_502_in_json(
    client: FlaskClient, fake: FakeWeChatApi, reply: Reply
) -> None:
    fake.script(JSCODE, reply)
    response = client.post("/api/v1/session", json={"code": "0a1B2c3D4e"})
    assert response.status_code == 502 and response.is_json
    assert error(response)["code"] == "wechat_unavailable"


def test_wechat_unreachable_is_a_502_in_json(tmp_path: Path, sqlite_template: Path) -> None:
    client = api_app(tmp_path, sqlite_template).test_client()  # nothing listens there
    response = client.post("/api/v1/session", json={"code": "0a1B2c3D4e"})
    assert response.status_code == 502 and error(response)["code"] == "wechat_unavailable"


def test_wechat_refusing_our_credentials_is_a_502_the_operator_can_read(
    client: FlaskClient, fake: FakeWeChatApi
) -> None:
    fake.script(JSCODE, {"errcode": 40125, "errmsg": "invalid appsecret"})
    response = client.post("/api/v1/session", json={"code": "0a1B2c3D4e"})
    assert response.status_code == 502
    assert error(response)["code"] == "wechat_refused" and "40125" in error(response)["message"]


def test_wechat_limiting_logins_is_a_429_with_retry_after(
    client: FlaskClient, fake: FakeWeChatApi
) -> None:
    fake.script(JSCODE, {"errcode": 45011, "errmsg": "api minute-quota reach limit"})
    response = client.post("/api/v1/session", json={"code": "0a1B2c3D4e"})
    assert response.status_code == 429 and response.headers["Retry-After"] == "60"


def test_a_server_without_mini_program_credentials_says_so(
    tmp_path: Path, sqlite_template: Path
) -> None:
    client = api_app(tmp_path, sqlite_template, MINIPROGRAM_SECRET="").test_client()
    response = client.post("/api/v1/session", json={"code": "0a1B2c3D4e"})
    assert response.status_code == 503
    assert error(response)["code"] == "not_configured"
    assert "PUFA_MINIPROGRAM_SECRET" in error(response)["message"]


@pytest.mark.parametrize(("kwargs", "status", "field"), [
    ({"json": {}}, 400, "code"),
    ({"json": {"code": ""}}, 400, "code"),
    ({"json": {"code": "abc def"}}, 400, "code"),
    ({"json": {"code": "x" * 129}}, 400, "code"),
    ({"json": {"code": 12345}}, 400, "code"),
    ({"json": {"code": "abc", "openid": "oForged"}}, 400, "openid"),
    ({"json": ["abc"]}, 400, "body"),
    ({"data": "{not json", "content_type": "application/json"}, 400, "body"),
    ({"data": "code=abc", "content_type": "application/x-www-form-urlencoded"}, 415, None),
])
def test_bad_login_requests_are_refused_before_wechat_is_called(
    client: FlaskClient, fake: FakeWeChatApi, kwargs: dict[str, object], status: int,
    field: str | None,
) -> None:
    response = client.post("/api/v1/session", **kwargs)
    assert response.status_code == status
    assert error(response).get("field") == field
    assert fake.count(JSCODE) == 0


# ---- the token --------------------------------------------------------------------------
def ask(client: FlaskClient, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    response = client.post("/api/v1/ask", json={"question": "你好"}, headers=headers)
    return response.status_code, (error(response) if response.status_code != 200 else {})


def test_a_missing_token_is_a_401_that_says_how_to_send_one(client: FlaskClient) -> None:
    status, err = ask(client, {})
    assert status == 401 and err["code"] == "unauthorized" and "Bearer" in err["message"]


@pytest.mark.parametrize("header", ["Basic b3BlbmlkOnNlY3JldA==", "Bearer", "Bearer   ", "token"])
def test_a_malformed_authorization_header_is_a_401(client: FlaskClient, header: str) -> None:
    assert ask(client, {"Authorization": header})[0] == 401


def test_a_tampered_token_is_a_401(app: Flask, client: FlaskClient) -> None:
    token = token_for(app)
    payload, rest = token.split(".", 1)
    other = token_for(app, "oSomeoneElse").split(".", 1)[0]
    for forged in (payload + "x." + rest, other + "." + rest, token[:-2] + "AA"):
        status, err = ask(client, bearer(forged))
        assert status == 401 and err["message"] == "token invalid"


def test_a_token_signed_with_another_key_is_a_401(app: Flask, client: FlaskClient) -> None:
    forged = URLSafeTimedSerializer("not-our-secret", salt=SALT).dumps("some-session")
    assert ask(client, bearer(forged)) == (401, {"code": "unauthorized",
                                                  "message": "token invalid"})


def test_an_expired_token_is_a_401_that_says_to_log_in_again(
    app: Flask, client: FlaskClient
) -> None:
    class Yesterday(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 86400

    old = URLSafeTimedSerializer(TEST_SECRET, salt=SALT, signer=Yesterday).dumps("session-id")
    status, err = ask(client, bearer(old))
    assert status == 401 and "expired" in err["message"]
    assert "POST /api/v1/session" in err["message"]


def test_a_token_whose_session_is_gone_is_a_401(app: Flask, client: FlaskClient) -> None:
    token = token_for(app)
    assert ask(client, bearer(token))[0] == 200
    session_id = URLSafeTimedSerializer(TEST_SECRET, salt=SALT).loads(token)
    app.extensions["pufa_store"].delete(f"mp:session:{session_id}")
    status, err = ask(client, bearer(token))
    assert status == 401 and "session ended" in err["message"]


def test_401_answers_carry_www_authenticate(client: FlaskClient) -> None:
    response = client.post("/api/v1/ask", json={"question": "你好"})
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
