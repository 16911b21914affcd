"""The whole flow in a real browser: an editor writes and submits a case, a reviewer approves
it, and the public page reads well on a 360 px phone screen (screenshot in test-artifacts/)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import make_test_app
from tests.publishing_helpers import VALID_BODY
from tests.staff_helpers import PASSWORD, make_user
from wx_backend.store import MemoryStore

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SLUG = "shiyongqi-shoushang"

pytestmark = pytest.mark.browser

if not CHROMIUM.exists() and os.environ.get("PUFA_TEST_REQUIRE_SERVICES") != "1":
    pytest.skip("Chromium is not installed (/usr/bin/chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_server(tmp_path: Path, sqlite_template: Path) -> Iterator[tuple[Flask, str]]:
    """The app with CSRF on, served on a loopback port for the browser."""
    db_file = tmp_path / "browser.sqlite3"
    shutil.copy(sqlite_template, db_file)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    app = make_test_app(tmp_path, f"sqlite:///{db_file}", MemoryStore(),
                        PUBLIC_BASE_URL=base, WTF_CSRF_ENABLED=True)
    make_user(app, "wang", "editor")
    make_user(app, "zhao", "reviewer")
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, base
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_editor_writes_reviewer_approves_reader_sees_it_on_a_phone(
    live_server: tuple[Flask, str],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    _, base = live_server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            staff = browser.new_page(viewport={"width": 1280, "height": 900})

            def log_in(username: str) -> None:
                staff.goto(f"{base}/admin/login")
                staff.fill("input[name=username]", username)
                staff.fill("input[name=password]", PASSWORD)
                staff.click("button:has-text('登录')")

            # The editor writes the case; the phone preview follows the text as it is typed.
            log_in("wang")
            expect(staff.locator("h1")).to_have_text("以案释法案例")
            staff.click("text=新建案例")
            staff.fill("input[name=slug]", SLUG)
            staff.fill("input[name=title]", "试用期摔伤了也能认定工伤")
            staff.fill("textarea[name=summary]", "试用期也是劳动关系，受伤同样可以认定工伤。")
            staff.check("input[name=topics][value=工伤]")
            staff.fill("input[name=related_faq]", "gsrd-26")
            staff.fill("input[name=source]", "说明性案例（浏览器测试）")
            staff.fill("input[name=published_date]", "2026-11-26")
            staff.fill("textarea[name=body]", VALID_BODY)
            staff.click("button[name=action][value=save]")
            expect(staff.locator(".flash").first).to_contain_text("已保存草稿")
            preview = staff.frame_locator("#preview")
            expect(preview.locator("h1")).to_have_text("试用期摔伤了也能认定工伤")
            staff.fill("input[name=title]", "试用期受伤也能认定工伤")
            expect(preview.locator("h1")).to_have_text("试用期受伤也能认定工伤")
            staff.click("button[name=action][value=submit]")
            expect(staff.locator(".status")).to_have_text("待审核")
            staff.click("button:has-text('退出')")

            # A different member of staff reviews the change and publishes it.
            log_in("zhao")
            staff.goto(f"{base}/admin/review")
            staff.click("a:has-text('审核') >> nth=-1")
            expect(staff.locator(".diff")).to_contain_text("+title: 试用期受伤也能认定工伤")
            staff.click("button:has-text('通过并发布')")
            expect(staff.locator(".flash").first).to_contain_text("已发布")

            # A worker opens the link on a phone.
            phone = browser.new_page(viewport={"width": 360, "height": 740},
                                     device_scale_factor=2, is_mobile=True, has_touch=True)
            phone.goto(f"{base}/cases/{SLUG}")
            expect(phone.locator("h1")).to_have_text("试用期受伤也能认定工伤")
            expect(phone.locator(".note")).to_contain_text("说明性案例")
            expect(phone.locator(".body h2").first).to_have_text("导语")
            # Nothing wider than the screen: no sideways scrolling on a 360 px phone.
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 360
            ARTIFACTS.mkdir(exist_ok=True)
            phone.screenshot(path=str(ARTIFACTS / "publishing-case-360px.png"), full_page=True)
            phone.click("button:has-text('有用')")
            expect(phone.locator("#feedback")).to_contain_text("谢谢您的反馈")
        finally:
            browser.close()
