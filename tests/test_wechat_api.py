"""The WeChat API client against the fake WeChat server on loopback (never the network)."""

from __future__ import annotations

import io
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import REDIS_URL, make_test_app
from tests.fake_wechat_api import FakeWeChatApi, Reply
from wx_backend.store import MemoryStore, RedisStore, Store
from wx_backend.wechat.api import DraftArticle, WeChatApi, WeChatApiError
from wx_backend.wechat_api import account_api, miniprogram_api

TOKEN_PATH = "/cgi-bin/stable_token"
SEND_PATH = "/cgi-bin/message/custom/send"


@pytest.fixture
def fake() -> Iterator[FakeWeChatApi]:
    with FakeWeChatApi() as server:
        yield server


def api(fake: FakeWeChatApi, store: Store | None = None) -> WeChatApi:
    return WeChatApi(store or MemoryStore(), appid="wxappid", secret="s3cret",
                     api_base=fake.base_url)


def tokens_used(fake: FakeWeChatApi, path: str = SEND_PATH) -> list[str]:
    return [call.query["access_token"] for call in fake.calls_to(path)]


def test_token_comes_from_the_stable_token_endpoint_and_is_reused(fake: FakeWeChatApi) -> None:
    client = api(fake)
    client.send_text("oUser", "你好")
    client.send_text("oUser", "再见")
    assert fake.count(TOKEN_PATH) == 1
    request = fake.calls_to(TOKEN_PATH)[0]
    assert request.method == "POST"
    assert request.json() == {"grant_type": "client_credential", "appid": "wxappid",
                              "secret": "s3cret", "force_refresh": False}
    assert tokens_used(fake) == ["ACCESS_TOKEN_1", "ACCESS_TOKEN_1"]
    sent = fake.calls_to(SEND_PATH)[0].json()
    assert sent == {"touser": "oUser", "msgtype": "text", "text": {"content": "你好"}}


@pytest.mark.redis
def test_two_app_instances_on_one_redis_share_one_token(
    fake: FakeWeChatApi, tmp_path: Path, sqlite_template: Path, redis_store: RedisStore
) -> None:
    prefix = f"pufa-test:{uuid.uuid4().hex[:8]}:"
    apps: list[Flask] = []
    for name in ("a", "b"):
        db_file = tmp_path / f"{name}.sqlite3"
        shutil.copy(sqlite_template, db_file)
        # Two stores with one prefix: two processes on one Redis.
        # Two stores on one Redis with one key prefix: two processes of one deployment.
        store = RedisStore(REDIS_URL, prefix=prefix)
        apps.append(make_test_app(tmp_path, f"sqlite:///{db_file}", store,
                                  WECHAT_API_BASE=fake.base_url, WECHAT_SECRET="s3cret"))
    for app in apps:
        with app.app_context():
            account_api().send_text("oUser", "hi")
    assert fake.count(TOKEN_PATH) == 1
    assert tokens_used(fake) == ["ACCESS_TOKEN_1", "ACCESS_TOKEN_1"]
    assert apps[0].extensions["pufa_wechat_api"] is not apps[1].extensions["pufa_wechat_api"]


def test_an_invalidated_token_is_refreshed_once_and_the_call_retried(fake: FakeWeChatApi) -> None:
    client = api(fake)
    client.send_text("oUser", "一")
    fake.expire_tokens()
    client.send_text("oUser", "二")
    assert tokens_used(fake) == ["ACCESS_TOKEN_1", "ACCESS_TOKEN_1", "ACCESS_TOKEN_2"]
    assert fake.count(TOKEN_PATH) == 2


@pytest.mark.parametrize("errcode", [40001, 40014, 42001])
def test_a_token_wechat_still_hands_out_is_force_refreshed(
    fake: FakeWeChatApi, errcode: int
) -> None:
    client = api(fake)
    client.send_text("oUser", "一")
    fake.script(SEND_PATH, {"errcode": errcode, "errmsg": "token refused"})
    client.send_text("oUser", "二")
    forces = [call.json()["force_refresh"] for call in fake.calls_to(TOKEN_PATH)]
    assert forces == [False, False, True]
    assert tokens_used(fake)[-1] == "ACCESS_TOKEN_2"


def test_retry_is_bounded_to_one(fake: FakeWeChatApi) -> None:
    client = api(fake)
    refused = {"errcode": 40001, "errmsg": "invalid credential"}
    fake.script(SEND_PATH, refused, refused, refused, refused)
    with pytest.raises(WeChatApiError) as error:
        client.send_text("oUser", "一")
    assert error.value.errcode == 40001
    assert fake.count(SEND_PATH) == 2


