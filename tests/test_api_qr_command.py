"""`pufa qr miniprogram <code>`: a worksite's mini-program code from WeChat, saved as PNG."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask

from tests.api_helpers import add_worksite, api_app
from tests.fake_wechat_api import FakeWeChatApi
from wx_backend.cli import cli

WXACODE = "/wxa/getwxacodeunlimit"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def fake() -> Iterator[FakeWeChatApi]:
    with FakeWeChatApi() as server:
        yield server


@pytest.fixture
def app(tmp_path: Path, sqlite_template: Path, fake: FakeWeChatApi) -> Flask:
    app = api_app(tmp_path, sqlite_template, WECHAT_API_BASE=fake.base_url)
    add_worksite(app, "JY001")
    return app


def run(app: Flask, *args: str) -> Result:
    return app.test_cli_runner().invoke(cli, ["qr", "miniprogram", *args])


def test_the_code_is_fetched_with_scene_ws_code_and_saved(
    app: Flask, fake: FakeWeChatApi, tmp_path: Path
) -> None:
    target = tmp_path / "codes" / "jy001.png"
    result = run(app, "JY001", "--out", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(PNG)
    assert str(target) in result.output and "scene ws=JY001" in result.output
    (call,) = fake.calls_to(WXACODE)
    assert call.json()["scene"] == "ws=JY001" and call.json()["width"] == 430
    assert call.query["access_token"].startswith("ACCESS_TOKEN_")  # the shared token


def test_a_page_can_be_chosen(app: Flask, fake: FakeWeChatApi, tmp_path: Path) -> None:
    result = run(app, "JY001", "--out", str(tmp_path / "c.png"), "--page", "pages/site/site")
    assert result.exit_code == 0, result.output
    assert fake.calls_to(WXACODE)[0].json()["page"] == "pages/site/site"


def test_wechat_refusing_is_a_clear_error_and_no_file(
    app: Flask, fake: FakeWeChatApi, tmp_path: Path
) -> None:
    fake.script(WXACODE, {"errcode": 41030, "errmsg": "invalid page rid: 6542a1b2"})
    target = tmp_path / "c.png"
    result = run(app, "JY001", "--out", str(target))
    assert result.exit_code == 1 and not target.exists()
    assert "WeChat refused the mini-program code for JY001" in result.output
    assert "errcode 41030" in result.output and "published mini-program" in result.output


def test_unknown_worksites_and_too_long_scenes_are_refused_before_calling_wechat(
    app: Flask, fake: FakeWeChatApi
) -> None:
    unknown = run(app, "NOPE")
    assert unknown.exit_code == 1 and "no worksite with code 'NOPE'" in unknown.output
    long_code = "A" * 30
    too_long = run(app, long_code)
    assert too_long.exit_code == 1 and "longer than WeChat's 32 characters" in too_long.output
    assert fake.count(WXACODE) == 0


def test_without_mini_program_credentials_it_says_what_to_set(
    tmp_path: Path, sqlite_template: Path
) -> None:
    app = api_app(tmp_path, sqlite_template, MINIPROGRAM_APPID="")
    add_worksite(app, "JY001")
    result = run(app, "JY001")
    assert result.exit_code == 1 and "PUFA_MINIPROGRAM_APPID" in result.output
