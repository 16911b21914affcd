"""The review workflow: draft → submitted → published (or returned with a comment).

Rules (enforced here, whatever page or command calls them):
- editors (and admins) create, edit, submit and withdraw; reviewers (and admins) approve,
  return and unpublish;
- nobody approves a submission containing text they wrote since the case was last published;
- readers only ever see the approved version (`live_version_id`); editing a published case
  keeps the approved text online until the new text is approved; unpublishing takes it down;
- every saved state is a new CaseVersion (never changed afterwards) and every action is a row
  in the audit log, in the same transaction as the change.
The caller commits (db.transaction()).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from wx_backend.models import Case, CaseVersion
from wx_backend.models.base import utcnow
from wx_backend.publishing.content import PublishingContent
from wx_backend.publishing.documents import CaseDocument, CaseValidationError, document_from_fields
from wx_backend.staff.audit import record_action

EDIT_ROLES = ("editor", "admin")
REVIEW_ROLES = ("reviewer", "admin")
STATUS_LABELS = {
    "draft": "草稿",
    "submitted": "待审核",
    "returned": "已退回",
    "published": "已发布",
    "unpublished": "已下线",
}
CONTENT_FIELDS = ("title", "summary", "topics", "related_faq", "source", "source_url",
                  "illustrative", "published_date", "body")


class WorkflowError(Exception):
    """An action the rules do not allow now; the message is shown to staff as is."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        self.problems = tuple(problems)
        super().__init__(message)


@dataclass(frozen=True)
class Actor:
    """Who acts: a member of staff, or the system (content sync) with id None."""

    id: int | None
    name: str
    role: str

    def may(self, roles: Sequence[str]) -> bool:
        return self.role == "admin" or self.role in roles


SYSTEM = Actor(None, "system", "admin")


def _require(actor: Actor, roles: Sequence[str], what: str) -> None:
    if not actor.may(roles):
        raise WorkflowError(f"你的角色不能{what}。")


def _audit(session: Session, actor: Actor, action: str, case: Case, detail: str = "") -> None:
    record_action(session, actor_id=actor.id, actor_name=actor.name, action=action,
                  target_type="case", target_id=case.slug, detail=detail)


def document_fields(document: CaseDocument) -> dict[str, Any]:
    return {
        "title": document.title, "summary": document.summary, "topics": list(document.topics),
        "related_faq": list(document.related_faq), "source": document.source,
        "source_url": document.source_url, "illustrative": document.illustrative,
        "published_date": document.published, "body": document.body,
    }


def as_document(obj: Case | CaseVersion, slug: str) -> CaseDocument:
    """Re-read a stored case or version as a document (validating it again)."""
    return document_from_fields(front_matter(obj, slug), obj.body, f"案例 {slug}")


def front_matter(obj: Case | CaseVersion, slug: str) -> dict[str, Any]:
    return {
        "slug": slug, "title": obj.title, "summary": obj.summary, "topics": list(obj.topics),
        "related_faq": list(obj.related_faq),
        "source": {"name": obj.source, "url": obj.source_url} if obj.source_url else obj.source,
        "illustrative": obj.illustrative, "published": obj.published_date,
    }


def check_document(
    fields: Mapping[str, Any], body: str, slug: str, content: PublishingContent
) -> tuple[CaseDocument | None, list[str]]:
    """Validate form fields + body fully; return the document or the problems."""
    where = f"案例 {slug or '（未命名）'}"
    try:
        document = document_from_fields({**fields, "slug": slug}, body, where)
    except CaseValidationError as exc:
        return None, list(exc.problems)
    problems = content.problems(document, where)
    return (None, problems) if problems else (document, [])


def _latest_version(session: Session, case: Case) -> CaseVersion | None:
    return session.scalar(
        select(CaseVersion).where(CaseVersion.case_id == case.id)
        .order_by(CaseVersion.number.desc()).limit(1)
    )


def _differs(case: Case, version: CaseVersion | None) -> bool:
    if version is None:
        return True
    return any(getattr(case, name) != getattr(version, name) for name in CONTENT_FIELDS)


def _snapshot(session: Session, case: Case, actor: Actor, note: str) -> CaseVersion:
    latest = _latest_version(session, case)
    version = CaseVersion(
        case_id=case.id, number=(latest.number + 1) if latest else 1,
        author_id=actor.id, author_name=actor.name, note=note,
        **{name: getattr(case, name) for name in CONTENT_FIELDS},
    )
    session.add(version)
    session.flush()
    return version


