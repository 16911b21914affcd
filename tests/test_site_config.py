"""Any county runs the service with its own names and contacts: only the site file changes."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from flask import Flask

from wx_backend.cli import cli
from wx_backend.site import load_site
from wx_backend.store import MemoryStore

from .conftest import make_test_app

ROOT = Path(__file__).resolve().parents[1]

OTHER_COUNTY = """
county: 示例县
city: 示例市
province: 示例省
bureau: 示例县人力资源和社会保障局
bureau_short: 示例县人社局
account_name: 示例人社
national: {hotline: "12333", legal_aid: "12348"}
offices:
  inspection: {name: 示例县劳动保障监察大队, phone: "0000-1234567", address: 示例路1号}
  arbitration: {name: 示例县劳动人事争议仲裁委员会, phone: ""}
office_hours: {weekdays: [1, 2, 3, 4, 5], periods: ["09:00-17:00"]}
townships: [甲镇, 乙乡]
"""


def other_county_app(tmp_path: Path) -> Flask:
    root = tmp_path / "root"
    for name in ("faq", "content", "cases_explained"):
        shutil.copytree(ROOT / name, root / name)
    (root / "content" / "site" / "example.yaml").write_text(OTHER_COUNTY, "utf-8")
    return make_test_app(tmp_path, f"sqlite:///{tmp_path}/x.db", MemoryStore(),
                         CONTENT_DIR=str(root), SITE="example")


def test_replies_use_the_configured_countys_offices_and_numbers(tmp_path: Path) -> None:
    result = other_county_app(tmp_path).test_cli_runner().invoke(
        cli, ["ask", "老板拖欠工资三个月不给怎么办"]
    )
    assert result.exit_code == 0, result.output
    assert "示例县劳动保障监察大队（电话 0000-1234567）" in result.stdout
    # An office without a confirmed number is named, and the worker is sent to 12333 for it.
    assert "缙云" not in result.stdout


def test_the_human_channels_name_the_local_inspection_phone_when_known(tmp_path: Path) -> None:
    site = other_county_app(tmp_path).extensions["pufa_site"]
    assert site.human_channels() == (
        "人社问题请拨 12333（人社服务热线），示例县劳动保障监察大队电话 0000-1234567；"
        "其他法律问题请拨 12348（公共法律服务热线，可申请法律援助）。"
    )


def test_filled_texts_are_remembered_per_site_and_stay_the_same() -> None:
    site = load_site(ROOT, "jinyun")
    text = "拨打 {hotline}，或找{inspection}；{unknown} 不变"
    first = site.fill(text)
    assert first == site.fill(text) and "{hotline}" not in first and "{unknown}" in first
    other = replace(site, hotline="0578-0000000")
    assert "0578-0000000" in other.fill(text) and "0578-0000000" not in site.fill(text)
