"""Shared fixtures: an app on a fresh database per test, on every configured backend.

SQLite and the in-process store always run. PostgreSQL and Redis run when
PUFA_TEST_POSTGRES_URL / PUFA_TEST_REDIS_URL point at servers (`.ci/run` starts both and sets
PUFA_TEST_REQUIRE_SERVICES=1, which turns a missing server into a failure, not a skip).
"""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from wx_backend import create_app
from wx_backend.migrate import upgrade
from wx_backend.store import MemoryStore, RedisStore, Store

POSTGRES_URL = os.environ.get("PUFA_TEST_POSTGRES_URL", "")
REDIS_URL = os.environ.get("PUFA_TEST_REDIS_URL", "")
REQUIRE_SERVICES = os.environ.get("PUFA_TEST_REQUIRE_SERVICES") == "1"
TEST_TOKEN = "pufa-test-token"
TEST_SECRET = "pufa-test-secret-key-0123456789abcdef"
_counter = itertools.count()


def _need(url: str, what: str) -> None:
    if not url:
        if REQUIRE_SERVICES:
            pytest.fail(f"{what} is required in this run but its URL is not set")
        pytest.skip(f"{what} not configured")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test gets a copy (migrations are tested separately)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated template database; each test clones it (CREATE DATABASE … TEMPLATE)."""
    _need(POSTGRES_URL, "PostgreSQL")
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    name = f"pufa_tpl_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name)
    engine = create_engine(url, poolclass=NullPool)
    upgrade(engine)
    engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def fresh_postgres_url(template: str) -> tuple[str, str]:
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    name = f"pufa_t_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    return url, name


def drop_postgres(name: str) -> None:
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def fresh_redis_store() -> RedisStore:
    # A unique prefix per test keeps tests apart without FLUSHDB races.
    return RedisStore(REDIS_URL, prefix=f"pufa-test:{uuid.uuid4().hex[:8]}:")


def make_test_app(
    tmp_path: Path, database_url: str, store: Store, **overrides: Any
) -> Flask:
    instance = tmp_path / f"instance-{next(_counter)}"
    instance.mkdir()
    config: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "WECHAT_TOKEN": TEST_TOKEN,
        "WECHAT_APPID": "wx0123456789abcdef",
        "DATABASE_URL": database_url,
        "STORE_INSTANCE": store,
        "PUBLIC_BASE_URL": "https://pufa.example.org",
        "WTF_CSRF_ENABLED": False,
    }
    config.update(overrides)
    os.environ["PUFA_INSTANCE_PATH"] = str(instance)
    try:
        return create_app(config)
    finally:
        del os.environ["PUFA_INSTANCE_PATH"]


@pytest.fixture
def app(tmp_path: Path, sqlite_template: Path) -> Flask:
    """The app on SQLite and the in-process store: the embedded defaults."""
    db_file = tmp_path / "pufa.sqlite3"
    shutil.copy(sqlite_template, db_file)
    return make_test_app(tmp_path, f"sqlite:///{db_file}", MemoryStore())


@pytest.fixture(params=["sqlite+memory", "postgres+redis"])
def backend_app(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[Flask]:
    """The app on each storage combination the product supports in production."""
    if request.param == "sqlite+memory":
        db_file = tmp_path / "pufa.sqlite3"
        shutil.copy(sqlite_template, db_file)
        yield make_test_app(tmp_path, f"sqlite:///{db_file}", MemoryStore())
        return
    _need(POSTGRES_URL, "PostgreSQL")
    _need(REDIS_URL, "Redis")
    template = request.getfixturevalue("postgres_template")
    url, name = fresh_postgres_url(template)
    app = make_test_app(tmp_path, url, fresh_redis_store())
    yield app
    app.extensions["pufa_db"][0].dispose()
    drop_postgres(name)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def redis_store() -> RedisStore:
    _need(REDIS_URL, "Redis")
    return fresh_redis_store()
