"""Case explainers (以案释法): the working copy, every saved version, reader counters."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, utcnow

CASE_STATUSES = ("draft", "submitted", "returned", "published", "unpublished")


class CaseContent:
    """What an explainer says: the working copy on Case, a frozen copy on each CaseVersion."""

    title: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(Text, default="")
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    related_faq: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str] = mapped_column(String(500), default="")
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    published_date: Mapped[dt.date | None] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text, default="")


class Case(CaseContent, CreatedAtMixin, Base):
    """One explainer. Its fields are the working copy; readers see `live_version` only.

    Editing a published case leaves the approved text online until the new text is approved.
    """

    __tablename__ = "case_explainer"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # The version a submission asks to publish, and the version readers see (NULL: offline).
    # Plain ids rather than foreign keys: case_version already points at this table, and a
    # cycle of foreign keys would need ALTER TABLE constraints that SQLite cannot add.
    submitted_version_id: Mapped[int | None] = mapped_column(Integer)
    live_version_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # Content sync: origin "file" came from cases_explained/; once staff change the case in
    # the admin (staff_edited), sync never overwrites it again.
    origin: Mapped[str] = mapped_column(String(8), default="staff")
    file_sha256: Mapped[str] = mapped_column(String(64), default="")
    staff_edited: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Reader counters, incremented atomically in SQL (UPDATE … SET n = n + 1).
    view_count: Mapped[int] = mapped_column(Integer, default=0)
    useful_count: Mapped[int] = mapped_column(Integer, default=0)
    not_useful_count: Mapped[int] = mapped_column(Integer, default=0)
    # Last push to the official account's drafts.
    wechat_media_id: Mapped[str] = mapped_column(String(128), default="")
    wechat_publish_id: Mapped[str] = mapped_column(String(128), default="")
    wechat_pushed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class CaseVersion(CaseContent, CreatedAtMixin, Base):
    """A saved state of a case; versions are never changed or deleted."""

    __tablename__ = "case_version"
    __table_args__ = (UniqueConstraint("case_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_explainer.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    author_name: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(String(200), default="")
