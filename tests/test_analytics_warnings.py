"""Wage-arrears early warning: distinct workers per worksite over a rolling window."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from flask import Flask

from wx_backend.analytics.warnings import Thresholds, current_levels, default_since, digest
from wx_backend.cli import cli
from wx_backend.config import ConfigError, validate
from wx_backend.models.base import utcnow

from .analytics_helpers import INJURY, WAGES, add_worksite, log_question

DEFAULTS = Thresholds(days=14, blue=2, yellow=5, red=10)


def _workers_ask(count: int, source: str = "ws:HZ001", days_ago: int = 0, prefix: str = "w",
                 topic: str = WAGES) -> None:
    for i in range(count):
        log_question(user=f"{prefix}{i}", source=source, topic=topic, days_ago=days_ago,
                     text=f"包工头欠了我们工资（{i}）")


def _level(code: str = "HZ001") -> str:
    found = {w.code: w for w in current_levels(DEFAULTS)}
    return found[code].level if code in found else "none"


def test_levels_move_with_the_number_of_distinct_workers(backend_app: Flask) -> None:
    add_worksite(backend_app, "HZ001")
    with backend_app.app_context():
        _workers_ask(1)
        assert _level() == "none"
        _workers_ask(2, prefix="b")  # three workers
        assert _level() == "blue"
        _workers_ask(3, prefix="y")  # six
        assert _level() == "yellow"
        _workers_ask(4, prefix="r")  # ten
        assert _level() == "red"
        level = current_levels(DEFAULTS)[0]
        assert (level.users, level.name, level.township) == (10, "HZ001 工地", "壶镇镇")
        assert level.recent and level.recent[0].startswith("包工头欠了我们工资")


def test_one_worker_asking_many_times_counts_once(backend_app: Flask) -> None:
    with backend_app.app_context():
        for _ in range(12):
            log_question(user="same-worker", source="ws:HZ001")
        assert _level() == "none"


def test_only_wage_questions_within_the_window_count(backend_app: Flask) -> None:
    with backend_app.app_context():
        _workers_ask(12, topic=INJURY)  # injuries are not wage arrears
        _workers_ask(12, days_ago=14, prefix="old")  # just outside the 14-day window
        _workers_ask(12, source=None, prefix="nosource")  # not attributed to a worksite
        assert current_levels(DEFAULTS) == []
        _workers_ask(5, days_ago=13, prefix="edge")  # the window's first day
        assert _level() == "yellow"


def test_thresholds_come_from_the_settings(tmp_path, sqlite_template) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from wx_backend.store import MemoryStore

    from .conftest import make_test_app

    db_file = tmp_path / "w.sqlite3"
    shutil.copy(sqlite_template, db_file)
    app = make_test_app(tmp_path, f"sqlite:///{db_file}", MemoryStore(),
                        WARNING_DAYS=3, WARNING_BLUE=1, WARNING_YELLOW=2, WARNING_RED=3)
    with app.app_context():
        _workers_ask(2)
        thresholds = Thresholds.from_config(app.config)
        assert thresholds == Thresholds(3, 1, 2, 3)
        assert current_levels(thresholds)[0].level == "yellow"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"WARNING_BLUE": 5, "WARNING_YELLOW": 3, "WARNING_RED": 10}, "must rise"),
        ({"WARNING_DAYS": 0}, "PUFA_WARNING_DAYS: must be at least 1"),
    ],
)
def test_bad_warning_thresholds_fail_fast(config: dict[str, int], message: str) -> None:
    base = {"SECRET_KEY": "s", "WARNING_DAYS": 14, "WARNING_BLUE": 2, "WARNING_YELLOW": 5,
            "WARNING_RED": 10}
    with pytest.raises(ConfigError, match=message):
        validate({**base, **config})


def test_daily_digest_lists_new_yellow_and_red_worksites_once(backend_app: Flask) -> None:
    add_worksite(backend_app, "HZ001", name="壶镇安置房")
    add_worksite(backend_app, "WY001", "五云街道")
    with backend_app.app_context():
        day_one = utcnow()
        _workers_ask(3)  # blue: not in the digest
        assert digest(DEFAULTS, default_since(day_one), day_one) == []
        _workers_ask(6, prefix="more")  # nine workers: yellow
        _workers_ask(10, source="ws:WY001", prefix="wy")  # red
        day_two = day_one + timedelta(days=1)
        items = digest(DEFAULTS, default_since(day_two), day_two)
        assert [(i.code, i.level_from, i.level_to, i.users) for i in items] == [
            ("WY001", "none", "red", 10), ("HZ001", "blue", "yellow", 9)]
        assert items[1].name == "壶镇安置房"
        # The next day nothing new happened: the digest is empty.
        day_three = day_two + timedelta(days=1)
        assert digest(DEFAULTS, default_since(day_three), day_three) == []


def test_warnings_digest_command(app: Flask) -> None:
    add_worksite(app, "HZ001")
    with app.app_context():
        _workers_ask(5)
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["warnings", "digest", "--json"])
    assert result.exit_code == 0, result.output
    assert [(i["code"], i["level"], i["users"]) for i in json.loads(result.output)] == [
        ("HZ001", "yellow", 5)]
    again = runner.invoke(cli, ["warnings", "digest"])
    assert "黄色预警 HZ001" in again.output  # still within the last 24 hours
    listing = runner.invoke(cli, ["warnings", "list"])
    assert "黄色 HZ001" in listing.output
