"""The protocol edge on its own: signatures, safe mode, parsing and reply rendering."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import xmltodict

from tests import wechat_helpers as wx
from wx_backend.wechat import (
    Endpoint,
    MalformedMessage,
    NewsArticle,
    Rejected,
    fit_text,
    parse_message,
    render_news,
    render_text,
    render_transfer,
    sign,
    signature_matches,
)
from wx_backend.wechat.crypto import SafeModeCipher

FIXTURES = Path(__file__).parent / "fixtures" / "wechat"
NOW = 1_800_000_000
TOKEN = "pufa-test-token"


def plain_endpoint(**kw: object) -> Endpoint:
    return Endpoint(TOKEN, **kw)  # type: ignore[arg-type]


def safe_endpoint() -> Endpoint:
    return Endpoint(TOKEN, aes_key=wx.TEST_AES_KEY, appid=wx.TEST_APPID)


def args(timestamp: int = NOW, nonce: str = "abc123", token: str = TOKEN) -> dict[str, str]:
    stamp = str(timestamp)
    return {"timestamp": stamp, "nonce": nonce,
            "signature": wx.wechat_signature(token, stamp, nonce)}


# ---- signatures -------------------------------------------------------------------------
def test_signature_is_sha1_of_the_sorted_parts() -> None:
    assert sign("b", "a", "c") == wx.wechat_signature("a", "b", "c")
    assert signature_matches(("tok", "1", "n"), wx.wechat_signature("tok", "1", "n"))
    assert signature_matches(("tok", "1", "n"), wx.wechat_signature("tok", "1", "n").upper())
    assert not signature_matches(("tok", "1", "n"), wx.wechat_signature("tok", "2", "n"))
    assert not signature_matches(("tok", "1", "n"), "不是签名")


def test_url_verification_echoes_echostr_only_when_signed() -> None:
    endpoint = plain_endpoint()
    assert endpoint.verify_url({**args(), "echostr": "e123"}, now=NOW) == "e123"
    with pytest.raises(Rejected) as bad:
        endpoint.verify_url({**args(token="other"), "echostr": "e123"}, now=NOW)
    assert bad.value.status == 403


@pytest.mark.parametrize("offset", [-301, 301, 100_000])
def test_stale_timestamps_are_rejected(offset: int) -> None:
    with pytest.raises(Rejected) as stale:
        plain_endpoint().open(args(NOW + offset), wx.text("你好").encode(), now=NOW)
    assert stale.value.status == 403 and "stale" in stale.value.reason


def test_timestamps_within_tolerance_are_accepted() -> None:
    envelope = plain_endpoint().open(args(NOW - 299), wx.text("你好").encode(), now=NOW)
    assert envelope.message.content == "你好"


def test_oversize_bodies_are_rejected_before_anything_else() -> None:
    endpoint = plain_endpoint(max_body_bytes=1024)
    body = wx.text("工" * 400).encode()
    assert len(body) > 1024
    with pytest.raises(Rejected) as big:
        endpoint.open({}, body, now=NOW)
    assert big.value.status == 413


# ---- safe mode --------------------------------------------------------------------------
def test_wechats_published_safe_mode_sample_decrypts() -> None:
    sample = json.loads((FIXTURES / "official_sample.json").read_text("utf-8"))
    endpoint = Endpoint(sample["token"], aes_key=sample["encoding_aes_key"],
                        appid=sample["appid"], timestamp_tolerance=10**10)
    query = {"timestamp": sample["timestamp"], "nonce": sample["nonce"],
             "encrypt_type": "aes", "msg_signature": sample["msg_signature"]}
    envelope = endpoint.open(query, sample["body"].encode(), now=int(sample["timestamp"]))
    message = envelope.message
    assert envelope.encrypted
    assert (message.kind, message.content, message.msg_id) == ("text", "abcdteT",
                                                               6054768590064713728)
    assert message.user == "oyORnuP8q7ou2gfYjqLzSIWZf0rs"
    assert message.account == "gh_10f6c3c3ac5a"


def test_safe_mode_round_trip_and_sealed_reply_verifies() -> None:
    endpoint = safe_endpoint()
    xml = wx.text("工伤怎么认定")
    encrypted = wx.encrypt(xml)
    query = {**args(), "encrypt_type": "aes",
             "msg_signature": wx.wechat_signature(TOKEN, str(NOW), "abc123", encrypted)}
    body = f"<xml><ToUserName>gh</ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    envelope = endpoint.open(query, body.encode(), now=NOW)
    assert envelope.message.content == "工伤怎么认定"
    sealed = endpoint.seal(envelope, render_text("oUser0001", "gh", "答复"))
    fields = wx.read_reply(sealed)
    assert fields is not None and fields["Content"] == "答复"


def test_safe_mode_rejects_a_wrong_msg_signature_and_ignores_foreign_ciphertext() -> None:
    endpoint = safe_endpoint()
    encrypted = wx.encrypt(wx.text("你好"))
    body = f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>".encode()
    query = {**args(), "encrypt_type": "aes", "msg_signature": "0" * 40}
    with pytest.raises(Rejected):
        endpoint.open(query, body, now=NOW)
    foreign = wx.encrypt(wx.text("你好"), appid="wxanotherapp00000")
    body = f"<xml><Encrypt><![CDATA[{foreign}]]></Encrypt></xml>".encode()
    query = {**args(), "encrypt_type": "aes",
             "msg_signature": wx.wechat_signature(TOKEN, str(NOW), "abc123", foreign)}
    with pytest.raises(MalformedMessage):
        endpoint.open(query, body, now=NOW)


def test_cipher_rejects_garbage_without_crashing() -> None:
    cipher = SafeModeCipher(TOKEN, wx.TEST_AES_KEY, wx.TEST_APPID)
    for junk in ("", "not base64!!", "QUJD", "A" * 44):
        with pytest.raises(ValueError):
            cipher.decrypt(junk)


# ---- parsing ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("xml", "kind"),
    [(wx.text("你好"), "text"), (wx.voice("工伤"), "voice"), (wx.image(), "image"),
     (wx.video(), "video"), (wx.shortvideo(), "shortvideo"), (wx.location(), "location"),
     (wx.link(), "link"), (wx.file(), "file"), (wx.event("subscribe"), "event"),
     (wx.message("weird_new_type"), "unknown")],
)
def test_every_message_type_parses(xml: str, kind: str) -> None:
    assert parse_message(xml.encode()).kind == kind


def test_parsed_fields() -> None:
    voice = parse_message(wx.voice("我的工钱被拖欠了", msg_id=42).encode())
    assert (voice.recognition, voice.msg_id) == ("我的工钱被拖欠了", 42)
    subscribe = parse_message(wx.event("subscribe", "qrscene_ws:JY001").encode())
    assert (subscribe.event, subscribe.event_key, subscribe.msg_id) == (
        "subscribe", "qrscene_ws:JY001", None)
    click = parse_message(wx.event("CLICK", "TOPIC_QX").encode())
    assert (click.event, click.event_key) == ("click", "TOPIC_QX")


def test_control_characters_are_removed_from_text() -> None:
    message = parse_message(wx.text("工\u0085资\u007f被拖欠").encode())
    assert message.content == "工资被拖欠"


@pytest.mark.parametrize(
    "body",
    [b"", b"not xml", b"<xml><MsgType>text</MsgType>", b"<root><a/></root>",
     b"<xml><MsgType>text</MsgType></xml>",  # no FromUserName
     b"<xml><FromUserName>u</FromUserName><MsgType>text</MsgType><CreateTime>x</CreateTime></xml>",
     "<xml>中文</xml>".encode("gbk"),
     b'<!DOCTYPE x [<!ENTITY a "aaaa">]><xml><FromUserName>&a;</FromUserName></xml>'],
)
def test_malformed_bodies_raise_malformed_message(body: bytes) -> None:
    with pytest.raises(MalformedMessage):
        parse_message(body)


# ---- replies ----------------------------------------------------------------------------
def test_text_reply_escapes_cdata_terminators() -> None:
    xml = render_text("oUser", "gh", "a]]>b<c>&d", create_time=1)
    parsed = xmltodict.parse(xml)["xml"]
    assert parsed["Content"] == "a]]>b<c>&d"
    assert parsed["MsgType"] == "text" and parsed["ToUserName"] == "oUser"


def test_news_reply_has_exactly_one_article() -> None:
    article = NewsArticle("标题]]>", "描述", "https://pufa.example.org/faq/qx-01")
    parsed = xmltodict.parse(render_news("oUser", "gh", article))["xml"]
    assert parsed["MsgType"] == "news" and parsed["ArticleCount"] == "1"
    assert parsed["Articles"]["item"]["Title"] == "标题]]>"
    assert parsed["Articles"]["item"]["Url"] == article.url


def test_transfer_reply() -> None:
    parsed = xmltodict.parse(render_transfer("oUser", "gh"))["xml"]
    assert parsed["MsgType"] == "transfer_customer_service"


def test_short_text_is_unchanged_and_gets_the_link() -> None:
    assert fit_text("短答复。") == "短答复。"
    assert fit_text("短答复。", "https://x/faq/a") == "短答复。\n查看全文：https://x/faq/a"


def test_long_text_is_cut_at_a_sentence_end_within_2000_bytes() -> None:
    sentence = "用人单位应当按时足额支付劳动报酬。"  # 17 chars, 51 bytes
    long_text = sentence * 60
    url = "https://pufa.example.org/faq/qx-01"
    fitted = fit_text(long_text, url)
    assert len(fitted.encode()) <= 2000
    body, link = fitted.rsplit("\n", 1)
    assert link == f"查看全文：{url}"
    assert body.endswith("。") and long_text.startswith(body)


def test_long_text_without_a_sentence_end_is_still_cut_on_a_character() -> None:
    fitted = fit_text("工" * 1000)
    assert len(fitted.encode()) <= 2000
    assert fitted.endswith("……")