def _apply(case: Case, fields: Mapping[str, Any]) -> None:
    for name in CONTENT_FIELDS:
        if name in fields:
            setattr(case, name, fields[name])
    case.updated_at = utcnow()


def find_case(session: Session, slug: str) -> Case | None:
    return session.scalar(select(Case).where(Case.slug == slug))


def create_case(
    session: Session, actor: Actor, slug: str, fields: Mapping[str, Any], *,
    origin: str = "staff", note: str = "新建",
) -> Case:
    """Add a new case as a draft with its first version."""
    _require(actor, EDIT_ROLES, "新建案例")
    if find_case(session, slug) is not None:
        raise WorkflowError(f"已有网址为 {slug} 的案例，请换一个。")
    case = Case(slug=slug, status="draft", origin=origin, author_id=actor.id,
                staff_edited=origin == "staff", topics=[], related_faq=[])
    _apply(case, fields)
    session.add(case)
    session.flush()
    _snapshot(session, case, actor, note)
    _audit(session, actor, "case_create", case)
    return case


def save_case(
    session: Session, actor: Actor, case: Case, fields: Mapping[str, Any], *, note: str = "编辑"
) -> CaseVersion | None:
    """Save the editor's text as a new version (None when nothing changed)."""
    _require(actor, EDIT_ROLES, "修改案例")
    if case.status == "submitted":
        raise WorkflowError("案例正在审核中，不能修改；如需修改请先撤回。")
    _apply(case, fields)
    if not _differs(case, _latest_version(session, case)):
        return None
    version = _snapshot(session, case, actor, note)
    if actor.id is not None:
        case.staff_edited = True
    if case.status in ("published", "returned", "unpublished"):
        case.status = "draft"
    _audit(session, actor, "case_edit", case, f"第 {version.number} 版")
    return version


def submit(session: Session, actor: Actor, case: Case, content: PublishingContent) -> None:
    """Send the latest version for review, once it passes every content check."""
    _require(actor, EDIT_ROLES, "提交审核")
    if case.status not in ("draft", "returned", "unpublished"):
        raise WorkflowError(f"案例当前状态为“{STATUS_LABELS[case.status]}”，不能提交审核。")
    _, problems = check_document(front_matter(case, case.slug), case.body, case.slug, content)
    if problems:
        raise WorkflowError("案例还有问题，改正后再提交：", problems)
    latest = _latest_version(session, case)
    assert latest is not None  # every case is created with version 1
    case.submitted_version_id = latest.id
    case.status = "submitted"
    case.review_comment = ""
    case.staff_edited = case.staff_edited or actor.id is not None
    _audit(session, actor, "case_submit", case, f"第 {latest.number} 版")


def withdraw(session: Session, actor: Actor, case: Case) -> None:
    _require(actor, EDIT_ROLES, "撤回")
    if case.status != "submitted":
        raise WorkflowError("只有待审核的案例可以撤回。")
    case.status = "draft"
    case.submitted_version_id = None
    _audit(session, actor, "case_withdraw", case)


def submission_authors(session: Session, case: Case) -> set[int]:
    """Staff who wrote any version since the case was last published (or ever, if never)."""
    live = session.get(CaseVersion, case.live_version_id) if case.live_version_id else None
    query = select(CaseVersion.author_id).where(CaseVersion.case_id == case.id)
    if live is not None:
        query = query.where(CaseVersion.number > live.number)
    authors = {a for a in session.scalars(query) if a is not None}
    if live is None and case.author_id is not None:
        authors.add(case.author_id)
    return authors


def approve(
    session: Session, actor: Actor, case: Case, content: PublishingContent, comment: str = ""
) -> None:
    """Publish the submitted version: readers see it from now on."""
    _require(actor, REVIEW_ROLES, "审核发布")
    if case.status != "submitted" or case.submitted_version_id is None:
        raise WorkflowError("只有待审核的案例可以发布。")
    if actor.id is not None and actor.id in submission_authors(session, case):
        raise WorkflowError("不能审核发布自己写的案例，请由另一位审核人员审核。")
    version = session.get(CaseVersion, case.submitted_version_id)
    assert version is not None
    _, problems = check_document(front_matter(version, case.slug), version.body, case.slug,
                                 content)
    if problems:
        raise WorkflowError("提交的版本没有通过内容检查，请退回修改：", problems)
    case.live_version_id = version.id
    case.submitted_version_id = None
    case.status = "published"
    case.review_comment = comment.strip()
    case.published_at = utcnow()
    _audit(session, actor, "case_approve", case,
           f"第 {version.number} 版" + (f"；意见：{comment.strip()}" if comment.strip() else ""))


