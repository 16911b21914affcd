"""Property-based run of the served OpenAPI document against the app (schemathesis).

Every operation gets generated requests, valid and invalid; the checks are schemathesis's
defaults: no 500s, every status documented, every body matching its schema, invalid input
refused. Authed operations carry a real bearer token; rate limits are raised for the run.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from tests.api_helpers import add_case, add_worksite, api_app, bearer, token_for
from tests.fake_wechat_api import FakeWeChatApi
from wx_backend.migrate import upgrade

# Small enough that the whole file runs in well under a minute.
MAX_EXAMPLES = 50


def _served_app() -> Flask:
    """The app under test, built at import: schemathesis reads the document at collection."""
    root = Path(tempfile.mkdtemp(prefix="pufa-schemathesis-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    template = root / "template.sqlite3"
    engine = create_engine(f"sqlite:///{template}", poolclass=NullPool)
    upgrade(engine)
    engine.dispose()
    app = api_app(root, template, API_RATE_IP=1_000_000, API_RATE_USER=1_000_000)
    add_case(app, "geren-shenqing-gongshang-rending")
    add_worksite(app, "JY001")
    return app


APP = _served_app()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def fake_wechat() -> Iterator[FakeWeChatApi]:
    """POST /session talks to a fake WeChat for the run (it answers every code with a user)."""
    with FakeWeChatApi() as server:
        APP.config["WECHAT_API_BASE"] = server.base_url
        APP.extensions.pop("pufa_miniprogram_api", None)
        yield server


@pytest.fixture(scope="module")
def headers() -> dict[str, str]:
    return bearer(token_for(APP))


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_every_operation_conforms_to_the_document(case: Any, headers: dict[str, str]) -> None:
    case.call_and_validate(headers=headers)
