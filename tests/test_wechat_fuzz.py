"""Whatever arrives at /wechat, the answer is never a 500 (WeChat would show an error page)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import wechat_helpers as wx
from tests.conftest import make_test_app
from tests.dialogue_support import fixture_content_dir
from wx_backend.store import MemoryStore

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
QUERY_NAMES = ["signature", "timestamp", "nonce", "echostr", "encrypt_type", "msg_signature",
               "openid"]
ALLOWED = {200, 400, 403, 413}


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Flask:
    tmp = tmp_path_factory.mktemp("fuzz")
    shutil.copy(sqlite_template, tmp / "db.sqlite3")
    return make_test_app(tmp, f"sqlite:///{tmp / 'db.sqlite3'}", MemoryStore(),
                         WECHAT_AES_KEY=wx.TEST_AES_KEY,
                         CONTENT_DIR=str(fixture_content_dir()))


@pytest.fixture
def client(fuzz_app: Flask) -> FlaskClient:
    return fuzz_app.test_client()


xml_field = st.text(max_size=200)
message_bodies = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=2000).map(str.encode),
    st.builds(lambda kind, content, extra: wx.message(kind, Content=content, Extra=extra),
              st.sampled_from(["text", "voice", "event", "image", "", "TEXT", "x" * 40]),
              xml_field, xml_field).map(str.encode),
    st.builds(lambda tag, value: f"<xml><{tag}>{value}</{tag}></xml>",
              st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True),
              xml_field).map(str.encode),
)


@FUZZ
@given(body=message_bodies)
def test_signed_bodies_of_any_shape_never_500(client: FlaskClient, body: bytes) -> None:
    wechat = wx.WeChat(client)
    response = client.post("/wechat", query_string=wechat.query(), data=body)
    assert response.status_code in {200, 413}, response.status_code


@FUZZ
@given(content=st.text(max_size=600))
def test_any_text_message_gets_a_reply_or_success(client: FlaskClient, content: str) -> None:
    response = wx.WeChat(client).post(wx.text(content.replace("]]>", "")))
    assert response.status_code == 200


@FUZZ
@given(query=st.dictionaries(st.one_of(st.sampled_from(QUERY_NAMES), st.text(max_size=10)),
                             st.text(max_size=80), max_size=8),
       body=st.binary(max_size=300))
def test_any_query_string_never_500(client: FlaskClient, query: dict[str, str],
                                    body: bytes) -> None:
    assert client.post("/wechat", query_string=query, data=body).status_code in ALLOWED
    assert client.get("/wechat", query_string=query).status_code in ALLOWED


@FUZZ
@given(encrypted=st.text(max_size=400))
def test_safe_mode_envelopes_with_junk_ciphertext_never_500(client: FlaskClient,
                                                            encrypted: str) -> None:
    wechat = wx.WeChat(client, mode="safe")
    cleaned = encrypted.replace("]]>", "")
    body = f"<xml><Encrypt><![CDATA[{cleaned}]]></Encrypt></xml>".encode()
    response = client.post("/wechat", query_string=wechat.query(cleaned.strip()), data=body)
    assert response.status_code in ALLOWED
