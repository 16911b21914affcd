"""/wechat as WeChat calls it: every message type and event, in every mode, and bad input."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import wechat_helpers as wx
from tests.conftest import make_test_app
from tests.dialogue_support import fixture_content_dir
from wx_backend.db import db
from wx_backend.models import QuestionRecord, UserEvent
from wx_backend.store import MemoryStore

MODES = ["plain", "compatible", "safe"]


@pytest.fixture
def make_app(tmp_path: Path, sqlite_template: Path) -> Callable[..., Flask]:
    def build(**overrides: object) -> Flask:
        db_file = tmp_path / f"db-{len(list(tmp_path.iterdir()))}.sqlite3"
        shutil.copy(sqlite_template, db_file)
        overrides.setdefault("CONTENT_DIR", str(fixture_content_dir()))
        return make_test_app(tmp_path, f"sqlite:///{db_file}", MemoryStore(), **overrides)
    return build


@pytest.fixture(params=MODES)
def wechat(request: pytest.FixtureRequest, make_app: Callable[..., Flask]) -> wx.WeChat:
    mode = request.param
    app = make_app(WECHAT_AES_KEY=wx.TEST_AES_KEY) if mode != "plain" else make_app()
    return wx.WeChat(app.test_client(), mode=mode)


@pytest.fixture
def plain(make_app: Callable[..., Flask]) -> wx.WeChat:
    return wx.WeChat(make_app().test_client())


def questions(app: Flask) -> list[QuestionRecord]:
    with app.app_context():
        return list(db.session.scalars(select(QuestionRecord).order_by(QuestionRecord.id)))


def events(app: Flask) -> list[UserEvent]:
    with app.app_context():
        return list(db.session.scalars(select(UserEvent).order_by(UserEvent.id)))


def app_of(wechat: wx.WeChat) -> Flask:
    return wechat.client.application  # type: ignore[return-value]


# ---- URL verification -------------------------------------------------------------------
def test_console_url_check_echoes_echostr(plain: wx.WeChat) -> None:
    response = plain.client.get("/wechat", query_string={**plain.query(), "echostr": "8837"})
    assert response.status_code == 200 and response.get_data(as_text=True) == "8837"


def test_console_url_check_with_wrong_token_is_refused(plain: wx.WeChat) -> None:
    forged = wx.WeChat(plain.client, token="not-the-token")
    response = plain.client.get("/wechat", query_string={**forged.query(), "echostr": "8837"})
    assert response.status_code == 403 and "8837" not in response.get_data(as_text=True)


# ---- every message type, in plaintext, compatible and safe mode -------------------------
def test_text_question_gets_an_answer_with_basis_and_full_text_link(wechat: wx.WeChat) -> None:
    reply = wechat.reply_text(wx.text("在工地干活时受伤，算工伤吗？"))
    assert "依据：《工伤保险条例》" in reply
    assert "查看全文：https://pufa.example.org/faq/gsrd-" in reply
    assert len(reply.encode()) <= 2000


def test_reply_comes_from_the_account_to_the_user(wechat: wx.WeChat) -> None:
    fields = wechat.reply(wx.text("你好", user="oWorker42"))
    assert fields is not None
    assert (fields["ToUserName"], fields["FromUserName"]) == ("oWorker42", wx.ACCOUNT)


def test_voice_uses_wechats_recognition(wechat: wx.WeChat) -> None:
    typed = wechat.reply_text(wx.text("劳动合同法第八十二条", user="oA"))
    spoken = wechat.reply_text(wx.voice("劳动合同法第八十二条", user="oB"))
    assert spoken == typed and "二倍的工资" in spoken


def test_voice_without_recognition_is_answered_kindly_with_the_menu(wechat: wx.WeChat) -> None:
    reply = wechat.reply_text(wx.voice(""))
    assert "没能听清" in reply and "1. 受伤了算不算工伤" in reply


@pytest.mark.parametrize("build", [wx.image, wx.video, wx.shortvideo, wx.location, wx.link,
                                   wx.file])
def test_non_text_messages_get_guidance_and_the_menu(
    wechat: wx.WeChat, build: Callable[..., str]
) -> None:
    reply = wechat.reply_text(build())
    assert "请用文字或语音说说" in reply and "回复数字查看常见问题" in reply


def test_subscribe_gets_welcome_and_topic_menu(wechat: wx.WeChat) -> None:
    reply = wechat.reply_text(wx.event("subscribe"))
    assert reply.startswith("欢迎关注缙云县人力资源和社会保障局")
    assert "2. 拖欠工资怎么办" in reply
    recorded = events(app_of(wechat))
    assert [(e.event, e.source) for e in recorded] == [("subscribe", None)]


def test_subscribe_from_a_worksite_qr_code_records_the_source(wechat: wx.WeChat) -> None:
    reply = wechat.reply_text(wx.event("subscribe", "qrscene_ws:JY001"))
    assert reply.startswith("欢迎关注")
    recorded = events(app_of(wechat))
    assert [(e.event, e.source) for e in recorded] == [("subscribe", "ws:JY001")]


def test_scan_by_a_follower_records_the_source(wechat: wx.WeChat) -> None:
    reply = wechat.reply_text(wx.event("SCAN", "ws:JY002"))
    assert "回复数字查看常见问题" in reply
    assert [(e.event, e.source) for e in events(app_of(wechat))] == [("scan", "ws:JY002")]


def test_menu_click_on_a_topic_lists_its_questions(wechat: wx.WeChat) -> None:
    reply = wechat.reply_text(wx.event("CLICK", "TOPIC_QX"))
    assert reply.startswith("【拖欠工资怎么办】常见问题")
    # the numbers now pick from that list
    answer = wechat.reply_text(wx.text("1"))
    assert "依据：" in answer and "/faq/qx-01" in answer


def test_unsubscribe_is_recorded_and_answered_with_success(wechat: wx.WeChat) -> None:
    assert wechat.reply(wx.event("unsubscribe")) is None
    assert [e.event for e in events(app_of(wechat))] == ["unsubscribe"]


@pytest.mark.parametrize("name", ["VIEW", "LOCATION", "TEMPLATESENDJOBFINISH", "brand_new"])
def test_other_events_are_ignored(wechat: wx.WeChat, name: str) -> None:
    assert wechat.reply(wx.event(name, "x")) is None


def test_unknown_message_types_are_answered_success(wechat: wx.WeChat) -> None:
    assert wechat.reply(wx.message("hologram")) is None


# ---- the question log -------------------------------------------------------------------
def test_each_question_is_recorded_with_its_outcome(plain: wx.WeChat) -> None:
    plain.reply_text(wx.text("在工地干活时受伤，算工伤吗？", user="oLog"))
    plain.reply_text(wx.voice("", user="oLog"))
    plain.reply(wx.event("subscribe", user="oLog"))
    rows = questions(app_of(plain))
    assert [(r.message_type, r.outcome) for r in rows] == [("text", "answer"),
                                                           ("voice", "no_speech")]
    assert rows[0].entry_id and rows[0].topic == "工伤认定" and rows[0].score is not None
    assert rows[0].user_pseudonym != "oLog"


def test_a_retried_message_gets_the_same_reply_and_is_recorded_once(plain: wx.WeChat) -> None:
    xml = wx.text("老板拖欠工资怎么办", msg_id=123456789)
    first = plain.post(xml).get_data()
    second = plain.post(xml).get_data()
    assert first == second
    with app_of(plain).app_context():
        count = db.session.scalar(select(func.count()).select_from(QuestionRecord))
    assert count == 1


# ---- bad input ---------------------------------------------------------------------------
def test_bad_signature_is_refused(plain: wx.WeChat) -> None:
    forged = wx.WeChat(plain.client, token="wrong")
    assert forged.post(wx.text("你好")).status_code == 403
    assert questions(app_of(plain)) == []


def test_missing_signature_is_refused(plain: wx.WeChat) -> None:
    response = plain.client.post("/wechat", data=wx.text("你好").encode())
    assert response.status_code in (400, 403)


def test_stale_timestamp_is_refused(plain: wx.WeChat) -> None:
    stale = wx.WeChat(plain.client, clock=lambda: 1_000_000_000)
    response = stale.post(wx.text("你好"))
    assert response.status_code == 403 and b"stale" in response.get_data()


def test_oversize_body_is_refused(plain: wx.WeChat) -> None:
    huge = wx.text("工" * 30_000)
    assert len(huge.encode()) > 64 * 1024
    assert plain.post(huge).status_code == 413


@pytest.mark.parametrize(
    "body",
    ["<xml><MsgType>text", "not xml at all", "<xml></xml>", "<html><body/></html>",
     "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType><MsgId>abc</MsgId></xml>",
     "<xml><FromUserName>\x01</FromUserName><MsgType>text</MsgType></xml>",
     '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml>&e;</xml>'],
)
def test_malformed_xml_is_answered_success(plain: wx.WeChat, body: str) -> None:
    response = plain.client.post("/wechat", query_string=plain.query(), data=body.encode())
    assert response.status_code == 200 and response.get_data() == b"success"


def test_control_characters_in_text_are_dropped_and_answered(plain: wx.WeChat) -> None:
    reply = plain.reply_text(wx.text("\x0b你好\x1f"))
    assert "回复数字查看常见问题" in reply


def test_safe_mode_message_without_msg_signature_is_refused(make_app: Callable[..., Flask]) -> None:
    client = make_app(WECHAT_AES_KEY=wx.TEST_AES_KEY).test_client()
    safe = wx.WeChat(client, mode="safe")
    query, body = safe.envelope(wx.text("你好"))
    del query["msg_signature"]
    assert client.post("/wechat", query_string=query, data=body).status_code == 403


def test_compatible_mode_without_an_aes_key_is_answered_in_plaintext(
    make_app: Callable[..., Flask],
) -> None:
    client = make_app().test_client()
    compatible = wx.WeChat(client, mode="compatible")
    query, body = compatible.envelope(wx.text("你好"))
    response = client.post("/wechat", query_string=query, data=body)
    fields = wx.read_reply(response.get_data())
    assert fields is not None and "回复数字查看常见问题" in fields["Content"]