def return_case(session: Session, actor: Actor, case: Case, comment: str) -> None:
    """Send a submission back to its editor with the reviewer's comment."""
    _require(actor, REVIEW_ROLES, "退回")
    if case.status != "submitted":
        raise WorkflowError("只有待审核的案例可以退回。")
    if not comment.strip():
        raise WorkflowError("退回时请写明修改意见。")
    case.status = "returned"
    case.submitted_version_id = None
    case.review_comment = comment.strip()
    _audit(session, actor, "case_return", case, comment.strip())


def unpublish(session: Session, actor: Actor, case: Case, reason: str = "") -> None:
    """Take a case offline: its page and its links in replies disappear at once."""
    _require(actor, REVIEW_ROLES, "下线")
    if case.live_version_id is None:
        raise WorkflowError("案例没有在线上。")
    case.live_version_id = None
    if case.status == "published":
        case.status = "unpublished"
    case.staff_edited = case.staff_edited or actor.id is not None
    _audit(session, actor, "case_unpublish", case, reason.strip())


def publish_directly(session: Session, actor: Actor, case: Case, note: str) -> None:
    """Make the latest version live without review: content sync only (files are reviewed
    in the repository before they ship)."""
    if actor.id is not None:
        raise WorkflowError("只有内容同步可以直接发布。")
    latest = _latest_version(session, case)
    assert latest is not None
    case.live_version_id = latest.id
    case.submitted_version_id = None
    case.status = "published"
    case.published_at = case.published_at or utcnow()
    _audit(session, actor, "case_sync_publish", case, f"第 {latest.number} 版；{note}")


# Reading -----------------------------------------------------------------------------------


def versions(session: Session, case: Case) -> list[CaseVersion]:
    return list(session.scalars(
        select(CaseVersion).where(CaseVersion.case_id == case.id)
        .order_by(CaseVersion.number.desc())
    ))


def version_text(obj: Case | CaseVersion | None, slug: str) -> str:
    """The whole case as one text (front matter then body), which is what diffs compare."""
    if obj is None:
        return ""
    return as_text(front_matter(obj, slug), obj.body)


def as_text(front: Mapping[str, Any], body: str) -> str:
    lines = [f"{key}: {value}" for key, value in front.items() if key != "slug"]
    return "\n".join(lines) + "\n\n" + body.strip() + "\n"


def diff_lines(old: str, new: str, old_label: str, new_label: str) -> list[str]:
    """A unified diff, line by line (empty when the texts are equal)."""
    return list(difflib.unified_diff(old.splitlines(), new.splitlines(), old_label, new_label,
                                     lineterm="", n=2))


def live_version(session: Session, slug: str) -> tuple[Case, CaseVersion] | None:
    """The published text of a case, or None when it is not online."""
    case = find_case(session, slug)
    if case is None or case.live_version_id is None:
        return None
    version = session.get(CaseVersion, case.live_version_id)
    return (case, version) if version is not None else None


def live_cases(session: Session) -> list[tuple[Case, CaseVersion]]:
    """Every published case with its live version, newest first."""
    rows = session.execute(
        select(Case, CaseVersion).join(CaseVersion, CaseVersion.id == Case.live_version_id)
        .order_by(CaseVersion.published_date.desc().nulls_last(), Case.id.desc())
    )
    return [(case, version) for case, version in rows]


def record_view(session: Session, case_id: int) -> None:
    # One UPDATE … SET n = n + 1: concurrent readers never lose a count.
    session.execute(update(Case).where(Case.id == case_id)
                    .values(view_count=Case.view_count + 1))


def record_feedback(session: Session, case_id: int, useful: bool) -> None:
    column = Case.useful_count if useful else Case.not_useful_count
    session.execute(update(Case).where(Case.id == case_id).values({column: column + 1}))


def pending_reviews(session: Session) -> list[Case]:
    return list(session.scalars(
        select(Case).where(Case.status == "submitted").order_by(Case.updated_at)
    ))


def count_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(select(Case.status, func.count()).group_by(Case.status))
    return {status: count for status, count in rows}


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        return None
