"""`pufa content sync` / `pufa cases export`: files ↔ database, staff edits kept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import make_test_app
from tests.staff_helpers import login, make_user
from wx_backend.cli import cli, prepare
from wx_backend.db import db
from wx_backend.models import AuditLog, Case, CaseVersion
from wx_backend.store import MemoryStore

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(p for p in (ROOT / "cases_explained").glob("*.md") if p.name != "README.md")
SLUG = "hetong-yifang-qianzi"


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A content folder of our own: the real statutes, FAQ and site, two case files."""
    root = tmp_path / "content-root"
    root.mkdir()
    (root / "content").symlink_to(ROOT / "content")
    (root / "faq").symlink_to(ROOT / "faq")
    cases = root / "cases_explained"
    cases.mkdir()
    for name in (f"{SLUG}.md", "geren-shenqing-gongshang-rending.md"):
        shutil.copy(ROOT / "cases_explained" / name, cases / name)
    return root


@pytest.fixture
def sync_app(tmp_path: Path, sqlite_template: Path, content_dir: Path) -> Flask:
    db_file = tmp_path / "sync.sqlite3"
    shutil.copy(sqlite_template, db_file)
    return make_test_app(tmp_path, f"sqlite:///{db_file}", MemoryStore(),
                         CONTENT_DIR=str(content_dir))


def _sync(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(cli, ["content", "sync", *args])
    return result.output + (f"[exit {result.exit_code}]" if result.exit_code else "")


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def test_sync_adds_and_publishes_new_files_and_is_idempotent(sync_app: Flask) -> None:
    first = _sync(sync_app)
    assert "cases: 2 added, 0 updated, 0 unchanged" in first
    assert sync_app.test_client().get(f"/cases/{SLUG}").status_code == 200
    versions, audit = _count(sync_app, CaseVersion), _count(sync_app, AuditLog)
    second = _sync(sync_app)
    assert "cases: 0 added, 0 updated, 2 unchanged" in second
    assert (_count(sync_app, CaseVersion), _count(sync_app, AuditLog)) == (versions, audit)


def test_a_changed_file_becomes_a_new_live_version(sync_app: Flask, content_dir: Path) -> None:
    _sync(sync_app)
    path = content_dir / "cases_explained" / f"{SLUG}.md"
    path.write_text(path.read_text("utf-8").replace("开叉车", "开铲车"), "utf-8")
    assert "1 updated" in _sync(sync_app)
    assert "开铲车" in sync_app.test_client().get(f"/cases/{SLUG}").get_data(as_text=True)
    with sync_app.app_context():
        case = db.session.scalar(select(Case).where(Case.slug == SLUG))
        assert case is not None
        live = db.session.get(CaseVersion, case.live_version_id)
        assert live is not None and live.number == 2


def test_staff_edits_are_never_overwritten_by_sync(sync_app: Flask, content_dir: Path) -> None:
    _sync(sync_app)
    make_user(sync_app, "wang", "editor")
    editor = sync_app.test_client()
    login(editor, "wang")
    page = editor.get(f"/admin/cases/{SLUG}").get_data(as_text=True)
    assert "开叉车" in page
    with sync_app.app_context():
        case = db.session.scalar(select(Case).where(Case.slug == SLUG))
        assert case is not None
        form = {"title": case.title, "summary": case.summary, "topics": case.topics,
                "related_faq": " ".join(case.related_faq), "source": case.source,
                "illustrative": "on", "published_date": "2026-11-26",
                "body": case.body.replace("开叉车", "开吊车")}
    editor.post(f"/admin/cases/{SLUG}", data=form)
    path = content_dir / "cases_explained" / f"{SLUG}.md"
    path.write_text(path.read_text("utf-8").replace("开叉车", "开铲车"), "utf-8")
    report = _sync(sync_app)
    assert f"kept (edited by staff): {SLUG}" in report
    with sync_app.app_context():
        case = db.session.scalar(select(Case).where(Case.slug == SLUG))
        assert case is not None and "开吊车" in case.body
    # The operator can take the file's text back on purpose; history keeps the staff edit.
    assert "1 updated" in _sync(sync_app, "--overwrite", SLUG)
    assert "开铲车" in sync_app.test_client().get(f"/cases/{SLUG}").get_data(as_text=True)
    history = editor.get(f"/admin/cases/{SLUG}/history").get_data(as_text=True)
    assert "开吊车" in history


def test_bad_files_are_reported_by_file_and_field_and_skipped(
    sync_app: Flask, content_dir: Path
) -> None:
    cases = content_dir / "cases_explained"
    text = (cases / f"{SLUG}.md").read_text("utf-8")
    (cases / "broken-topic.md").write_text(
        text.replace(f"slug: {SLUG}", "slug: broken-topic").replace("[劳动合同]", "[天气]"),
        "utf-8")
    (cases / "broken-quote.md").write_text(
        text.replace(f"slug: {SLUG}", "slug: broken-quote")
        .replace("应当订立书面劳动合同。”", "可以订立书面劳动合同。”"), "utf-8")
    (cases / "no-sections.md").write_text("---\nslug: no-sections\ntitle: x\n---\n正文\n", "utf-8")
    output = _sync(sync_app)
    assert "cases_explained/broken-topic.md: field 'topics': unknown topic '天气'" in output
    assert "cases_explained/broken-quote.md: quotation: 《劳动合同法》第十条第一款" in output
    assert "cases_explained/no-sections.md: section '## 导语' is missing" in output
    assert "2 added" in output and output.endswith("[exit 1]")


def test_export_writes_the_published_text_back_as_files(sync_app: Flask, tmp_path: Path) -> None:
    _sync(sync_app)
    target = tmp_path / "exported"
    result = sync_app.test_cli_runner().invoke(cli, ["cases", "export", "--dir", str(target)])
    assert "2 case files written" in result.output
    exported = (target / f"{SLUG}.md").read_text("utf-8")
    original = (ROOT / "cases_explained" / f"{SLUG}.md").read_text("utf-8")
    assert exported.split("---", 2)[2].strip() == original.split("---", 2)[2].strip()
    # An exported file is itself a valid case file.
    from wx_backend.publishing.documents import load_case_file

    assert load_case_file(target / f"{SLUG}.md").title == "劳动合同仅有一方劳动者签字是否有效"


def test_serve_start_up_loads_every_shipped_case(app: Flask) -> None:
    prepare(app)
    listing = app.test_client().get("/cases").get_data(as_text=True)
    with app.app_context():
        online = db.session.scalar(
            select(func.count()).select_from(Case).where(Case.live_version_id.is_not(None)))
    assert online == len(SHIPPED) >= 12
    for topic in ("工伤", "欠薪", "劳动合同", "解除"):
        assert f"<h2>{topic}</h2>" in listing
    prepare(app)  # a restart changes nothing
    assert _count(app, CaseVersion) == len(SHIPPED)


def test_cases_list_command_shows_state_and_reads(sync_app: Flask) -> None:
    _sync(sync_app)
    sync_app.test_client().get(f"/cases/{SLUG}")
    output = sync_app.test_cli_runner().invoke(cli, ["cases", "list"]).output
    assert f"{SLUG}\tpublished\tonline\tviews 1" in output
