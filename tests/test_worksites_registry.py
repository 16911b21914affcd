"""The worksite registry: CSV import (validated, all or nothing, idempotent) and listing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from wx_backend.cli import cli
from wx_backend.db import db
from wx_backend.models import AuditLog, Worksite
from wx_backend.worksites import registry

HEADER = "code,name,township,address,contractor,starts_on,ends_on,contact\n"
GOOD = HEADER + (
    "HZ001,壶镇安置房项目,壶镇,壶镇镇某路1号,某建设集团,2026-01-01,2027/6/30,王经理\n"
    "WY002,五云小学扩建,五云街道,,,,,\n"
)


def _import(app: Flask, path: Path) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(cli, ["worksites", "import", str(path)])
    return result.exit_code, result.output


def test_import_creates_then_updates_by_code(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_text(GOOD, "utf-8")
    assert _import(app, path) == (0, f"{path}: 2 created, 0 updated, 0 unchanged\n")
    assert _import(app, path) == (0, f"{path}: 0 created, 0 updated, 2 unchanged\n")
    path.write_text(GOOD.replace("某建设集团", "另一建设公司"), "utf-8")
    assert _import(app, path)[1].endswith("0 created, 1 updated, 1 unchanged\n")
    with app.app_context():
        site = db.session.scalar(select(Worksite).where(Worksite.code == "HZ001"))
        assert site is not None
        # 壶镇 is the unique prefix of the site's 壶镇镇; spreadsheet dates are understood.
        assert (site.township, site.contractor) == ("壶镇镇", "另一建设公司")
        assert (site.starts_on, site.ends_on) == (date(2026, 1, 1), date(2027, 6, 30))
        actions = db.session.scalars(select(AuditLog.action)).all()
        assert actions.count("worksite.import") == 3


def test_bad_rows_name_line_and_column_and_nothing_is_imported(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + (
        "HZ001,好的一行,壶镇镇,,,,,\n"
        "BAD CODE,名称,火星,,,2026-13-01,,\n"
        ",没有编号,五云街道,,,,,\n"
        "HZ001,重复编号,五云街道,,,2026-05-01,2026-04-01,\n"
    ), "utf-8")
    code, output = _import(app, path)
    assert code == 1
    assert "line 3, column code: 'BAD CODE' must be 1-32 letters" in output
    assert "line 3, column township: '火星' is not a township of the site" in output
    assert "line 3, column starts_on: '2026-13-01' is not a date" in output
    assert "line 4, column code: required" in output
    assert "line 5, column code: 'HZ001' already on line 2" in output
    assert "line 5, column ends_on: is before starts_on" in output
    assert "nothing imported" in output
    with app.app_context():
        assert registry.list_worksites() == []


def test_excel_gbk_files_and_chinese_headers_are_accepted(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("编号,工地名称,乡镇街道,总包单位\r\nXB01,新碧厂房,新碧街道,某公司\r\n"
                     .encode("gb18030"))
    assert _import(app, path)[0] == 0
    with app.app_context():
        assert [(s.code, s.name, s.contractor) for s in registry.list_worksites()] == [
            ("XB01", "新碧厂房", "某公司")]


def test_unknown_and_missing_columns_are_reported(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "cols.csv"
    path.write_text("code,name,colour\nA1,x,red\n", "utf-8")
    code, output = _import(app, path)
    assert code == 1
    assert "line 1: unknown column(s) colour" in output
    assert "line 1: missing column(s) township" in output


def test_list_command_shows_the_registry(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_text(GOOD, "utf-8")
    _import(app, path)
    output = app.test_cli_runner().invoke(cli, ["worksites", "list"]).output
    assert output.splitlines() == [
        "WY002\t五云街道\t五云小学扩建\t\t\t",
        "HZ001\t壶镇镇\t壶镇安置房项目\t某建设集团\t2026-01-01~2027-06-30\t",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("五云", "五云街道"), ("壶镇镇", "壶镇镇"), ("新", None), ("火星", None)],
)
def test_townships_resolve_to_the_site_configuration(value: str, expected: str | None) -> None:
    townships = ("五云街道", "新碧街道", "新建镇", "壶镇镇")
    assert registry.resolve_township(value, townships) == expected
