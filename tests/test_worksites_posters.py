"""QR codes and printable A4 posters for the worksites."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image

from tests.conftest import make_test_app
from tests.fake_wechat_api import FakeWeChatApi, Reply
from wx_backend.cli import cli
from wx_backend.store import MemoryStore
from wx_backend.worksites import posters, registry
from wx_backend.worksites.printing import poster_content
from wx_backend.worksites.qr import QrError, code_from_scene, ensure_wechat_qr, poster_target

from .analytics_helpers import add_worksite, log_question


@pytest.fixture
def fake() -> Iterator[FakeWeChatApi]:
    with FakeWeChatApi() as server:
        yield server


@pytest.fixture
def service_account_app(tmp_path: Path, sqlite_template: Path, fake: FakeWeChatApi) -> Flask:
    db_file = tmp_path / "svc.sqlite3"
    shutil.copy(sqlite_template, db_file)
    return make_test_app(tmp_path, f"sqlite:///{db_file}", MemoryStore(),
                         WECHAT_SERVICE_ACCOUNT=True, WECHAT_SECRET="secret",
                         WECHAT_API_BASE=fake.base_url)


def _pdf_pages(data: bytes) -> int:
    found = re.search(rb"/Count (\d+)", data)
    assert found is not None, "no page tree in the PDF"
    return int(found.group(1))


def test_without_a_service_account_the_poster_links_the_landing_page(app: Flask) -> None:
    add_worksite(app, "HZ001")
    with app.app_context():
        site = registry.get_worksite("HZ001")
        assert site is not None
        assert ensure_wechat_qr(site) is None
        assert poster_target(site, "https://pufa.example.org") == "https://pufa.example.org/s/HZ001"


def test_a_service_account_gets_one_permanent_qr_code_per_worksite(
    service_account_app: Flask, fake: FakeWeChatApi
) -> None:
    add_worksite(service_account_app, "HZ001")
    with service_account_app.app_context():
        site = registry.get_worksite("HZ001")
        assert site is not None
        url = ensure_wechat_qr(site)
        assert url == "http://weixin.qq.com/q/kZgfwMTm72WWPkovabbI"
        assert ensure_wechat_qr(site) == url  # kept: the account's QR codes are limited
        calls = fake.calls_to("/cgi-bin/qrcode/create")
        assert len(calls) == 1
        assert calls[0].json()["action_info"]["scene"]["scene_str"] == "ws:HZ001"
        assert poster_content(site, "https://pufa.example.org").qr_is_wechat


def test_a_refused_qr_code_is_a_clear_error(
    service_account_app: Flask, fake: FakeWeChatApi
) -> None:
    add_worksite(service_account_app, "HZ001")
    refusal = Reply.of({"errcode": 48001, "errmsg": "api unauthorized"})
    fake.script("/cgi-bin/qrcode/create", refusal)
    with service_account_app.app_context():
        site = registry.get_worksite("HZ001")
        assert site is not None
        with pytest.raises(QrError, match=r"48001|api unauthorized"):
            ensure_wechat_qr(site)
        assert site.wechat_qr_url is None


def test_scene_strings_name_the_worksite() -> None:
    assert code_from_scene("qrscene_ws:HZ001") == "HZ001"
    assert code_from_scene("ws:HZ001") == "HZ001"
    assert code_from_scene("menu") is None


def test_poster_carries_the_worksites_own_most_asked_questions(app: Flask) -> None:
    add_worksite(app, "HZ001")
    with app.app_context():
        for _ in range(3):
            log_question(source="ws:HZ001", entry_id="qx-02")
        site = registry.get_worksite("HZ001")
        assert site is not None
        content = poster_content(site, "https://pufa.example.org")
    assert len(content.questions) == 3
    assert content.bureau == "缙云县人力资源和社会保障局"
    assert (content.hotline, content.legal_aid_hotline) == ("12333", "12348")
    from wx_backend.faq import load_catalog

    catalog = load_catalog(Path(app.config["CONTENT_DIR"]) / "faq",
                           Path(app.config["CONTENT_DIR"]) / "content" / "topics.yaml")
    entry = catalog.get("qx-02")
    assert entry is not None and content.questions[0] == entry.question


def test_pdf_poster_is_a4_with_the_builtin_chinese_font(app: Flask) -> None:
    add_worksite(app, "HZ001")
    with app.app_context():
        site = registry.get_worksite("HZ001")
        assert site is not None
        data = posters.pdf([poster_content(site, "https://pufa.example.org")])
    assert data.startswith(b"%PDF")
    assert b"STSong-Light" in data
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in data
    assert _pdf_pages(data) == 1


def test_png_poster_is_a4_at_150_dpi(app: Flask) -> None:
    if posters.find_cjk_font() is None:
        pytest.skip("no Chinese font installed (fonts-noto-cjk)")
    add_worksite(app, "HZ001")
    with app.app_context():
        site = registry.get_worksite("HZ001")
        assert site is not None
        image = Image.open(io.BytesIO(posters.png(poster_content(site, "https://x.example"))))
    assert image.size == (1240, 1754)
    # The headline is printed in red across the top third.
    band = image.crop((100, 250, 1140, 330)).convert("RGB").tobytes()
    reds = sum(1 for i in range(0, len(band), 3) if band[i] > 150 > band[i + 1])
    assert reds > 1000


def test_qr_poster_command_writes_each_poster_and_one_batch(app: Flask, tmp_path: Path) -> None:
    add_worksite(app, "HZ001")
    add_worksite(app, "WY001", "五云街道")
    out = tmp_path / "posters"
    result = app.test_cli_runner().invoke(cli, ["qr", "poster", "--all", "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    expected = ["HZ001.pdf", "WY001.pdf", "all-posters.pdf"]
    if posters.find_cjk_font() is not None:
        expected = sorted([*expected, "HZ001.png", "WY001.png"])
    assert names == expected
    assert _pdf_pages((out / "all-posters.pdf").read_bytes()) == 2
    one_dir = tmp_path / "one"
    one = app.test_cli_runner().invoke(cli, ["qr", "poster", "WY001", "--out", str(one_dir)])
    assert one.exit_code == 0 and (one_dir / "WY001.pdf").exists()
    missing = app.test_cli_runner().invoke(cli, ["qr", "poster", "NOPE", "--out", str(out)])
    assert missing.exit_code == 1 and "no worksite with code 'NOPE'" in missing.output


def test_without_a_chinese_font_png_is_skipped_with_a_clear_note(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(posters, "find_cjk_font", lambda: None)
    add_worksite(app, "HZ001")
    result = app.test_cli_runner().invoke(cli, ["qr", "poster", "HZ001", "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert "PNG posters skipped: no Chinese font found" in result.output
    assert "fonts-noto-cjk" in result.output
    assert (tmp_path / "HZ001.pdf").exists() and not (tmp_path / "HZ001.png").exists()


def test_posters_need_the_public_address(tmp_path: Path, sqlite_template: Path) -> None:
    db_file = tmp_path / "p.sqlite3"
    shutil.copy(sqlite_template, db_file)
    app = make_test_app(tmp_path, f"sqlite:///{db_file}", MemoryStore(), PUBLIC_BASE_URL="")
    add_worksite(app, "HZ001")
    result = app.test_cli_runner().invoke(cli, ["qr", "poster", "HZ001", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "PUFA_PUBLIC_BASE_URL is not set" in result.output