def test_other_errors_are_not_retried(fake: FakeWeChatApi) -> None:
    client = api(fake)
    fake.script(SEND_PATH, {"errcode": 45015, "errmsg": "response out of time limit"})
    with pytest.raises(WeChatApiError) as error:
        client.send_text("oUser", "一")
    assert error.value.errcode == 45015 and fake.count(SEND_PATH) == 1


def test_a_failing_token_endpoint_is_an_api_error(fake: FakeWeChatApi) -> None:
    fake.script(TOKEN_PATH, {"errcode": 40125, "errmsg": "invalid appsecret"})
    with pytest.raises(WeChatApiError) as error:
        api(fake).send_text("oUser", "一")
    assert error.value.errcode == 40125


def test_an_unreachable_server_is_an_api_error(fake: FakeWeChatApi) -> None:
    client = api(fake)
    fake.stop()
    with pytest.raises(WeChatApiError):
        client.send_text("oUser", "一")


def test_drafts_and_publishing(fake: FakeWeChatApi) -> None:
    client = api(fake)
    cover = client.add_image_material("cover.png", io.BytesIO(b"\x89PNG fake"))
    article = DraftArticle(title="拖欠工资怎么办", content="<p>正文</p>", thumb_media_id=cover,
                           digest="摘要", content_source_url="https://pufa.example.org/c/x")
    media_id = client.add_draft([article])
    publish_id = client.submit_publish(media_id)
    status = client.publish_status(publish_id)
    assert (cover, media_id, publish_id) == ("MEDIA_ID_IMAGE_1", "MEDIA_ID_DRAFT_1", "2247483912")
    assert status["article_detail"]["item"][0]["article_url"].startswith("https://mp.weixin")
    sent = fake.calls_to("/cgi-bin/draft/add")[0].json()["articles"][0]
    assert sent["title"] == "拖欠工资怎么办" and sent["thumb_media_id"] == cover
    assert fake.calls_to("/cgi-bin/freepublish/submit")[0].json() == {"media_id": media_id}
    assert fake.calls_to("/cgi-bin/material/add_material")[0].query["type"] == "image"


def test_permanent_string_scene_qr_code(fake: FakeWeChatApi) -> None:
    code = api(fake).create_permanent_qrcode("ws:JY001")
    request = fake.calls_to("/cgi-bin/qrcode/create")[0].json()
    assert request == {"action_name": "QR_LIMIT_STR_SCENE",
                       "action_info": {"scene": {"scene_str": "ws:JY001"}}}
    assert code.url == "http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI"
    assert code.image_url.startswith("https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=gQH")
    with pytest.raises(ValueError):
        api(fake).create_permanent_qrcode("x" * 65)


def test_mini_program_code_and_login(fake: FakeWeChatApi) -> None:
    client = api(fake)
    image = client.wxa_code_unlimited("ws=JY001", page="pages/ask/ask")
    assert image.startswith(b"\x89PNG")
    assert fake.calls_to("/wxa/getwxacodeunlimit")[0].json()["scene"] == "ws=JY001"
    session = client.jscode2session("CODE123")
    assert (session.openid, session.unionid) == ("oMiniUser0001", "oUnion0001")
    login = fake.calls_to("/sns/jscode2session")[0]
    assert login.query["js_code"] == "CODE123" and "access_token" not in login.query


def test_jscode2session_errors(fake: FakeWeChatApi) -> None:
    fake.script("/sns/jscode2session", {"errcode": 40029, "errmsg": "invalid code"})
    with pytest.raises(WeChatApiError) as error:
        api(fake).jscode2session("bad")
    assert error.value.errcode == 40029


def test_fake_server_serves_recorded_responses_and_counts(fake: FakeWeChatApi) -> None:
    fake.script("/cgi-bin/anything", Reply(500, b"boom", "text/plain"))
    with pytest.raises(WeChatApiError):
        api(fake).call(lambda c: c.post("anything", data={}))
    assert fake.count("/cgi-bin/anything") == 1


def test_app_clients_use_the_configured_base_and_credentials(
    fake: FakeWeChatApi, app: Flask
) -> None:
    app.config.update(WECHAT_API_BASE=fake.base_url, WECHAT_SECRET="s3cret",
                      MINIPROGRAM_APPID="wxmini", MINIPROGRAM_SECRET="m1ni")
    with app.app_context():
        assert account_api() is account_api()
        assert miniprogram_api().appid == "wxmini"
        miniprogram_api().jscode2session("C")
    assert fake.calls_to("/sns/jscode2session")[0].query["appid"] == "wxmini"
