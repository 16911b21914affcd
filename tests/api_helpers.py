"""Building blocks for the /api/v1 tests: an app on the fixed test FAQ, tokens, cases, sites."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from flask import Flask

from tests.conftest import make_test_app
from tests.dialogue_support import fixture_content_dir
from tests.publishing_helpers import VALID_BODY
from wx_backend.db import db
from wx_backend.publishing import workflow
from wx_backend.store import MemoryStore, Store
from wx_backend.worksites.registry import WorksiteInput, get_worksite, save, set_active

MINI_APPID = "wxmini0123456789"
MINI_SECRET = "mini-secret-0123456789abcdef"
# WeChat's API is never called unless a test points it at the fake server.
UNREACHABLE = "http://127.0.0.1:9"


def api_app(tmp_path: Path, sqlite_template: Path, store: Store | None = None,
            **overrides: Any) -> Flask:
    """The app on a fresh SQLite copy and the fixed test FAQ, with mini-program credentials."""
    db_file = tmp_path / f"api-{len(list(tmp_path.iterdir()))}.sqlite3"
    shutil.copy(sqlite_template, db_file)
    config: dict[str, Any] = {
        "CONTENT_DIR": str(fixture_content_dir()),
        "MINIPROGRAM_APPID": MINI_APPID,
        "MINIPROGRAM_SECRET": MINI_SECRET,
        "WECHAT_API_BASE": UNREACHABLE,
    }
    config.update(overrides)
    return make_test_app(tmp_path, f"sqlite:///{db_file}", store or MemoryStore(), **config)


def token_for(app: Flask, openid: str = "oMiniWorker1") -> str:
    """A bearer token for openid, issued the way POST /session issues one."""
    from wx_backend.api.sessions import issue

    with app.test_request_context():
        token, _ = issue(openid, "session-key-not-used")
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def add_case(app: Flask, slug: str, *, title: str = "试用期受伤也能认定工伤",
             topics: tuple[str, ...] = ("工伤",), publish: bool = True) -> None:
    """A case explainer, published (as content sync does) or left as a draft."""
    fields = {
        "title": title, "summary": "试用期也是劳动关系，受伤同样可以认定工伤。",
        "topics": list(topics), "related_faq": ["gsrd-01"], "source": "说明性案例（测试）",
        "source_url": "", "illustrative": True, "published_date": dt.date(2026, 11, 26),
        "body": VALID_BODY,
    }
    with app.app_context(), db.transaction() as session:
        case = workflow.create_case(session, workflow.SYSTEM, slug, fields, origin="file")
        if publish:
            workflow.publish_directly(session, workflow.SYSTEM, case, "test")


def unpublish_case(app: Flask, slug: str) -> None:
    with app.app_context(), db.transaction() as session:
        case = workflow.find_case(session, slug)
        assert case is not None
        workflow.unpublish(session, workflow.SYSTEM, case, "test")


def add_worksite(app: Flask, code: str, *, name: str = "缙云县城北安置房工程",
                 active: bool = True) -> None:
    with app.app_context():
        save(WorksiteInput(code=code, name=name, township="五云街道"))
        if not active:
            site = get_worksite(code)
            assert site is not None
            set_active(site, False)
