"""The foundation: configuration, storage, migrations and the health check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.pool import NullPool

from wx_backend import create_app
from wx_backend.config import ConfigError, ensure_demo_secrets, settings_from_env, validate
from wx_backend.migrate import pending_changes, upgrade
from wx_backend.store import MemoryStore, Store

from .conftest import POSTGRES_URL, _need, drop_postgres


def test_environment_variables_are_read_with_their_types() -> None:
    values = settings_from_env(
        {"PUFA_WECHAT_TOKEN": "123456", "PUFA_WORKERS": "3", "PUFA_DEMO": "yes", "HOME": "/"}
    )
    # A numeric token stays a string: tokens are compared as text in the signature.
    assert values == {"WECHAT_TOKEN": "123456", "WORKERS": 3, "DEMO": True}


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"PUFA_WORKRES": "2"}, "PUFA_WORKRES: unknown setting"),
        ({"PUFA_WORKERS": "two"}, "PUFA_WORKERS: expected a whole number"),
        ({"PUFA_DEMO": "maybe"}, "PUFA_DEMO: expected true/false"),
    ],
)
def test_bad_environment_values_name_the_variable(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        settings_from_env(environ)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"WECHAT_AES_KEY": "short", "WECHAT_APPID": "wx1"}, "43-character"),
        ({"WECHAT_AES_KEY": "a" * 43}, "PUFA_WECHAT_APPID: required"),
        ({"PUBLIC_BASE_URL": "pufa.example.org"}, "PUFA_PUBLIC_BASE_URL"),
        ({"REDIS_URL": "localhost:6379"}, "PUFA_REDIS_URL"),
        ({"SECRET_KEY": ""}, "PUFA_SECRET_KEY: required"),
    ],
)
def test_invalid_configuration_fails_fast(config: dict[str, str], message: str) -> None:
    base = {"SECRET_KEY": "s", "WORKERS": 2}
    with pytest.raises(ConfigError, match=message):
        validate({**base, **config})


def test_demo_secrets_are_created_once_private_and_stable(tmp_path: Path) -> None:
    first = ensure_demo_secrets(tmp_path)
    second = ensure_demo_secrets(tmp_path)
    assert first == second
    assert len(first["SECRET_KEY"]) >= 32
    assert (tmp_path / "demo-secrets.json").stat().st_mode & 0o777 == 0o600


def test_unknown_site_is_a_clear_error(tmp_path: Path) -> None:
    from wx_backend.site import SiteConfigError

    with pytest.raises(SiteConfigError, match="no such site file"):
        create_app({"TESTING": True, "SECRET_KEY": "s", "SITE": "atlantis",
                    "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})


def test_default_site_is_jinyun_with_national_fallbacks(app: Flask) -> None:
    site = app.extensions["pufa_site"]
    assert site.county == "缙云县"
    values = site.placeholders()
    # Local phone numbers are not confirmed, so no number is printed for them.
    assert values["inspection"] == (
        "缙云县劳动保障监察机构（县人力社保局）（地址和电话可拨 12333 查询）"
    )
    assert "12348" in site.human_channels() and "12333" in site.human_channels()


def _exercise_store(store: Store) -> None:
    assert store.set_nx("k", "first", ttl=60) is True
    assert store.set_nx("k", "second", ttl=60) is False
    assert store.get("k") == "first"
    assert [store.incr("n", ttl=60) for _ in range(3)] == [1, 2, 3]
    assert 0 < (store.ttl("n") or 0) <= 60
    store.delete("k")
    assert store.get("k") is None
    store.set("short", "v", ttl=1)
    assert store.get("short") == "v"


def test_in_process_store_is_atomic_and_expires() -> None:
    _exercise_store(MemoryStore())


def test_redis_store_behaves_like_the_in_process_store(redis_store: Store) -> None:
    _exercise_store(redis_store)
    assert redis_store.shared_between_processes


def test_healthz_reports_database_and_store(backend_app: Flask) -> None:
    response = backend_app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json is not None
    assert response.json["database"] == "ok"
    assert response.json["store"] == "ok"


def test_healthz_reports_an_unmigrated_database(tmp_path: Path) -> None:
    from .conftest import make_test_app

    app = make_test_app(tmp_path, f"sqlite:///{tmp_path}/empty.db", MemoryStore())
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json is not None and response.json["database"] == "migrations pending"


def _assert_migrations_match_models(url: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    upgrade(engine)
    assert "question_log" in inspect(engine).get_table_names()
    assert pending_changes(engine) == []
    upgrade(engine)  # idempotent
    engine.dispose()


def test_migrations_build_the_schema_on_empty_sqlite(tmp_path: Path) -> None:
    _assert_migrations_match_models(f"sqlite:///{tmp_path}/fresh.db")


def test_migrations_build_the_schema_on_empty_postgres() -> None:
    _need(POSTGRES_URL, "PostgreSQL")
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    name = "pufa_migration_check"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        _assert_migrations_match_models(url)
    finally:
        drop_postgres(name)


def test_pufa_db_upgrade_works_from_the_command_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUFA_")}
    env["PUFA_INSTANCE_PATH"] = str(tmp_path / "instance")
    result = subprocess.run(
        [sys.executable, "-c", "from wx_backend.cli import main; main()", "db", "upgrade"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "newest schema" in result.stdout
    # Unconfigured means demo mode: secrets were generated and kept.
    assert (tmp_path / "instance" / "demo-secrets.json").exists()
    assert (tmp_path / "instance" / "pufa.sqlite3").exists()


def test_migrations_form_a_single_line_to_one_head() -> None:
    from alembic.script import ScriptDirectory

    from wx_backend.migrate import alembic_config

    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert heads == ["0004_merge"]


def test_a_database_other_than_sqlite_or_postgres_is_refused_at_start() -> None:
    with pytest.raises(ConfigError, match="PUFA_DATABASE_URL: SQLite or PostgreSQL only"):
        validate({"SECRET_KEY": "s", "WORKERS": 2, "DATABASE_URL": "mysql://u@h/db"})
