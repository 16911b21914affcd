"""`pufa content sync` for cases: cases_explained/*.md → database, and `pufa cases export` back.

The rule (also in README and cases_explained/README.md):
- A file whose slug is not in the database is added and published (shipped files are
  reviewed in the repository before they ship).
- A case that came from a file and that no member of staff has touched follows its file:
  when the file changes, the change becomes a new version and goes online.
- Once staff change a case in the admin (edit, submit, unpublish …) the database copy is
  theirs: sync never overwrites it and reports it as "kept". `--overwrite SLUG` takes the
  file's text back (as a new version; history is kept), and `pufa cases export` writes the
  staff's published text into the file so the repository can catch up.
- Files with problems are reported (file and field) and skipped; the rest still load.
- Running sync twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from wx_backend.models import Case, CaseVersion
from wx_backend.publishing.content import PublishingContent
from wx_backend.publishing.documents import CaseDocument, content_hash, load_case_dir
from wx_backend.publishing.workflow import (
    SYSTEM,
    as_document,
    create_case,
    document_fields,
    publish_directly,
    save_case,
)


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"cases: {len(self.created)} added, {len(self.updated)} updated, "
                f"{len(self.unchanged)} unchanged, {len(self.kept)} kept (edited by staff), "
                f"{len(self.problems)} problems")


def sync_cases(
    session: Session, content: PublishingContent, overwrite: Collection[str] = ()
) -> SyncReport:
    """Load every valid case file into the database (the caller commits)."""
    report = SyncReport()
    documents, report.problems = load_case_dir(content.cases_dir)
    for path, document in documents:
        where = f"{path.parent.name}/{path.name}"
        problems = content.problems(document, where)
        if problems:
            report.problems.extend(problems)
            continue
        _sync_one(session, document, content_hash(path.read_text("utf-8")), report,
                  force=document.slug in overwrite)
    return report


def _sync_one(
    session: Session, document: CaseDocument, sha: str, report: SyncReport, force: bool
) -> None:
    case = session.scalar(select(Case).where(Case.slug == document.slug))
    if case is None:
        case = create_case(session, SYSTEM, document.slug, document_fields(document),
                           origin="file", note="从 cases_explained/ 导入")
        case.file_sha256 = sha
        publish_directly(session, SYSTEM, case, "内容同步")
        report.created.append(document.slug)
        return
    if (case.staff_edited or case.origin != "file") and not force:
        report.kept.append(document.slug)
        return
    if case.file_sha256 == sha and not force:
        report.unchanged.append(document.slug)
        return
    if case.status == "submitted":
        case.status = "draft"  # --overwrite replaces a pending submission with the file
        case.submitted_version_id = None
    version = save_case(session, SYSTEM, case, document_fields(document),
                        note="从 cases_explained/ 更新")
    case.file_sha256 = sha
    case.staff_edited = False
    if version is not None or case.live_version_id is None or force:
        publish_directly(session, SYSTEM, case, "内容同步")
    report.updated.append(document.slug)


def export_cases(
    session: Session, directory: Path, slugs: Collection[str] = (), include_drafts: bool = False
) -> list[Path]:
    """Write cases back as files: the published text, or with include_drafts the working
    copy of cases that are not online. Returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    query = select(Case).order_by(Case.slug)
    if slugs:
        query = query.where(Case.slug.in_(list(slugs)))
    for case in session.scalars(query):
        source: Case | CaseVersion | None = None
        if case.live_version_id is not None:
            source = session.get(CaseVersion, case.live_version_id)
        elif include_drafts:
            source = case
        if source is None:
            continue
        text = as_document(source, case.slug).to_markdown()
        path = directory / f"{case.slug}.md"
        path.write_text(text, "utf-8")
        written.append(path)
    return written
