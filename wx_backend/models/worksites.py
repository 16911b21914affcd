"""Worksites where QR posters hang, and the wage-arrears warning level of each."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, CreatedAtMixin, utcnow


class Worksite(CreatedAtMixin, Base):
    """A construction site or workplace in the registry; `code` is what its QR codes carry."""

    __tablename__ = "worksite"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Printed on posters and carried by the QR scene `ws:<code>`; never reused.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    township: Mapped[str] = mapped_column(String(32), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    contractor: Mapped[str] = mapped_column(String(120), default="")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    contact: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The permanent parametric QR code, created once through the WeChat API (the account
    # has a limited number of them, so it is never re-created for the same worksite).
    wechat_qr_ticket: Mapped[str | None] = mapped_column(String(200))
    wechat_qr_url: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class WorksiteWarning(Base):
    """The wage-arrears warning level last evaluated for a worksite."""

    __tablename__ = "worksite_warning"

    id: Mapped[int] = mapped_column(primary_key=True)
    worksite_code: Mapped[str] = mapped_column(String(32), unique=True)
    level: Mapped[str] = mapped_column(String(8))
    users: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    evaluated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WarningChange(CreatedAtMixin, Base):
    """A worksite's warning level moved; the daily digest lists the rises to yellow and red."""

    __tablename__ = "warning_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    worksite_code: Mapped[str] = mapped_column(String(32), index=True)
    level_from: Mapped[str] = mapped_column(String(8))
    level_to: Mapped[str] = mapped_column(String(8))
    users: Mapped[int] = mapped_column(Integer)
