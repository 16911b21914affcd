"""`pufa content check`: the shipped content is valid, and a broken file is named precisely."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import Flask

from wx_backend.cli import cli
from wx_backend.store import MemoryStore

from .conftest import make_test_app

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_content_passes_the_check(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["content", "check"])
    assert result.exit_code == 0, result.output
    assert "content is valid" in result.stdout and "13 topics" in result.stdout


def _copy_content(tmp_path: Path) -> Path:
    root = tmp_path / "content-root"
    for name in ("faq", "content", "cases_explained"):
        shutil.copytree(ROOT / name, root / name)
    return root


def test_a_broken_faq_answer_and_case_are_reported_by_file_and_field(tmp_path: Path) -> None:
    root = _copy_content(tmp_path)
    wages = root / "faq" / "wages.yaml"
    wages.write_text(
        wages.read_text("utf-8").replace("- 《劳动法》第五十条", "- 《劳动法》第五百条", 1), "utf-8"
    )
    case = next((root / "cases_explained").glob("q*.md"))
    case.write_text(case.read_text("utf-8").replace("## 案情", "## 案子", 1), "utf-8")
    app: Flask = make_test_app(tmp_path, f"sqlite:///{tmp_path}/x.db", MemoryStore(),
                               CONTENT_DIR=str(root))
    result = app.test_cli_runner().invoke(cli, ["content", "check"])
    assert result.exit_code == 1
    assert "faq/wages.yaml: entry qx-" in result.stdout and "第五百条" in result.stdout
    assert f"cases_explained/{case.name}" in result.stdout
